"""Open the case database read-only, with a clear error when it is missing or not ours."""
from __future__ import annotations

import os

import duckdb


class DatabaseError(Exception):
    pass


def connect(path: str) -> duckdb.DuckDBPyConnection:
    if not os.path.isfile(path):
        raise DatabaseError(f"数据库不存在 / database not found: {path}")
    try:
        con = duckdb.connect(path, read_only=True)
        con.execute("SELECT 1 FROM cases LIMIT 1")
    except duckdb.Error as e:
        raise DatabaseError(f"无法打开案件数据库 / cannot open the case database {path}: {str(e).splitlines()[0]}") from None
    return con


def data_date(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("SELECT value FROM meta WHERE key = 'data_date'").fetchone()
    return row[0] if row else ""


def attach_read_only(path: str) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory instance with the file attached read-only as `case_db`. (duckdb.connect(path)
    in the same process would hand back the instance already open on the old file after an
    import's rename.)"""
    con = duckdb.connect()
    con.execute("ATTACH ? AS case_db (READ_ONLY)", [path])
    return con


def reader(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor of an attach_read_only connection, reading the case database."""
    cur = con.cursor()
    cur.execute("USE case_db")
    return cur
