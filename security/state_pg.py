"""The state in PostgreSQL, shared by several servers (SPZX_STATE_URL=postgresql://…).

Append-only twice over: triggers refuse UPDATE, DELETE, TRUNCATE and an id already used (even
for the tables' owner), and the role the servers sign in with is granted only SELECT and
INSERT on the log (`setup(…, app_role=…)`, `python -m security init-state`). Every audit write
takes one transaction-scoped advisory lock first, so appends from all servers form one chain
and a lock-out count cannot be passed by parallel attempts. Read Committed (the default) is
needed for that: each statement after the lock sees every entry committed before it.
"""
from __future__ import annotations

import datetime as dt
import secrets
from contextlib import contextmanager

import psycopg
from psycopg import sql

from security.followup_tables import APP_TABLE_NAMES, APP_TABLES

AUDIT_LOCK = 0x5350_5A58  # "SPZX": the advisory lock key of the audit log's writers
GUARD_FUNCTIONS = """
    CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$;
    CREATE OR REPLACE FUNCTION audit_new_ids_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.id <= (SELECT coalesce(max(id), 0) FROM audit) THEN RAISE EXCEPTION 'audit log is append-only'; END IF;
      RETURN NEW;
    END $$;
"""
TRIGGERS = {
    "audit_no_update": "BEFORE UPDATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
    "audit_no_delete": "BEFORE DELETE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
    "audit_no_truncate": "BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
    "audit_no_replace": "BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION audit_new_ids_only()",
}
TABLES = """
    CREATE TABLE IF NOT EXISTS audit (
        id BIGINT PRIMARY KEY, at TEXT NOT NULL, username TEXT NOT NULL, event TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '', prev TEXT NOT NULL, hash TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS audit_user_event ON audit (username, event, id);
    CREATE TABLE IF NOT EXISTS session_tickets (ticket TEXT PRIMARY KEY, username TEXT NOT NULL,
                                                session_id TEXT NOT NULL, expires DOUBLE PRECISION NOT NULL);
    CREATE TABLE IF NOT EXISTS revoked_sessions (session_id TEXT PRIMARY KEY, expires DOUBLE PRECISION NOT NULL);
    CREATE TABLE IF NOT EXISTS state_meta (id TEXT NOT NULL, created TEXT NOT NULL, announced INTEGER NOT NULL DEFAULT 0,
                                           previous TEXT NOT NULL DEFAULT '');
"""
# a state without these is a new one: its id is new, so no cookie of an earlier state reads
SESSION_NAMES = ("state_meta", "session_tickets", "revoked_sessions")
_known: dict[str, str] = {}  # url -> the state id this process made or found there


def connect(url: str, **kwargs) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True, connect_timeout=10, **kwargs)


