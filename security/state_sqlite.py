"""The state in one SQLite file, readable and writable by its owner only: the single-machine default.

Triggers refuse UPDATE, DELETE and a REPLACE of an existing audit entry. Built for many sessions
at once (every page run reads the sessions, every sign-in writes): the file is in WAL mode, so
reads never wait for a writer nor hold one up, and read from a read-only connection that takes
no lock; every write is one short transaction begun with `BEGIN IMMEDIATE`, which takes the
file's write lock at once (waiting up to BUSY_SECONDS for another's to end), so a read followed
by a write — an append after the last entry, a lock-out count, a ticket redeemed — cannot be
overtaken by another process. The tables are made once per process, not on every connection."""
from __future__ import annotations

import os
import pathlib
import sqlite3
import threading
import time
from contextlib import contextmanager

from security.followup_tables import FOLLOWUP_TABLES

BUSY_SECONDS = 30  # how long a write waits for the one before it to end
TRIGGERS = {
    "audit_no_update": "BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    "audit_no_delete": "BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    # REPLACE deletes the entry it replaces without firing delete triggers: refuse any id already used
    "audit_no_replace": "BEFORE INSERT ON audit WHEN NEW.id <= (SELECT coalesce(max(id), 0) FROM audit) "
                        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
}
SESSION_TABLES = (
    "CREATE TABLE IF NOT EXISTS session_tickets (ticket TEXT PRIMARY KEY, username TEXT NOT NULL, "
    "session_id TEXT NOT NULL, expires REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS revoked_sessions (session_id TEXT PRIMARY KEY, expires REAL NOT NULL)",
)
AUDIT_TABLE = """CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, username TEXT NOT NULL,
    event TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '', prev TEXT NOT NULL DEFAULT '',
    hash TEXT NOT NULL DEFAULT '')"""
# the lock-out count reads one user's entries, not the whole log, while it holds the write lock
AUDIT_INDEX = "CREATE INDEX IF NOT EXISTS audit_user_event ON audit (username, event, id)"

_ready: set[tuple] = set()  # (file, part) whose tables this process has made or found in place
_ready_lock = threading.Lock()
_turns: dict[tuple, threading.Lock] = {}  # per file: this process's writers take turns


def open_state(path: str, **kwargs) -> sqlite3.Connection:
    """A connection to the state file, created readable and writable by its owner only (it holds
    the audit log and the sign-in sessions; SQLite gives its -wal and -shm files the same mode)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    if not os.path.exists(path):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    return sqlite3.connect(path, timeout=BUSY_SECONDS, **kwargs)


def _file(path: str) -> tuple:
    """The file itself, not its name: a state file removed and made again is made ready again."""
    st = os.stat(path)
    return os.path.abspath(path), st.st_dev, st.st_ino


def _missing_triggers(con: sqlite3.Connection) -> list[str]:
    present = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'")}
    return [name for name in TRIGGERS if name not in present]


def _has_audit(con: sqlite3.Connection) -> bool:
    return bool(con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit'").fetchone()[0])


def _prepare(con: sqlite3.Connection, path: str, file: tuple) -> None:
    """Once per process and file: WAL mode (kept in the file) and the session tables."""
    if (file, "sessions") in _ready:
        return
    with _ready_lock:
        if (file, "sessions") in _ready:
            return
        if _to_wal(con).lower() != "wal":
            raise sqlite3.OperationalError(f"{path}: cannot switch to WAL mode")
        con.execute("BEGIN IMMEDIATE")
        try:
            for statement in SESSION_TABLES:
                con.execute(statement)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        _ready.add((file, "sessions"))


def _to_wal(con: sqlite3.Connection) -> str:
    """Switch a file to WAL mode. On a new file that another process is switching (or first
    writing) at the same moment, SQLite answers "database is locked" at once, without waiting
    as it does for a write: so wait here, as long as a write would."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            return con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


@contextmanager
def _write(path: str):
    """One short write transaction, holding the file's write lock from its first statement;
    yields (connection, the file). The threads of one process queue for it on a lock of their
    own rather than all polling the file (SQLite's busy handler retries less and less often, so
    the writer that has waited longest would be the least likely to get it next); processes
    wait for one another in SQLite."""
    con = open_state(path, isolation_level=None)
    try:
        file = _file(path)
        _prepare(con, path, file)
        with _ready_lock:
            turn = _turns.setdefault(file, threading.Lock())
        if not turn.acquire(timeout=BUSY_SECONDS):
            raise sqlite3.OperationalError("database is locked (this process's other writers held it)")
        try:
            con.execute("BEGIN IMMEDIATE")
            yield con, file
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        finally:
            turn.release()
    finally:
        con.close()


