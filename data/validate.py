"""The import rules of spec/case-schema.md, checked on every row at once in DuckDB.

`check_rows` turns the text table `raw` (see reader.py) into `checked`: typed, normalised
columns plus `reason`, the Chinese / English explanation of every rule the row breaks (NULL
when it breaks none). Rule texts are constants of this module; cell values only ever appear
as column references, never spliced into SQL.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from schema import codes, records

CASE_NO_RE = r"^\(([0-9]{4})\)(\p{Han})([0-9]*)(\p{Han}+)([0-9]+)号$"
DATE_RE = (
    r"^([0-9]{4})(?:-([0-9]{1,2})-([0-9]{1,2})|/([0-9]{1,2})/([0-9]{1,2})|年([0-9]{1,2})月([0-9]{1,2})日)"
    r"(?: +[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$"
)
DATE_PARTS = r"^([0-9]{4})[^0-9]([0-9]{1,2})[^0-9]([0-9]{1,2}).*$"
INT_RE = r"^[0-9]+(\.0+)?$"
MAX_INT_DIGITS = 9  # day counts are stored as INTEGER and added to limits: keep far from overflow
DEC_RE = r"^[0-9]+(\.[0-9]+)?$"
# The case columns checked by their kind, as schema/records.py declares them
DATE_COLS, BOOL_COLS, INT_COLS, DEC_COLS = (records.CASES.of_kind(k) for k in ("date", "boolean", "integer", "decimal"))
MAX_TEXT = 200  # characters in one cell of a case column (spec v2)
CONTROL_RE = r"[\x00-\x1F\x7F]"
EARLIEST = "1950-01-01"  # spec v2: an earlier date rejects the row, as does one after the import day
SHOWN = 60  # characters of a cell quoted in a reject reason


def sql_literal(s: str) -> str:
    """A SQL string literal, for the places that take no parameter (rule texts, file names)."""
    return "'" + s.replace("'", "''") + "'"


def shown_sql(col: str) -> str:
    """A cell as quoted in a message: control characters replaced, cut to SHOWN characters."""
    clean = f"regexp_replace({col}, {sql_literal(CONTROL_RE)}, chr(65533), 'g')"
    return f"CASE WHEN length({col}) > {SHOWN} THEN left({clean}, {SHOWN}) || '…' ELSE {clean} END"


def _msg(*parts: str) -> str:
    """SQL text of a message: plain strings are literals, `{col}` pieces are the column's cell
    as shown (see shown_sql)."""
    sql = []
    for p in parts:
        sql.append(shown_sql(p[1:-1]) if p.startswith("{") and p.endswith("}") else sql_literal(p))
    return "concat(" + ", ".join(sql) + ")"


def _norm(col: str) -> str:
    return f"replace(replace({col}, '（', '('), '）', ')')"


def load_lookups(con: duckdb.DuckDBPyConnection) -> None:
    """Small code tables as temp tables, joined by the rules and by derive."""
    con.execute("CREATE OR REPLACE TEMP TABLE lk_type(code VARCHAR, category VARCHAR, instance VARCHAR)")
    con.executemany("INSERT INTO lk_type VALUES (?, ?, ?)", [(k, v[1], v[2]) for k, v in codes.CASE_TYPES.items()])
    con.execute("CREATE OR REPLACE TEMP TABLE lk_limit(lim_type VARCHAR, lim_procedure VARCHAR, limit_days INTEGER)")
    con.executemany("INSERT INTO lk_limit VALUES (?, ?, ?)", [(t, p, d) for (t, p), d in codes.TIME_LIMITS.items()])
    con.execute("CREATE OR REPLACE TEMP TABLE lk_proc_alias(alias VARCHAR, canonical VARCHAR)")
    con.executemany("INSERT INTO lk_proc_alias VALUES (?, ?)", list(codes.PROCEDURE_ALIASES.items()))
    con.execute("CREATE OR REPLACE TEMP TABLE lk_close_alias(alias VARCHAR, canonical VARCHAR)")
    con.executemany("INSERT INTO lk_close_alias VALUES (?, ?)", list(codes.CLOSING_ALIASES.items()))
    con.execute("CREATE OR REPLACE TEMP TABLE lk_close_allowed(ok_type VARCHAR, ok_method VARCHAR)")
    con.executemany(
        "INSERT INTO lk_close_allowed VALUES (?, ?)",
        [(t, m) for t, ms in codes.CLOSING_ALLOWED.items() for m in ms],
    )


def _date_sql(col: str) -> str:
    """The date of a cell in one of the accepted forms, NULL for anything else or a day that does
    not exist. DATE_RE checks the form; DATE_PARTS then only picks year, month and day."""
    # the common forms YYYY-MM-DD and YYYY/MM/DD by a GLOB first: the same date as the regexes give
    digits = "[0-9][0-9][0-9][0-9]{0}[0-9][0-9]{0}[0-9][0-9]"
    return (
        f"CASE WHEN {col} GLOB '{digits.format('-')}' THEN try_strptime({col}, '%Y-%m-%d')::DATE "
        f"WHEN {col} GLOB '{digits.format('/')}' THEN try_strptime({col}, '%Y/%m/%d')::DATE "
        f"WHEN regexp_full_match({col}, {sql_literal(DATE_RE)}) THEN "
        f"try_strptime(regexp_replace({col}, {sql_literal(DATE_PARTS)}, '\\1-\\2-\\3'), '%Y-%m-%d')::DATE END"
    )


def _int_sql(col: str) -> str:
    """The value of a well-formed integer cell of at most MAX_INT_DIGITS digits, else NULL."""
    digits = f"ltrim(split_part({col}, '.', 1), '0')"
    return (
        f"CASE WHEN regexp_full_match({col}, {sql_literal(INT_RE)}) AND length({digits}) <= {MAX_INT_DIGITS} "
        f"THEN try_cast(coalesce(nullif({digits}, ''), '0') AS INTEGER) END"
    )


def _dec_sql(col: str) -> str:
    """The value of a well-formed decimal cell that is a finite double, else NULL."""
    v = f"try_cast({col} AS DOUBLE)"
    return f"CASE WHEN regexp_full_match({col}, {sql_literal(DEC_RE)}) AND isfinite({v}) THEN {v} END"


def _bool_sql(col: str) -> str:
    yes = ", ".join(sql_literal(w) for w in codes.TRUE_WORDS)
    no = ", ".join(sql_literal(w) for w in codes.FALSE_WORDS)
    return f"CASE WHEN lower({col}) IN ({yes}) THEN true WHEN {col} IS NULL OR lower({col}) IN ({no}) THEN false END"


NAMES_ZH = {n: v[0] for n, v in codes.CASE_COLUMNS.items()}


def _rules(today: str) -> list[tuple[str, str]]:
    """(condition that breaks the rule, message) in column order; `today` is the import's day."""
    return [(cond, _msg(*parts)) for cond, parts in rule_parts(today)]


