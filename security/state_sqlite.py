"""The state in one SQLite file, readable and writable by its owner only: the single-machine default.

Triggers refuse UPDATE, DELETE and a REPLACE of an existing audit entry; `BEGIN IMMEDIATE` takes
the file's write lock, so appends and lock-out counts of several processes follow one another."""
from __future__ import annotations

import os
import pathlib
import sqlite3
from contextlib import contextmanager

TRIGGERS = {
    "audit_no_update": "BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    "audit_no_delete": "BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    # REPLACE deletes the entry it replaces without firing delete triggers: refuse any id already used
    "audit_no_replace": "BEFORE INSERT ON audit WHEN NEW.id <= (SELECT coalesce(max(id), 0) FROM audit) "
                        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
}
SESSION_TABLES = """
    CREATE TABLE IF NOT EXISTS session_tickets (ticket TEXT PRIMARY KEY, username TEXT NOT NULL,
                                                session_id TEXT NOT NULL, expires REAL NOT NULL);
    CREATE TABLE IF NOT EXISTS revoked_sessions (session_id TEXT PRIMARY KEY, expires REAL NOT NULL);
"""


def open_state(path: str, **kwargs) -> sqlite3.Connection:
    """A connection to the state file, created readable and writable by its owner only (it holds
    the audit log and the sign-in sessions)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    if not os.path.exists(path):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    return sqlite3.connect(path, timeout=10, **kwargs)


def _missing_triggers(con: sqlite3.Connection) -> list[str]:
    present = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'")}
    return [name for name in TRIGGERS if name not in present]


def _has_audit(con: sqlite3.Connection) -> bool:
    return bool(con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit'").fetchone()[0])


class _Writer:
    def __init__(self, con: sqlite3.Connection):
        self.con = con
        existed = _has_audit(con)
        con.execute("""CREATE TABLE IF NOT EXISTS audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, username TEXT NOT NULL,
            event TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '', prev TEXT NOT NULL DEFAULT '',
            hash TEXT NOT NULL DEFAULT '')""")
        columns = {r[1] for r in con.execute("PRAGMA table_info(audit)")}
        for col in ("prev", "hash"):
            if col not in columns:  # a log from before the chain
                con.execute(f"ALTER TABLE audit ADD COLUMN {col} TEXT NOT NULL DEFAULT ''")
        self.legacy = []
        if existed and not con.execute("SELECT count(*) FROM audit WHERE hash <> ''").fetchone()[0]:
            self.legacy = con.execute("SELECT id, at, username, event, detail FROM audit ORDER BY id").fetchall()
        missing = _missing_triggers(con)
        for name in missing:
            con.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {TRIGGERS[name]}")
        self.restored = missing if existed else []

    def last(self) -> tuple[int, str] | None:
        return self.con.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()

    def insert(self, entry: tuple) -> None:
        self.con.execute("INSERT INTO audit(id, at, username, event, detail, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         entry)

    def attempts(self, username: str, attempt: str, reset: str, since: str) -> int:
        return self.con.execute("""
            SELECT count(*) FROM audit WHERE username = ? AND event = ? AND at >= ?
              AND id > coalesce((SELECT max(id) FROM audit WHERE username = ? AND event = ?), 0)""",
                                (username, attempt, since, username, reset)).fetchone()[0]


class SqliteStore:
    def __init__(self, path: str):
        self.path = path

    @contextmanager
    def audit_writer(self):
        con = open_state(self.path, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
            yield _Writer(con)
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        finally:
            con.close()

    def _read_only(self) -> sqlite3.Connection | None:
        """A connection that cannot change the file (checking the log must not write to it); None
        when there is no file yet."""
        path = os.path.abspath(self.path)
        if not os.path.exists(path):
            return None
        return sqlite3.connect(f"{pathlib.Path(path).as_uri()}?mode=ro", uri=True, timeout=10)

    def audit_chain(self) -> tuple[list[str], list[tuple]] | None:
        con = self._read_only()
        if con is None:
            return None
        try:
            if not _has_audit(con):
                return None
            return _missing_triggers(con), con.execute(
                "SELECT id, at, username, event, detail, prev, hash FROM audit ORDER BY id").fetchall()
        finally:
            con.close()

    def audit_entries(self, limit: int, without: str) -> list[tuple]:
        con = self._read_only()
        if con is None:
            return []
        try:
            if not _has_audit(con):
                return []
            return con.execute("SELECT at, username, event, detail FROM audit WHERE event <> ? ORDER BY id DESC LIMIT ?",
                               (without, limit)).fetchall()
        finally:
            con.close()

    def newest_hash(self) -> str | None:
        con = self._read_only()
        if con is None:
            return None
        try:
            row = con.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone() if _has_audit(con) else None
        finally:
            con.close()
        return row[0] if row else None

    def _sessions(self) -> sqlite3.Connection:
        con = open_state(self.path)
        con.executescript(SESSION_TABLES)
        return con

    def put_ticket(self, ticket: str, username: str, session_id: str, expires: float, now: float) -> None:
        con = self._sessions()
        try:
            with con:
                con.execute("DELETE FROM session_tickets WHERE expires < ?", (now,))
                con.execute("INSERT INTO session_tickets VALUES (?, ?, ?, ?)", (ticket, username, session_id, expires))
        finally:
            con.close()

    def take_ticket(self, ticket: str) -> tuple | None:
        con = self._sessions()
        try:
            with con:
                con.execute("BEGIN IMMEDIATE")
                row = con.execute("SELECT username, session_id, expires FROM session_tickets WHERE ticket = ?",
                                  (ticket,)).fetchone()
                con.execute("DELETE FROM session_tickets WHERE ticket = ?", (ticket,))
        finally:
            con.close()
        return row

    def revoke(self, session_id: str, until: float, now: float) -> None:
        con = self._sessions()
        try:
            with con:
                con.execute("DELETE FROM revoked_sessions WHERE expires < ?", (now,))
                con.execute("INSERT OR IGNORE INTO revoked_sessions VALUES (?, ?)", (session_id, until))
        finally:
            con.close()

    def is_revoked(self, session_id: str) -> bool:
        con = self._sessions()
        try:
            return con.execute("SELECT 1 FROM revoked_sessions WHERE session_id = ?", (session_id,)).fetchone() is not None
        finally:
            con.close()
