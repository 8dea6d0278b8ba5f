"""The judges list (法官名录, spec v2): who holds which position, in which division and trial team.

Optional on an import (`--judges`); when given it replaces the stored list as a whole, when
not given the stored list stays. A list that breaks a rule is unusable as a whole: the import
stops with a message naming the row and the rule, and changes nothing.
"""
from __future__ import annotations

import os
import re

import duckdb
import pyarrow as pa

from schema import codes

from . import store, validate
from .reader import UnusableFile

FIELDS = ["court_code", "judge_id", "judge_name", "position", "division", "team"]


def clean(table: pa.Table, path: str) -> list[tuple[int, tuple]]:
    """(row number, validated row: court_code, judge_id, judge_name, position, division, team),
    positions in their canonical words; the court codes are checked by `check_courts`."""
    name = os.path.basename(path)
    rows, seen = [], {}
    for r in table.to_pylist():
        n = r["row_no"]
        for col, value in r.items():
            if isinstance(value, str) and (len(value) > validate.MAX_TEXT or re.search(validate.CONTROL_RE, value)):
                raise UnusableFile(f"{name}: 第{n}行{codes.JUDGE_COLUMNS[col][0]}过长或含有控制字符 / "
                                   f"row {n}: {col} is longer than {validate.MAX_TEXT} characters or holds a control character")
        for col, (zh, _kind, required) in codes.JUDGE_COLUMNS.items():
            if required and not r[col]:
                raise UnusableFile(f"{name}: 第{n}行缺少{zh} / row {n}: {col} is missing")
        position = codes.POSITION_ALIASES.get(r["position"], r["position"])
        if position not in codes.POSITIONS:
            raise UnusableFile(f"{name}: 第{n}行职务无效：{r['position'][:40]} / row {n}: unknown position {r['position'][:40]}")
        key = (r["court_code"], r["judge_id"])
        if key in seen:
            raise UnusableFile(f"{name}: 第{n}行与第{seen[key]}行的法院代码和工号重复 / row {n}: court_code and judge_id "
                               f"already in row {seen[key]}")
        seen[key] = n
        rows.append((n, (r["court_code"], r["judge_id"], r["judge_name"], position, r["division"], r["team"])))
    return rows


def check_courts(rows: list[tuple[int, tuple]], courts: set[str], path: str) -> None:
    for n, row in rows:
        if row[0] not in courts:
            raise UnusableFile(f"{os.path.basename(path)}: 第{n}行法院代码不在法院名录中：{row[0][:40]} / "
                               f"row {n}: court_code {row[0][:40]} is not in the court list")


def write(con: duckdb.DuckDBPyConnection, rows: list[tuple[int, tuple]] | None, has_old: bool) -> None:
    """Table `judge_list`: the new list when given, else the stored one (none for a database without)."""
    store.create_judge_list(con)
    if rows is not None:
        con.executemany("INSERT INTO judge_list VALUES (?, ?, ?, ?, ?, ?)", [row for _n, row in rows])
    elif has_old and con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'old' "
                                 "AND table_name = 'judge_list'").fetchone()[0]:
        con.execute("INSERT INTO judge_list SELECT * FROM old.judge_list")