def rule_parts(today: str) -> list[tuple[str, tuple[str, ...]]]:
    """(condition, the message's parts: text, or `{col}` for the cell as shown); data/rejects.py
    reads the messages back by these."""
    r: list[tuple[str, tuple[str, ...]]] = []
    add = lambda cond, *msg: r.append((cond, msg))  # noqa: E731
    for col in codes.CASE_COLUMNS:  # most rows have neither: the per-cell tests only on the rows that do
        add(f"any_long AND length({col}) > {MAX_TEXT}",
            f"{NAMES_ZH[col]}超过{MAX_TEXT}个字符 / {col} is longer than {MAX_TEXT} characters")
        add(f"any_control AND regexp_matches({col}, {sql_literal(CONTROL_RE)})",
            f"{NAMES_ZH[col]}含有控制字符 / {col} holds a control character")
    add("case_no IS NULL", "缺少案号 / case_no is missing")
    add("case_no IS NOT NULL AND NOT cno_ok",
        "案号格式不正确：", "{case_no}", "（应如 (2025)示0102民初1234号） / case_no is not of the form (2025)示0102民初1234号")
    add("cno_ok AND type_code IS NULL",
        "案号中的类型代字“", "{p_type}", "”不存在 / unknown case type code in case_no: ", "{p_type}")
    add("cno_ok AND filed_date_d IS NOT NULL AND p_year <> year(filed_date_d)",
        "案号年份与立案日期的年份不一致 / the year in case_no is not the year of filed_date")
    add("cno_ok AND court_code IS NOT NULL AND court_code <> p_court",
        "法院代码“", "{court_code}", "”与案号中的法院代字“", "{p_court}",
        "”不一致 / court_code differs from the court in case_no")
    add("cno_ok AND known_court IS NULL",
        "法院代码“", "{p_court}", "”不在法院名录中 / court ", "{p_court}", " is not in the court list")
    add("cno_ok AND case_type IS NOT NULL AND case_type <> p_type",
        "案件类型“", "{case_type}", "”与案号中的类型代字“", "{p_type}",
        "”不一致 / case_type differs from the type in case_no")
    for col in ("division", "judge_id", "judge_name"):
        add(f"{col} IS NULL", f"缺少{NAMES_ZH[col]} / {col} is missing")
    add("procedure IS NULL", "缺少审理程序 / procedure is missing")
    add("procedure IS NOT NULL AND type_code IS NOT NULL AND limit_days IS NULL",
        "审理程序“", "{procedure}", "”不适用于", "{p_type}", "案件 / procedure ", "{procedure}",
        " is not allowed for case type ", "{p_type}")
    add("initial_procedure IS NOT NULL AND type_code IS NOT NULL AND initial_limit IS NULL",
        "立案审理程序“", "{initial_procedure}", "”不适用于", "{p_type}", "案件 / initial_procedure ", "{initial_procedure}",
        " is not allowed for case type ", "{p_type}")
    add("filed_date IS NULL", "缺少立案日期 / filed_date is missing")
    for col in DATE_COLS:
        add(f"{col} IS NOT NULL AND {col}_d IS NULL",
            f"{NAMES_ZH[col]}不是有效日期：", "{" + col + "}", f" / {col} is not a valid date: ", "{" + col + "}")
    for col in DATE_COLS:
        add(f"{col}_d > DATE {sql_literal(today)}",
            f"{NAMES_ZH[col]}晚于导入当日（{today}）：", "{" + col + "}",
            f" / {col} is after the day of the import ({today}): ", "{" + col + "}")
        add(f"{col}_d < DATE {sql_literal(EARLIEST)}",
            f"{NAMES_ZH[col]}早于{EARLIEST}：", "{" + col + "}", f" / {col} is before {EARLIEST}: ", "{" + col + "}")
    add("closed_date_d < filed_date_d", "结案日期早于立案日期 / closed_date is before filed_date")
    add("closed_date IS NOT NULL AND closing_method IS NULL",
        "已填结案日期但缺少结案方式 / closing_method is required when closed_date is given")
    add("closed_date IS NULL AND closing_method IS NOT NULL",
        "未结案件不应填写结案方式 / closing_method must be blank when closed_date is blank")
    add("closed_date IS NOT NULL AND closing_method IS NOT NULL AND type_code IS NOT NULL AND ok_method IS NULL",
        "结案方式“", "{closing_method}", "”不适用于", "{p_type}", "案件 / closing_method ", "{closing_method}",
        " is not allowed for case type ", "{p_type}")
    for col in INT_COLS:
        add(f"{col} IS NOT NULL AND NOT regexp_full_match({col}, {sql_literal(INT_RE)})",
            f"{NAMES_ZH[col]}应为非负整数：", "{" + col + "}", f" / {col} must be a whole number ≥ 0: ", "{" + col + "}")
        add(f"{col} IS NOT NULL AND regexp_full_match({col}, {sql_literal(INT_RE)}) AND {col}_i IS NULL",
            f"{NAMES_ZH[col]}数值过大：", "{" + col + "}", f"（最多 {MAX_INT_DIGITS} 位） / {col} is too large: ",
            "{" + col + "}", f" (at most {MAX_INT_DIGITS} digits)")
    add("origin_no IS NOT NULL AND origin_no = cno", "原审案号不能是本案案号 / origin_case_no must differ from case_no")
    for col in BOOL_COLS:
        add(f"{col}_b IS NULL",
            f"{NAMES_ZH[col]}应为 是/否：", "{" + col + "}", f" / {col} must be yes or no: ", "{" + col + "}")
    add("appeal_transferred_date IS NOT NULL AND appeal_received_date IS NULL",
        "填写了上诉移送日期但缺少收到上诉状日期 / appeal_transferred_date needs appeal_received_date")
    add("appeal_transferred_date_d < appeal_received_date_d",
        "上诉移送日期早于收到上诉状日期 / appeal_transferred_date is before appeal_received_date")
    for col in DEC_COLS:
        add(f"{col} IS NOT NULL AND NOT regexp_full_match({col}, {sql_literal(DEC_RE)})",
            f"{NAMES_ZH[col]}应为非负数：", "{" + col + "}", f" / {col} must be a number ≥ 0: ", "{" + col + "}")
        add(f"{col} IS NOT NULL AND regexp_full_match({col}, {sql_literal(DEC_RE)}) AND {col}_f IS NULL",
            f"{NAMES_ZH[col]}数值过大：", "{" + col + "}", f" / {col} is too large: ", "{" + col + "}")
    return r


