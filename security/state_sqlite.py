"""The state in one SQLite file, readable and writable by its owner only: the single-machine default.

Triggers refuse UPDATE, DELETE and a REPLACE of an existing audit entry. Built for many sessions
at once (every page run reads the sessions, every sign-in writes): the file is in WAL mode, so
reads never wait for a writer nor hold one up, and read from a read-only connection that takes
no lock; every write is one short transaction begun with `BEGIN IMMEDIATE`, which takes the
file's write lock at once (waiting up to BUSY_SECONDS for another's to end), so a read followed
by a write — an append after the last entry, a lock-out count, a ticket redeemed — cannot be
overtaken by another process. Each write first checks, in two small reads, that the state is the
one this process knows and whole (its id in `state_meta`, its tables): a file deleted or replaced
while serving is made again there."""
from __future__ import annotations

import datetime as dt
import os
import pathlib
import secrets
import sqlite3
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager

from security.followup_tables import APP_TABLE_NAMES, APP_TABLES

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

STATE_META = ("CREATE TABLE IF NOT EXISTS state_meta (id TEXT NOT NULL, created TEXT NOT NULL, "
              "announced INTEGER NOT NULL DEFAULT 0, previous TEXT NOT NULL DEFAULT '')")
# a state without these is a new one: its id is new, so no cookie of an earlier state reads
SESSION_NAMES = {"state_meta", "session_tickets", "revoked_sessions"}
ALL_TABLES = SESSION_NAMES | {"audit"} | set(APP_TABLE_NAMES)

_known: dict[str, str] = {}  # file -> the state id this process made or found ready there
_ready_lock = threading.Lock()
_turns: dict[str, threading.Lock] = {}  # per file: this process's writers take turns


