"""Where the application's own state lives (audit log, lock-outs, sign-in sessions): one SQLite
file next to the case database by default (SPZX_STATE), or a PostgreSQL database shared by
several servers (SPZX_STATE_URL=postgresql://…). `store()` picks the backend; audit.py and
sessions.py ask it and hold no SQL of either."""
from __future__ import annotations

import os
from contextlib import AbstractContextManager
from typing import Protocol

DEFAULT_STATE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "app_state.sqlite")
POSTGRES = ("postgresql://", "postgres://")


def state_path() -> str:
    """The SQLite file; also where the server key is kept (security/keys.py), whichever backend."""
    return os.environ.get("SPZX_STATE", DEFAULT_STATE)


def state_location() -> str:
    return os.environ.get("SPZX_STATE_URL") or state_path()


class AuditWriter(Protocol):
    """A transaction holding the audit log's write lock: every append and every count of
    attempts in it sees all entries committed before and none written beside it."""
    restored: list[str]  # guards (triggers) found missing and put back in this transaction
    new_state: tuple[str, str] | None  # (id, previous id) of a state made and not yet recorded in its log

    def announced(self) -> None: ...  # the new state is recorded
    def last(self) -> tuple[int, str] | None: ...
    def hash_of(self, entry_id: int) -> str | None: ...
    def rows(self) -> list[tuple]: ...  # every entry, by id
    def insert(self, entry: tuple) -> None: ...  # (id, at, username, event, detail, prev, hash)
    def attempts(self, username: str, attempt: str, reset: str, since: str) -> int: ...
    def run(self, sql: str, params: tuple = ()) -> list[tuple]: ...  # any statement of the follow-up tables, `?` placeholders


class Store(Protocol):
    def head_file(self) -> str: ...  # where the log's keyed head is kept (security/audit_head.py)
    def audit_writer(self) -> AbstractContextManager[AuditWriter]: ...
    def audit_chain(self) -> tuple[list[str], list[tuple]] | None: ...  # (missing guards, rows by id); reads only
    def audit_entries(self, limit: int, without: str) -> list[tuple]: ...
    def newest_hash(self) -> str | None: ...
    def put_ticket(self, ticket: str, username: str, session_id: str, expires: float, now: float) -> None: ...
    def take_ticket(self, ticket: str) -> tuple | None: ...  # (username, session id, expires, state id)
    def revoke(self, session_id: str, until: float, now: float) -> None: ...
    def session_state(self, session_id: str) -> tuple[str | None, bool]: ...  # (state id, signed out); fails closed
    def read(self, sql: str, params: tuple = ()) -> list[tuple]: ...  # follow-up tables, `?` placeholders; [] before any exist


def store(where: str | None = None) -> Store:
    """The backend for `where`: a postgresql:// URL or a file path (default SPZX_STATE_URL, else SPZX_STATE)."""
    where = where or state_location()
    if where.startswith(POSTGRES):
        from security.state_pg import PostgresStore

        # each server keeps its own head of the shared log, beside its key
        return PostgresStore(where, os.path.join(os.path.dirname(os.path.abspath(state_path())), "audit.head"))
    from security.state_sqlite import SqliteStore

    return SqliteStore(where)
