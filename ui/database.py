"""One read-only DuckDB connection per database file version, a cursor per query.

An import replaces the file by rename; the (inode, mtime) key then changes, so the next run
opens the new file while sessions still reading the old one finish undisturbed.
"""
from __future__ import annotations

import os

import duckdb
import streamlit as st

from metrics.db import attach_read_only, reader

DEFAULT_DB = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "demo.duckdb")


def db_path() -> str:
    return os.environ.get("SPZX_DB", DEFAULT_DB)


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(path: str, version: tuple) -> duckdb.DuckDBPyConnection:
    return attach_read_only(path)


def db_version(path: str) -> tuple:
    s = os.stat(path)
    return (s.st_ino, s.st_mtime_ns)


def cursor() -> duckdb.DuckDBPyConnection | None:
    """A cursor on the current database, or None when there is no database yet."""
    path = db_path()
    if not os.path.isfile(path):
        return None
    return reader(_connection(path, db_version(path)))


def version() -> tuple:
    """The current database file's version: part of every cached result's key."""
    return db_version(db_path())