def _missing_triggers(con: psycopg.Connection) -> list[str]:
    """Guards absent or switched off (ALTER TABLE … DISABLE TRIGGER)."""
    present = {r[0] for r in con.execute(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass('audit') AND NOT tgisinternal AND tgenabled <> 'D'")}
    return [name for name in TRIGGERS if name not in present]


def _put_back(con: psycopg.Connection, names: list[str]) -> None:
    for name in names:
        con.execute(sql.SQL("DROP TRIGGER IF EXISTS {} ON audit").format(sql.Identifier(name)))
        con.execute(sql.SQL("CREATE TRIGGER {} " + TRIGGERS[name]).format(sql.Identifier(name)))


def setup(con: psycopg.Connection, app_role: str | None = None, previous: str = "") -> None:
    """The tables and the log's guards, made by their owner; with `app_role`, that role may read
    and append to the log and keep sessions, and nothing more. Safe to run again. A state
    missing its id or a session table (dropped) gets a new id: no earlier cookie reads."""
    with con.transaction():
        con.execute("SELECT pg_advisory_xact_lock(%s)", (AUDIT_LOCK,))  # servers starting together
        missing = [n for n in SESSION_NAMES if con.execute("SELECT to_regclass(%s)", (n,)).fetchone()[0] is None]
        old = None if "state_meta" in missing else con.execute("SELECT id FROM state_meta LIMIT 1").fetchone()
        con.execute(TABLES)
        if missing or old is None:
            con.execute("DELETE FROM state_meta")
            con.execute("INSERT INTO state_meta VALUES (%s, %s, 0, %s)",
                        (secrets.token_hex(16), dt.datetime.now().isoformat(timespec="seconds"),
                         old[0] if old else previous))
        for statement in APP_TABLES:
            con.execute(statement)
        con.execute(GUARD_FUNCTIONS)
        _put_back(con, _missing_triggers(con))
        con.execute("REVOKE ALL ON audit, session_tickets, revoked_sessions, state_meta FROM PUBLIC")
        con.execute(sql.SQL("REVOKE ALL ON {} FROM PUBLIC").format(sql.SQL(", ").join(map(sql.Identifier, APP_TABLE_NAMES))))
        if app_role:
            role = sql.Identifier(app_role)
            con.execute(sql.SQL("REVOKE ALL ON audit FROM {}").format(role))
            con.execute(sql.SQL("GRANT SELECT, INSERT ON audit TO {}").format(role))
            con.execute(sql.SQL("GRANT SELECT, INSERT, DELETE ON session_tickets, revoked_sessions TO {}").format(role))
            con.execute(sql.SQL("GRANT SELECT, UPDATE ON state_meta TO {}").format(role))
            con.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE ON {} TO {}").format(
                sql.SQL(", ").join(map(sql.Identifier, APP_TABLE_NAMES)), role))


def _state_id(con: psycopg.Connection) -> str | None:
    """The state's id when every table is there; None when one is missing (dropped, or new)."""
    tables = ("audit", *SESSION_NAMES, *APP_TABLE_NAMES)
    present = con.execute("SELECT count(*) FROM unnest(%s::text[]) t WHERE to_regclass(t) IS NOT NULL",
                          (list(tables),)).fetchone()[0]
    if present < len(tables):
        return None
    row = con.execute("SELECT id FROM state_meta LIMIT 1").fetchone()
    return row[0] if row else None


class _Writer:
    def __init__(self, con: psycopg.Connection):
        self.con = con
        self.restored = []
        sid, announced, previous = con.execute("SELECT id, announced, previous FROM state_meta").fetchone()
        self.new_state = None if announced else (sid, previous)
        missing = _missing_triggers(con)
        if missing:
            try:
                with con.transaction():  # a savepoint: a role that may not put them back changes nothing
                    _put_back(con, missing)
                self.restored = missing
            except psycopg.errors.InsufficientPrivilege:
                pass  # verify reports them until the owner runs `python -m security init-state`

    def announced(self) -> None:
        self.con.execute("UPDATE state_meta SET announced = 1")

    def last(self) -> tuple[int, str] | None:
        return self.con.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()

    def hash_of(self, entry_id: int) -> str | None:
        row = self.con.execute("SELECT hash FROM audit WHERE id = %s", (entry_id,)).fetchone()
        return row[0] if row else None

    def rows(self) -> list[tuple]:
        return self.con.execute("SELECT id, at, username, event, detail, prev, hash FROM audit ORDER BY id").fetchall()

    def insert(self, entry: tuple) -> None:
        self.con.execute("INSERT INTO audit(id, at, username, event, detail, prev, hash) "
                         "VALUES (%s, %s, %s, %s, %s, %s, %s)", entry)

    def run(self, statement: str, params: tuple = ()) -> list[tuple]:
        cur = self.con.execute(statement.replace("?", "%s"), params)
        return cur.fetchall() if cur.description else []

    def attempts(self, username: str, attempt: str, reset: str, since: str) -> int:
        return self.con.execute("""
            SELECT count(*) FROM audit WHERE username = %s AND event = %s AND at >= %s
              AND id > coalesce((SELECT max(id) FROM audit WHERE username = %s AND event = %s), 0)""",
                                (username, attempt, since, username, reset)).fetchone()[0]


