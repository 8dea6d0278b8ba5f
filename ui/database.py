"""One read-only DuckDB connection per database file version, a cursor per query.

An import replaces the file by rename; the (inode, mtime, size) key then changes, so the next run
opens the new file while sessions still reading the old one finish undisturbed.

A file damaged while serving (truncated, overwritten) is found once per file version, cheaply
(metrics.db.damage_of: headers, length, the first small tables), or by the first query that
meets the damage (`met`); app.py then says what is wrong instead of failing on every page.
"""
from __future__ import annotations

import functools
import os
import sys
import threading

import duckdb
import streamlit as st

from metrics.db import Damage, attach_read_only, damage_of, is_damage, reader

DEFAULT_DB = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "demo.duckdb")


def db_path() -> str:
    return os.environ.get("SPZX_DB", DEFAULT_DB)


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(path: str, version: tuple) -> duckdb.DuckDBPyConnection:
    return attach_read_only(path)


def db_version(path: str) -> tuple:
    s = os.stat(path)
    return (s.st_ino, s.st_mtime_ns, s.st_size)  # the size too: a file cut in place with its time kept


def exists() -> bool:
    return os.path.isfile(db_path())


_mine = threading.local()  # this thread's cursor: a run asks many questions, each needing one


def cursor() -> duckdb.DuckDBPyConnection | None:
    """A cursor on the current database, or None when there is no database yet. One per thread
    and file version (a DuckDB cursor is for one thread at a time)."""
    path = db_path()
    if not os.path.isfile(path):
        return None
    try:
        v = db_version(path)
    except OSError:
        return None
    kept = getattr(_mine, "kept", None)
    if kept is not None and kept[0] == (path, v):
        return kept[1]
    cur = reader(_connection(path, v))
    _mine.kept = ((path, v), cur)
    return cur


def version() -> tuple:
    """The current database file's version: part of every cached result's key."""
    return db_version(db_path())


# Damage met by a query after the cheap check passed (a block overwritten in the middle), by file
# version: a new file (a rollback, an import) is a new version and is checked afresh.
_met: dict[tuple, Damage] = {}


# Asked on every run: functools' cache and not st.cache_resource, whose hashing of the arguments
# cost more than the answer.
@functools.lru_cache(maxsize=8)
def _checked(path: str, version: tuple) -> Damage | None:
    found = damage_of(path)
    if found is not None:  # the operator's terminal hears it too, once per file version
        print(f"案件数据库无法读取 / the case database cannot be read: {path} ({found.reason}: {found.detail}); "
              f"python -m data rollback --db {path}", file=sys.stderr, flush=True)
    return found


def damage() -> Damage | None:
    """What is wrong with the current database file, or None when it reads (or there is none)."""
    path = db_path()
    try:
        v = db_version(path)
    except OSError:  # no database yet: app.py says so on its own
        return None
    return _met.get((path, v)) or _checked(path, v)


def met(error: BaseException, at_start: tuple | None) -> bool:
    """Whether `error`, raised by a query of a run that began on file version `at_start`, is the
    file's damage (then recorded for that version, and the run starts again to say so). A file
    replaced during the run is no sign of damage: the next run reads the new one."""
    path = db_path()
    try:
        v = db_version(path)
    except OSError:
        return False
    if not is_damage(error):
        return False
    if v != at_start:  # replaced meanwhile (an import, a rollback): the next run reads the new file
        return True
    found = damage_of(path) or Damage(path, "unreadable", str(error).splitlines()[0][:300])
    _met[(path, v)] = found
    if len(_met) > 16:  # versions long replaced
        _met.pop(next(iter(_met)))
    return True


def version_or_none() -> tuple | None:
    try:
        return version()
    except OSError:
        return None