class _Writer:
    def __init__(self, con: sqlite3.Connection, file: tuple):
        self.con = con
        found = con.execute("SELECT type, name FROM sqlite_master WHERE tbl_name = 'audit'").fetchall()
        existed = ("table", "audit") in found
        self.legacy, self.made = [], None
        if not existed or (file, "audit") not in _ready:  # the table, its columns and index: once per process
            con.execute(AUDIT_TABLE)
            columns = {r[1] for r in con.execute("PRAGMA table_info(audit)")}
            for col in ("prev", "hash"):
                if col not in columns:  # a log from before the chain
                    con.execute(f"ALTER TABLE audit ADD COLUMN {col} TEXT NOT NULL DEFAULT ''")
            con.execute(AUDIT_INDEX)
            if existed and not con.execute("SELECT EXISTS (SELECT 1 FROM audit WHERE hash <> '')").fetchone()[0]:
                self.legacy = con.execute("SELECT id, at, username, event, detail FROM audit ORDER BY id").fetchall()
            self.made = (file, "audit")
        # on every write: a guard dropped meanwhile is put back, and the log records it
        missing = [name for name in TRIGGERS if ("trigger", name) not in found]
        for name in missing:
            con.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {TRIGGERS[name]}")
        self.restored = missing if existed else []
        self.followup = None
        if (file, "followup") not in _ready:
            for statement in FOLLOWUP_TABLES:
                con.execute(statement)
            self.followup = (file, "followup")

    def run(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self.con.execute(sql, params).fetchall()

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
        with _write(self.path) as (con, file):
            w = _Writer(con, file)
            yield w
        for made in (w.made, w.followup):  # committed: this process need not make them again
            if made:
                _ready.add(made)

    @contextmanager
    def _reading(self):
        """A connection that cannot change the file and takes no lock a writer waits for
        (checking the log must not write to it); None when there is no file yet."""
        path = os.path.abspath(self.path)
        if not os.path.exists(path):
            yield None
            return
        con = sqlite3.connect(f"{pathlib.Path(path).as_uri()}?mode=ro", uri=True, timeout=BUSY_SECONDS)
        try:
            yield con
        finally:
            con.close()

    def audit_chain(self) -> tuple[list[str], list[tuple]] | None:
        with self._reading() as con:
            if con is None or not _has_audit(con):
                return None
            return _missing_triggers(con), con.execute(
                "SELECT id, at, username, event, detail, prev, hash FROM audit ORDER BY id").fetchall()

    def audit_entries(self, limit: int, without: str) -> list[tuple]:
        with self._reading() as con:
            if con is None or not _has_audit(con):
                return []
            return con.execute("SELECT at, username, event, detail FROM audit WHERE event <> ? ORDER BY id DESC LIMIT ?",
                               (without, limit)).fetchall()

    def newest_hash(self) -> str | None:
        with self._reading() as con:
            row = con.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone() \
                if con is not None and _has_audit(con) else None
        return row[0] if row else None

    def read(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._reading() as con:
            if con is None or not con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                              "AND name = 'followup_items'").fetchone()[0]:
                return []  # nothing was ever decided
            return con.execute(sql, params).fetchall()

    def put_ticket(self, ticket: str, username: str, session_id: str, expires: float, now: float) -> None:
        with _write(self.path) as (con, _):
            con.execute("DELETE FROM session_tickets WHERE expires < ?", (now,))
            con.execute("INSERT INTO session_tickets VALUES (?, ?, ?, ?)", (ticket, username, session_id, expires))

    def take_ticket(self, ticket: str) -> tuple | None:
        with _write(self.path) as (con, _):  # read and delete under the write lock: a ticket is redeemed once
            row = con.execute("SELECT username, session_id, expires FROM session_tickets WHERE ticket = ?",
                              (ticket,)).fetchone()
            if row is not None:
                con.execute("DELETE FROM session_tickets WHERE ticket = ?", (ticket,))
        return row

    def revoke(self, session_id: str, until: float, now: float) -> None:
        with _write(self.path) as (con, _):
            con.execute("DELETE FROM revoked_sessions WHERE expires < ?", (now,))
            con.execute("INSERT OR IGNORE INTO revoked_sessions VALUES (?, ?)", (session_id, until))

    def is_revoked(self, session_id: str) -> bool:
        """Read on every page run: no write lock, never waits for a writer."""
        with self._reading() as con:
            if con is None or not con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                              "AND name = 'revoked_sessions'").fetchone()[0]:
                return False  # nothing was ever signed out
            return con.execute("SELECT 1 FROM revoked_sessions WHERE session_id = ?", (session_id,)).fetchone() is not None