def check_rows(con: duckdb.DuckDBPyConnection, raw: pa.Table | str, today: dt.date) -> None:
    """Create temp table `checked` from the text table `raw` (or the table of that name: row_no,
    the case columns as text, file_no); needs lookups and tables `court_list` and `files`.
    `today` is the day of the import: a later date rejects its row."""
    if isinstance(raw, str):
        source = raw
    else:
        source = "raw_arrow"
        con.register(source, raw)
    dates = ",\n".join(f"{_date_sql(c)} AS {c}_d" for c in DATE_COLS)
    bools = ",\n".join(f"{_bool_sql(c)} AS {c}_b" for c in BOOL_COLS)
    numbers = ",\n".join([f"{_int_sql(c)} AS {c}_i" for c in INT_COLS] + [f"{_dec_sql(c)} AS {c}_f" for c in DEC_COLS])
    rules = _rules(today.isoformat())
    # a cell of more than MAX_TEXT characters has more than MAX_TEXT bytes (strlen is the cheap one)
    longest = ", ".join(f"coalesce(strlen({c}), 0)" for c in codes.CASE_COLUMNS)
    every = ", ".join(codes.CASE_COLUMNS)
    control = f"regexp_matches(concat({every}), {sql_literal(CONTROL_RE)})"
    if "plain" in [d[0] for d in con.execute(f"SELECT * FROM {source} LIMIT 0").description]:
        control = f"coalesce(NOT plain, true) AND {control}"  # plain rows were tested as they were read
    # the messages only on the rows that break a rule (most break none)
    broken = " OR ".join(f"({c})" for c, _m in rules)
    reason = ("CASE WHEN " + broken + " THEN nullif(concat_ws('；', "
              + ", ".join(f"CASE WHEN {c} THEN {m} END" for c, m in rules) + "), '') END")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE checked AS
        WITH a AS (
            SELECT *, {_norm('case_no')} AS cno, {_norm('origin_case_no')} AS origin_no,
                   greatest({longest}) > {MAX_TEXT} AS any_long,
                   {control} AS any_control,
                   regexp_extract({_norm('case_no')}, {sql_literal(CASE_NO_RE)}, ['y','c','d','t','s']) AS cn,
                   {dates},
                   {bools},
                   {numbers}
            FROM {source}
        ), b AS (
            SELECT *, coalesce(cn.y, '') <> '' AS cno_ok,
                   CASE WHEN cn.y <> '' THEN cn.y::INTEGER END AS p_year,
                   CASE WHEN cn.y <> '' THEN cn.c || cn.d END AS p_court,
                   CASE WHEN cn.y <> '' THEN cn.t END AS p_type,
                   coalesce(pa.canonical, procedure) AS p_procedure,
                   coalesce(ia.canonical, initial_procedure) AS p_initial,
                   coalesce(ca.canonical, closing_method) AS p_method
            FROM a
            LEFT JOIN lk_proc_alias pa ON pa.alias = a.procedure
            LEFT JOIN lk_proc_alias ia ON ia.alias = a.initial_procedure
            LEFT JOIN lk_close_alias ca ON ca.alias = a.closing_method
        ), c AS (
            SELECT b.*, ty.code AS type_code, ct.known_court, lim.limit_days, ok.ok_method,
                   ilim.limit_days AS initial_limit
            FROM b
            LEFT JOIN lk_type ty ON ty.code = b.p_type
            LEFT JOIN (SELECT court_code AS known_court FROM court_list) ct ON ct.known_court = b.p_court
            LEFT JOIN lk_limit lim ON lim.lim_type = b.p_type AND lim.lim_procedure = b.p_procedure
            LEFT JOIN lk_limit ilim ON ilim.lim_type = b.p_type AND ilim.lim_procedure = b.p_initial
            LEFT JOIN lk_close_allowed ok ON ok.ok_type = b.p_type AND ok.ok_method = b.p_method
        ), d AS (
            SELECT *, {reason} AS reason FROM c
        )
        SELECT file_no, row_no, case_no AS case_no_written, cno AS case_no, p_court AS court_code,
               p_type AS case_type, division, judge_id, judge_name, p_procedure AS procedure,
               cause, filed_date_d AS filed_date, closed_date_d AS closed_date,
               CASE WHEN closed_date IS NOT NULL THEN p_method END AS closing_method,
               coalesce(extended_days_i, 0) AS extended_days,
               coalesce(deducted_days_i, 0) AS deducted_days,
               origin_no AS origin_case_no, coalesce(hearing_b, false) AS hearing,
               appeal_received_date_d AS appeal_received_date,
               appeal_transferred_date_d AS appeal_transferred_date,
               coalesce(amount_applied_f, 0) AS amount_applied,
               coalesce(amount_recovered_f, 0) AS amount_recovered,
               coalesce(has_assets_b, false) AS has_assets,
               coalesce(p_initial, p_procedure) AS initial_procedure, coalesce(four_types_b, false) AS four_types,
               coalesce(reviewed_b, false) AS reviewed, coalesce(enterprise_b, false) AS enterprise, limit_days, reason
        FROM d
    """)
    if not isinstance(raw, str):
        con.unregister(source)
    mark_duplicates(con)


def mark_duplicates(con: duckdb.DuckDBPyConnection) -> None:
    """Keep the first row of a case_no that passes the rules (files in the order given, rows in
    file order); later rows are duplicates. Table `files(file_no, name)` names the files."""
    con.execute("""
        UPDATE checked SET reason = CASE WHEN d.first_file = d.file_no
            THEN '案号重复（第' || d.first_row || '行已有此案号） / duplicate case_no (first seen in row ' || d.first_row || ')'
            ELSE '案号重复（' || f.name || ' 第' || d.first_row || '行已有此案号） / duplicate case_no (first seen in '
                 || f.name || ', row ' || d.first_row || ')' END
        FROM (
            SELECT file_no, row_no, row_number() OVER w AS k,
                   first_value(file_no) OVER w AS first_file, first_value(row_no) OVER w AS first_row
            FROM checked
            WHERE reason IS NULL AND case_no IN (  -- the window only over the case numbers written twice
                SELECT case_no FROM checked WHERE reason IS NULL GROUP BY case_no HAVING count(*) > 1)
            WINDOW w AS (PARTITION BY case_no ORDER BY file_no, row_no)
        ) d JOIN files f ON f.file_no = d.first_file
        WHERE checked.file_no = d.file_no AND checked.row_no = d.row_no AND d.k > 1
    """)


def cycle_members(edges: dict[str, str]) -> set[str]:
    """Nodes lying on a cycle of a graph where every node has at most one outgoing edge."""
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = done
    on_cycle: set[str] = set()
    for start in edges:
        if start in state:
            continue
        path = []
        node = start
        while node is not None and node not in state:
            state[node] = 1
            path.append(node)
            node = edges.get(node)
        if node is not None and state.get(node) == 1:
            idx = path.index(node)
            on_cycle.update(path[idx:])
        for n in path:
            state[n] = 2
    return on_cycle