class PostgresStore:
    def __init__(self, url: str, head: str):
        self.url, self.head = url, head

    def head_file(self) -> str:
        """This server's keyed head of the shared log (security/audit_head.py), beside its key."""
        return self.head

    @contextmanager
    def _connection(self):
        con = connect(self.url)
        try:
            sid = _state_id(con)
            if sid is None:  # a new database, or a table dropped: whoever may create tables makes them
                setup(con, previous=_known.get(self.url, ""))
                sid = _state_id(con)
            _known[self.url] = sid
            yield con
        finally:
            con.close()

    @contextmanager
    def audit_writer(self):
        with self._connection() as con, con.transaction():
            con.execute("SELECT pg_advisory_xact_lock(%s)", (AUDIT_LOCK,))
            yield _Writer(con)

    @contextmanager
    def _reading(self):
        """A read-only transaction on one snapshot (checking the log must not write to it)."""
        con = connect(self.url)
        try:
            con.read_only = True
            con.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            with con.transaction():
                yield con
        finally:
            con.close()

    def audit_chain(self) -> tuple[list[str], list[tuple]] | None:
        with self._reading() as con:
            if con.execute("SELECT to_regclass('audit')").fetchone()[0] is None:
                return None
            return _missing_triggers(con), con.execute(
                "SELECT id, at, username, event, detail, prev, hash FROM audit ORDER BY id").fetchall()

    def audit_entries(self, limit: int, without: str) -> list[tuple]:
        with self._reading() as con:
            if con.execute("SELECT to_regclass('audit')").fetchone()[0] is None:
                return []
            return con.execute("SELECT at, username, event, detail FROM audit WHERE event <> %s ORDER BY id DESC "
                               "LIMIT %s", (without, limit)).fetchall()

    def newest_hash(self) -> str | None:
        with self._reading() as con:
            if con.execute("SELECT to_regclass('audit')").fetchone()[0] is None:
                return None
            row = con.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        return row[0] if row else None

    def read(self, statement: str, params: tuple = ()) -> list[tuple]:
        with self._reading() as con:
            if con.execute("SELECT to_regclass('followup_items')").fetchone()[0] is None:
                return []
            return con.execute(statement.replace("?", "%s"), params).fetchall()

    def put_ticket(self, ticket: str, username: str, session_id: str, expires: float, now: float) -> None:
        with self._connection() as con, con.transaction():
            con.execute("DELETE FROM session_tickets WHERE expires < %s", (now,))
            con.execute("INSERT INTO session_tickets VALUES (%s, %s, %s, %s)", (ticket, username, session_id, expires))

    def take_ticket(self, ticket: str) -> tuple | None:
        """(username, session id, expires, the state's id), once."""
        with self._connection() as con:  # one statement: two servers cannot both redeem a ticket
            return con.execute("DELETE FROM session_tickets WHERE ticket = %s "
                               "RETURNING username, session_id, expires, (SELECT id FROM state_meta LIMIT 1)",
                               (ticket,)).fetchone()

    def revoke(self, session_id: str, until: float, now: float) -> None:
        with self._connection() as con, con.transaction():
            con.execute("DELETE FROM revoked_sessions WHERE expires < %s", (now,))
            con.execute("INSERT INTO revoked_sessions VALUES (%s, %s) ON CONFLICT (session_id) DO NOTHING",
                        (session_id, until))

    def session_state(self, session_id: str) -> tuple[str | None, bool]:
        """(the state's id, whether the session was signed out); (None, True) when the state's id
        or its revocation list is missing (tables dropped): no cookie reads until made again."""
        with connect(self.url) as con:
            try:
                sid, revoked = con.execute("SELECT (SELECT id FROM state_meta LIMIT 1), "
                                           "EXISTS (SELECT 1 FROM revoked_sessions WHERE session_id = %s)",
                                           (session_id,)).fetchone()
            except psycopg.errors.UndefinedTable:
                return None, True
            return sid, bool(revoked) or sid is None