def open_state(path: str, **kwargs) -> sqlite3.Connection:
    """A connection to the state file, created readable and writable by its owner only (it holds
    the audit log and the sign-in sessions; SQLite gives its -wal and -shm files the same mode)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    if not os.path.exists(path):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    return sqlite3.connect(path, timeout=BUSY_SECONDS, **kwargs)


def _missing_triggers(con: sqlite3.Connection) -> list[str]:
    present = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'")}
    return [name for name in TRIGGERS if name not in present]


def _has_audit(con: sqlite3.Connection) -> bool:
    return bool(con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit'").fetchone()[0])


def _tables(con: sqlite3.Connection) -> tuple[set[str], str | None]:
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    row = con.execute("SELECT id FROM state_meta LIMIT 1").fetchone() if "state_meta" in names else None
    return names, row[0] if row else None


def _prepare(con: sqlite3.Connection, file: str) -> None:
    """On every write, two small reads: is this the state this process knows, whole? The file
    deleted or replaced while serving (even by one with the same inode), or a table dropped, is
    made ready again here. A state missing its id or its session tables gets a new id, so cookies
    signed for an earlier one no longer read (security/sessions.py)."""
    names, sid = _tables(con)
    if sid is not None and _known.get(file) == sid and ALL_TABLES <= names:
        return
    with _ready_lock:
        if _to_wal(con).lower() != "wal":
            raise sqlite3.OperationalError(f"{file}: cannot switch to WAL mode")
        con.execute("BEGIN IMMEDIATE")
        try:
            names, sid = _tables(con)  # again, under the write lock: another process may have made them
            for statement in (*SESSION_TABLES, STATE_META, *APP_TABLES):
                con.execute(statement)
            _audit_table(con, "audit" in names)
            if sid is None or not SESSION_NAMES <= names:
                previous = sid or _known.get(file, "")
                sid = secrets.token_hex(16)
                con.execute("DELETE FROM state_meta")
                con.execute("INSERT INTO state_meta VALUES (?, ?, 0, ?)",
                            (sid, dt.datetime.now().isoformat(timespec="seconds"), previous))
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        _known[file] = sid


def _audit_table(con: sqlite3.Connection, existed: bool) -> None:
    """The log's table, its columns and index; a new table gets its guards with it (a table found
    without them has them put back by the next audit write, which records it)."""
    con.execute(AUDIT_TABLE)
    columns = {r[1] for r in con.execute("PRAGMA table_info(audit)")}
    for col in ("prev", "hash"):
        if col not in columns:  # a log from before the chain
            con.execute(f"ALTER TABLE audit ADD COLUMN {col} TEXT NOT NULL DEFAULT ''")
    con.execute(AUDIT_INDEX)
    if not existed:
        for name, body in TRIGGERS.items():
            con.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")


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
    """One short write transaction, holding the file's write lock from its first statement.
    The threads of one process queue for it on a lock of their own rather than all polling the
    file (SQLite's busy handler retries less and less often, so the writer that has waited
    longest would be the least likely to get it next); processes wait for one another in SQLite."""
    con = open_state(path, isolation_level=None)
    try:
        file = os.path.abspath(path)
        _prepare(con, file)
        with _ready_lock:
            turn = _turns.setdefault(file, threading.Lock())
        if not turn.acquire(timeout=BUSY_SECONDS):
            raise sqlite3.OperationalError("database is locked (this process's other writers held it)")
        try:
            con.execute("BEGIN IMMEDIATE")
            yield con
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
    def __init__(self, con: sqlite3.Connection):
        self.con = con
        # on every write: a guard dropped meanwhile is put back, and the log records it
        self.restored = _missing_triggers(con)
        for name in self.restored:
            con.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {TRIGGERS[name]}")
        sid, announced, previous = con.execute("SELECT id, announced, previous FROM state_meta").fetchone()
        self.new_state = None if announced else (sid, previous)

    def announced(self) -> None:
        self.con.execute("UPDATE state_meta SET announced = 1")

    def run(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self.con.execute(sql, params).fetchall()

    def last(self) -> tuple[int, str] | None:
        return self.con.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()

    def hash_of(self, entry_id: int) -> str | None:
        row = self.con.execute("SELECT hash FROM audit WHERE id = ?", (entry_id,)).fetchone()
        return row[0] if row else None

    def rows(self) -> list[tuple]:
        return self.con.execute("SELECT id, at, username, event, detail, prev, hash FROM audit ORDER BY id").fetchall()

    def insert(self, entry: tuple) -> None:
        self.con.execute("INSERT INTO audit(id, at, username, event, detail, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         entry)

    def attempts(self, username: str, attempt: str, reset: str, since: str) -> int:
        return self.con.execute("""
            SELECT count(*) FROM audit WHERE username = ? AND event = ? AND at >= ?
              AND id > coalesce((SELECT max(id) FROM audit WHERE username = ? AND event = ?), 0)""",
                                (username, attempt, since, username, reset)).fetchone()[0]


def _read_only(path: str, **kwargs) -> sqlite3.Connection:
    """A connection that cannot change the file and takes no lock a writer waits for."""
    return sqlite3.connect(f"{pathlib.Path(path).as_uri()}?mode=ro", uri=True, timeout=BUSY_SECONDS, **kwargs)


class _Watched:
    """A read-only connection kept open on one state file, and the follow-up reads made through it
    since the last change. SQLite's `PRAGMA data_version` changes when any other connection, of
    this process or another, commits to the file; this connection never writes, so an unchanged
    version means every kept answer is still the file's. Asking costs a statement, not a file
    opened and its schema read; the open connection also keeps the file's inode from being reused,
    so a file deleted and made again is told apart by its inode (SqliteStore.read)."""
    KEEP = 64  # answers kept (each statement with its parameters)

    def __init__(self, path: str, file: tuple[int, int]):
        self.file = file
        self._con = _read_only(path, check_same_thread=False)  # used under self._lock, by one thread at a time
        self._lock = threading.Lock()
        self._version: int | None = None
        self._kept: OrderedDict[tuple, list[tuple]] = OrderedDict()

    def read(self, sql: str, params: tuple) -> list[tuple]:
        with self._lock:
            version = self._con.execute("PRAGMA data_version").fetchone()[0]
            if version != self._version:
                self._kept.clear()
                self._version = version
            key = (sql, tuple(params))
            if key in self._kept:
                self._kept.move_to_end(key)
            else:
                if not self._con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                         "AND name = 'followup_items'").fetchone()[0]:
                    rows = []  # nothing was ever decided
                else:
                    rows = self._con.execute(sql, params).fetchall()
                self._kept[key] = rows
                while len(self._kept) > self.KEEP:
                    self._kept.popitem(last=False)
            return list(self._kept[key])  # the list the caller's own; the rows are tuples


WATCHED_FILES = 4
_watching: dict[str, _Watched] = {}  # by path, the newest last
_watching_lock = threading.Lock()


class SqliteStore:
    def __init__(self, path: str):
        self.path = path

    def head_file(self) -> str:
        """The log's keyed head (security/audit_head.py): beside the state file, not in it."""
        return f"{os.path.abspath(self.path)}.head"

    @contextmanager
    def audit_writer(self):
        with _write(self.path) as con:
            yield _Writer(con)

    @contextmanager
    def _reading(self):
        """A connection that cannot change the file and takes no lock a writer waits for
        (checking the log must not write to it); None when there is no file yet."""
        path = os.path.abspath(self.path)
        if not os.path.exists(path):
            yield None
            return
        con = _read_only(path)
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
        """The follow-up tables' rows, [] before any decision made them. Every page run reads the
        notes and items: the answer is kept until anything is committed to the file (_Watched)."""
        path = os.path.abspath(self.path)
        try:
            found = os.stat(path)
        except FileNotFoundError:
            return []
        with _watching_lock:
            watched = _watching.get(path)
            if watched is None or watched.file != (found.st_dev, found.st_ino):  # replaced: watch the new one
                _watching.pop(path, None)  # its connection closes with its last reader
                watched = _watching[path] = _Watched(path, (found.st_dev, found.st_ino))
                while len(_watching) > WATCHED_FILES:  # a server reads one file: keep no others open
                    del _watching[next(iter(_watching))]
        return watched.read(sql, params)

    def put_ticket(self, ticket: str, username: str, session_id: str, expires: float, now: float) -> None:
        with _write(self.path) as con:
            con.execute("DELETE FROM session_tickets WHERE expires < ?", (now,))
            con.execute("INSERT INTO session_tickets VALUES (?, ?, ?, ?)", (ticket, username, session_id, expires))

    def take_ticket(self, ticket: str) -> tuple | None:
        """(username, session id, expires, the state's id), once."""
        with _write(self.path) as con:  # read and delete under the write lock: a ticket is redeemed once
            row = con.execute("SELECT username, session_id, expires, (SELECT id FROM state_meta) "
                              "FROM session_tickets WHERE ticket = ?", (ticket,)).fetchone()
            if row is not None:
                con.execute("DELETE FROM session_tickets WHERE ticket = ?", (ticket,))
        return row

    def revoke(self, session_id: str, until: float, now: float) -> None:
        with _write(self.path) as con:
            con.execute("DELETE FROM revoked_sessions WHERE expires < ?", (now,))
            con.execute("INSERT OR IGNORE INTO revoked_sessions VALUES (?, ?)", (session_id, until))

    def session_state(self, session_id: str) -> tuple[str | None, bool]:
        """(the state's id, whether the session was signed out), read on every page run: one
        read-only connection, no lock. A state without its id or its revocation list (deleted,
        replaced, a table dropped) answers (None, True): no cookie reads until it is made again."""
        with self._reading() as con:
            if con is None:
                return None, True
            try:
                sid, revoked = con.execute("SELECT (SELECT id FROM state_meta LIMIT 1), "
                                           "EXISTS (SELECT 1 FROM revoked_sessions WHERE session_id = ?)",
                                           (session_id,)).fetchone()
            except sqlite3.OperationalError:  # no such table
                return None, True
            return sid, bool(revoked) or sid is None
