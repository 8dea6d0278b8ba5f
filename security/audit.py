"""Append-only audit log (sign-ins, failed sign-ins, imports, exports) and sign-in failures.

SQLite, next to the case database; triggers refuse every UPDATE or DELETE of the log.
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3

DEFAULT_STATE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "app_state.sqlite")


def state_path() -> str:
    return os.environ.get("SPZX_STATE", DEFAULT_STATE)


def _connect(path: str | None = None) -> sqlite3.Connection:
    path = path or state_path()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    con = sqlite3.connect(path, timeout=10)
    con.executescript("""
        CREATE TABLE IF NOT EXISTS audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, username TEXT NOT NULL,
            event TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '');
        CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
        CREATE TABLE IF NOT EXISTS failures (username TEXT NOT NULL, at TEXT NOT NULL);
    """)
    return con


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def record(username: str, event: str, detail: str = "", path: str | None = None) -> None:
    """event: sign_in | sign_in_failed | sign_in_locked | sign_out | import | export"""
    with _connect(path) as con:
        con.execute("INSERT INTO audit(at, username, event, detail) VALUES (?, ?, ?, ?)",
                    (_now(), username, event, detail))


def entries(limit: int = 500, path: str | None = None) -> list[tuple]:
    with _connect(path) as con:
        return con.execute("SELECT at, username, event, detail FROM audit ORDER BY id DESC LIMIT ?",
                           (limit,)).fetchall()


def add_failure(username: str, path: str | None = None) -> None:
    with _connect(path) as con:
        con.execute("INSERT INTO failures VALUES (?, ?)", (username, _now()))


def claim_attempt(username: str, max_failures: int, minutes: int, path: str | None = None) -> bool:
    """Record a sign-in attempt as a failure before the password is checked, in one transaction,
    so parallel attempts cannot slip past the limit; False when the account is locked."""
    since = (dt.datetime.now() - dt.timedelta(minutes=minutes)).isoformat(timespec="seconds")
    con = _connect(path)
    try:
        con.execute("BEGIN IMMEDIATE")
        n = con.execute("SELECT count(*) FROM failures WHERE username = ? AND at >= ?", (username, since)).fetchone()[0]
        if n >= max_failures:
            con.rollback()
            return False
        con.execute("INSERT INTO failures VALUES (?, ?)", (username, _now()))
        con.commit()
        return True
    finally:
        con.close()


def clear_failures(username: str, path: str | None = None) -> None:
    with _connect(path) as con:
        con.execute("DELETE FROM failures WHERE username = ?", (username,))


def recent_failures(username: str, minutes: int, path: str | None = None) -> int:
    since = (dt.datetime.now() - dt.timedelta(minutes=minutes)).isoformat(timespec="seconds")
    with _connect(path) as con:
        return con.execute("SELECT count(*) FROM failures WHERE username = ? AND at >= ?",
                           (username, since)).fetchone()[0]
