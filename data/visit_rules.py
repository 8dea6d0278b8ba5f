"""The rules of the letters-and-visits list (spec v3), in one SQL pass as data/validate.py does
for cases: every row gets its reason (NULL when it passes), the duplicate rule after the others
(the first passing row of a visit_no is kept). Kinds, required columns and code aliases come
from the declaration (schema/records.py)."""
from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from schema import codes, records

from .validate import CASE_NO_RE, CONTROL_RE, EARLIEST, _bool_sql, _date_sql, _msg, _norm, sql_literal

REC = records.VISITS


def _code_sql(col: records.Column) -> str:
    """The canonical value of a code cell (an alias read as its canonical word), else the cell."""
    whens = " ".join(f"WHEN {sql_literal(a)} THEN {sql_literal(v)}" for a, v in col.aliases.items())
    return f"CASE {col.name} {whens} ELSE {col.name} END" if whens else col.name


def rule_parts(today: str) -> list[tuple[str, tuple[str, ...]]]:
    """(condition that breaks the rule, the message's parts: text, or `{col}` for the cell)."""
    r: list[tuple[str, tuple[str, ...]]] = []
    add = lambda cond, *msg: r.append((cond, msg))  # noqa: E731
    for c in REC.columns:
        add(f"length({c.name}) > {c.max_len}",
            f"{c.zh}超过{c.max_len}个字符 / {c.name} is longer than {c.max_len} characters")
        add(f"regexp_matches({c.name}, {sql_literal(CONTROL_RE)})",
            f"{c.zh}含有控制字符 / {c.name} holds a control character")
    for c in REC.columns:
        if c.required:
            add(f"{c.name} IS NULL", f"缺少{c.zh} / {c.name} is missing")
    add("court_code IS NOT NULL AND known_court IS NULL",
        "登记法院代码“", "{court_code}", "”不在法院名录中 / court ", "{court_code}", " is not in the court list")
    for c in REC.columns:
        if c.kind == "date":
            add(f"{c.name} IS NOT NULL AND {c.name}_d IS NULL",
                f"{c.zh}不是有效日期：", "{" + c.name + "}", f" / {c.name} is not a valid date: ", "{" + c.name + "}")
            add(f"{c.name}_d > DATE {sql_literal(today)}",
                f"{c.zh}晚于导入当日（{today}）：", "{" + c.name + "}",
                f" / {c.name} is after the day of the import ({today}): ", "{" + c.name + "}")
            add(f"{c.name}_d < DATE {sql_literal(EARLIEST)}",
                f"{c.zh}早于{EARLIEST}：", "{" + c.name + "}", f" / {c.name} is before {EARLIEST}: ", "{" + c.name + "}")
        elif c.kind == "boolean":
            add(f"{c.name}_b IS NULL",
                f"{c.zh}应为 是/否：", "{" + c.name + "}", f" / {c.name} must be yes or no: ", "{" + c.name + "}")
        elif c.kind == "code":
            ok = ", ".join(sql_literal(v) for v in c.values)
            add(f"{c.name} IS NOT NULL AND {c.name}_c NOT IN ({ok})",
                f"{c.zh}无效：", "{" + c.name + "}", f" / unknown {c.name}: ", "{" + c.name + "}")
    add("case_no IS NOT NULL AND NOT cno_ok",
        "涉及案号格式不正确：", "{case_no}", "（应如 (2025)示0102民初1234号） / case_no is not of the form (2025)示0102民初1234号")
    add("closed_date_d < received_date_d", "办结日期早于登记日期 / closed_date is before received_date")
    add("closed_date IS NOT NULL AND outcome IS NULL",
        "已填办结日期但缺少办理结果 / outcome is required when closed_date is given")
    add("closed_date IS NULL AND outcome IS NOT NULL",
        "未办结的信访不应填写办理结果 / outcome must be blank when closed_date is blank")
    return r


def check_rows(con: duckdb.DuckDBPyConnection, raw: pa.Table, today: dt.date) -> None:
    """Temp table `visit_checked`: row_no, visit_no, reason (NULL: accepted) and the values as
    stored. Needs table `courts`."""
    con.register("visit_raw", raw)
    types = ", ".join(f"({sql_literal(t)})" for t in codes.CASE_TYPES)
    con.execute(f"CREATE OR REPLACE TEMP TABLE visit_types(code VARCHAR); INSERT INTO visit_types VALUES {types}")
    rules = [(cond, _msg(*parts)) for cond, parts in rule_parts(today.isoformat())]
    reason = "nullif(concat_ws('；', " + ", ".join(f"CASE WHEN {c} THEN {m} END" for c, m in rules) + "), '')"
    derived = []
    for c in REC.columns:
        if c.kind == "date":
            derived.append(f"{_date_sql(c.name)} AS {c.name}_d")
        elif c.kind == "boolean":
            derived.append(f"{_bool_sql(c.name)} AS {c.name}_b")
        elif c.kind == "code":
            derived.append(f"{_code_sql(c)} AS {c.name}_c")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE visit_checked AS
        WITH a AS (
            SELECT *, {_norm('case_no')} AS cno,
                   regexp_extract({_norm('case_no')}, {sql_literal(CASE_NO_RE)}, ['y','c','d','t','s']) AS cn,
                   {", ".join(derived)}
            FROM visit_raw
        ), b AS (
            SELECT a.*, coalesce(a.cn.y, '') <> '' AND a.cn.t IN (SELECT code FROM visit_types) AS cno_ok,
                   cl.court_code AS known_court
            FROM a LEFT JOIN (SELECT DISTINCT court_code::VARCHAR AS court_code FROM courts) cl
                ON cl.court_code = a.court_code
        ), c AS (
            SELECT *, {reason} AS broken FROM b
        ), d AS (
            SELECT *, CASE WHEN broken IS NULL
                           THEN row_number() OVER (PARTITION BY visit_no, broken IS NULL ORDER BY row_no) END AS nth
            FROM c
        )
        SELECT row_no, visit_no,
               coalesce(broken, CASE WHEN nth > 1 THEN '信访编号重复（与前面的行相同） / duplicate visit_no' END) AS reason,
               visit_no AS v_visit_no, court_code AS v_court_code, received_date_d AS v_received_date,
               form_c AS v_form, petitioner_id AS v_petitioner_id, cno AS v_case_no,
               skip_level_b AS v_skip_level, hearing_b AS v_hearing, closed_date_d AS v_closed_date,
               outcome_c AS v_outcome
        FROM d ORDER BY row_no
    """)
    con.unregister("visit_raw")
