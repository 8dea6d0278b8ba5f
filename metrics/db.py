"""Open the case database read-only, with a clear error when it is missing or not ours."""
from __future__ import annotations

import os
import struct
from dataclasses import dataclass

import duckdb


class DatabaseError(Exception):
    pass


def connect(path: str) -> duckdb.DuckDBPyConnection:
    if not os.path.isfile(path):
        raise DatabaseError(f"数据库不存在 / database not found: {path}")
    found = damage_of(path)
    if found is not None:  # cut short or overwritten: say so, and the way back, not a traceback from a later query
        raise DatabaseError(f"案件数据库文件无法读取（{REASONS[found.reason]}）/ the case database file cannot be read "
                            f"({found.reason}: {found.detail}): {path}; 回退到最近一个完好的版本 / roll back to the "
                            f"newest good version: python -m data rollback --db {path}")
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


# A damaged file (truncated, overwritten, not a database at all) told apart from any other
# error, cheaply: the headers and the file's length, then the small tables every page reads first.
# Never a scan of the cases: this runs once per file version, on the page run that first meets it.
HEADER = 4096  # DuckDB: a main header (magic "DUCK" at byte 8), then two database headers
_MAGIC = b"DUCK"
# DuckDB's words for a file it cannot read as a database; other IO errors (a full disk while spilling
# to a temporary file) are not the file's damage and stay errors
_DAMAGE_SIGNS = ("not a valid duckdb database file", "could not read enough bytes", "corrupt database file",
                 "does not match stored checksum")


REASONS = {"empty": "文件为空", "not_database": "不是数据库文件", "truncated": "文件被截短", "unreadable": "读取出错"}


@dataclass(frozen=True)
class Damage:
    """Why the case database file cannot be read. reason: empty | not_database | truncated |
    unreadable; detail: what was found (sizes, or DuckDB's first line), for the admin."""
    path: str
    reason: str
    detail: str


def _expected_size(head: bytes) -> int | None:
    """The length the newer database header says the file has (its blocks after the three
    headers), or None when the headers do not look like the layout this check knows."""
    best = None
    for at in (HEADER, 2 * HEADER):
        iteration, _meta, _free, blocks, block_size = struct.unpack_from("<QqqQQ", head, at + 8)
        plausible = 4096 <= block_size <= 1 << 30 and block_size & (block_size - 1) == 0 and blocks < 1 << 40
        if plausible and (best is None or iteration > best[0]):
            best = (iteration, 3 * HEADER + blocks * block_size)
    return best[1] if best else None


def is_damage(error: BaseException) -> bool:
    """Whether a DuckDB error says the file itself is damaged (not a query's own mistake)."""
    if not isinstance(error, duckdb.Error):
        return False
    text = str(error).lower()
    return any(sign in text for sign in _DAMAGE_SIGNS)


def damage_of(path: str) -> Damage | None:
    """None when the case database at `path` opens and its first tables read; else what is wrong."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            head = f.read(3 * HEADER)
    except OSError as e:
        return Damage(path, "unreadable", e.strerror or str(e))
    if size == 0:
        return Damage(path, "empty", "0 B")
    if len(head) < 3 * HEADER or head[8:12] != _MAGIC:
        return Damage(path, "not_database", f"{size:,} B")
    expected = _expected_size(head)
    if expected is not None and size < expected:
        return Damage(path, "truncated", f"{size:,} B < {expected:,} B")
    try:
        con = attach_read_only(path)
        try:
            cur = reader(con)
            tables = {r[0] for r in cur.execute("SELECT table_name FROM duckdb_tables() "
                                                "WHERE database_name = 'case_db'").fetchall()}
            if "cases" not in tables:  # a database, but not a case database
                return Damage(path, "not_database", f"{size:,} B")
            cur.execute("SELECT count(*) FROM cases").fetchone()
            for small in ("meta", "courts") if tables >= {"meta", "courts"} else ():  # older files may lack them
                cur.execute(f"SELECT * FROM {small}").fetchall()
        finally:
            con.close()
    except duckdb.Error as e:
        return Damage(path, "unreadable", str(e).splitlines()[0][:300])
    return None
