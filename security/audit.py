"""The audit log (sign-ins, failed sign-ins, imports, exports), append-only and tamper-evident.

SQLite, next to the case database. Triggers refuse UPDATE, DELETE and a REPLACE of an
existing entry. Each entry carries `prev`, the `hash` of the entry before it, and its own
`hash`: an HMAC under the installation's key (security/keys.py) of its id, time, user,
event, detail and `prev`. Whoever edits the file directly (or drops a trigger first) cannot
write a valid hash without the key, so `verify` finds the first entry that was changed,
removed or slipped in (`python -m security verify-audit`, and the 审计日志 page). A trigger
found missing is put back and the fact recorded in the log itself.

Lock-outs are counted from the log too (`sign_in_attempt` entries since the last sign-in),
so they cannot be reset without breaking the chain.
"""
from __future__ import annotations

import datetime as dt
import hmac
import json
import sqlite3
from dataclasses import dataclass

from security.state import open_state, state_path  # noqa: F401  (state_path: also read as audit.state_path)

GENESIS = "0" * 64
ATTEMPT = "sign_in_attempt"
TRIGGERS = {
    "audit_no_update": "BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    "audit_no_delete": "BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    # REPLACE deletes the entry it replaces without firing delete triggers: refuse any id already used
    "audit_no_replace": "BEFORE INSERT ON audit WHEN NEW.id <= (SELECT coalesce(max(id), 0) FROM audit) "
                        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
}


def _connect(path: str | None = None) -> sqlite3.Connection:
    con = open_state(path, isolation_level=None)
    con.execute("""CREATE TABLE IF NOT EXISTS audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, username TEXT NOT NULL,
        event TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '', prev TEXT NOT NULL DEFAULT '',
        hash TEXT NOT NULL DEFAULT '')""")
    columns = {r[1] for r in con.execute("PRAGMA table_info(audit)")}
    for col in ("prev", "hash"):
        if col not in columns:  # a log from before the chain
            con.execute(f"ALTER TABLE audit ADD COLUMN {col} TEXT NOT NULL DEFAULT ''")
    present = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'")}
    missing = [name for name in TRIGGERS if name not in present]
    for name in missing:
        con.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {TRIGGERS[name]}")
    if missing and con.execute("SELECT count(*) FROM audit").fetchone()[0]:
        _append(con, "system", "audit_triggers_restored", ", ".join(missing))
    return con


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def _hash(entry_id: int, at: str, username: str, event: str, detail: str, prev: str) -> str:
    from security.keys import keyed

    return keyed("audit", json.dumps([entry_id, at, username, event, detail, prev], ensure_ascii=False))


def _append(con: sqlite3.Connection, username: str, event: str, detail: str = "") -> None:
    """One chained entry; the caller's transaction (or this one) holds the write lock."""
    own = not con.in_transaction
    if own:
        con.execute("BEGIN IMMEDIATE")
    try:
        last = con.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        entry_id, prev = (last[0] + 1, last[1] or GENESIS) if last else (1, GENESIS)
        at = _now()
        con.execute("INSERT INTO audit(id, at, username, event, detail, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (entry_id, at, username, event, detail, prev, _hash(entry_id, at, username, event, detail, prev)))
        if own:
            con.execute("COMMIT")
    except BaseException:
        if own:
            con.execute("ROLLBACK")
        raise


def record(username: str, event: str, detail: str = "", path: str | None = None) -> None:
    """event: sign_in | sign_in_failed | sign_in_locked | sign_out | import | export | rollback"""
    con = _connect(path)
    try:
        _append(con, username, event, detail)
    finally:
        con.close()


def entries(limit: int = 500, path: str | None = None) -> list[tuple]:
    """Newest first, without the sign-in attempts that only count towards a lock-out."""
    con = _connect(path)
    try:
        return con.execute("SELECT at, username, event, detail FROM audit WHERE event <> ? ORDER BY id DESC LIMIT ?",
                           (ATTEMPT, limit)).fetchall()
    finally:
        con.close()


def claim_attempt(username: str, max_failures: int, minutes: int, path: str | None = None) -> bool:
    """Record a sign-in attempt before the password is checked, in one transaction, so parallel
    attempts cannot slip past the limit; False when the account is locked. Attempts count
    from the user's last sign-in, within the last `minutes`."""
    since = (dt.datetime.now() - dt.timedelta(minutes=minutes)).isoformat(timespec="seconds")
    con = _connect(path)
    try:
        con.execute("BEGIN IMMEDIATE")
        n = con.execute("""
            SELECT count(*) FROM audit WHERE username = ? AND event = ? AND at >= ?
              AND id > coalesce((SELECT max(id) FROM audit WHERE username = ? AND event = 'sign_in'), 0)""",
                        (username, ATTEMPT, since, username)).fetchone()[0]
        if n >= max_failures:
            con.execute("ROLLBACK")
            return False
        _append(con, username, ATTEMPT)
        con.execute("COMMIT")
        return True
    finally:
        con.close()


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    broken_at: int | None  # id of the first entry whose link does not hold
    reason: str = ""
    unchained: int = 0  # entries written before the log was chained

    @property
    def holds(self) -> bool:
        return self.broken_at is None and not self.reason


def verify(path: str | None = None) -> ChainCheck:
    """Walk the chain from the first entry: every `prev` must be the hash before it and every
    hash must be the key's HMAC of its entry."""
    con = _connect(path)
    try:
        rows = con.execute("SELECT id, at, username, event, detail, prev, hash FROM audit ORDER BY id").fetchall()
    finally:
        con.close()
    prev, unchained = GENESIS, 0
    for i, (entry_id, at, username, event, detail, stored_prev, stored_hash) in enumerate(rows):
        if not stored_hash and i == unchained:  # the log's beginning, from before the chain
            unchained += 1
            continue
        if stored_prev != prev:
            return ChainCheck(len(rows), entry_id, "an entry before it was changed or removed", unchained)
        if not hmac.compare_digest(stored_hash, _hash(entry_id, at, username, event, detail, stored_prev)):
            return ChainCheck(len(rows), entry_id, "the entry was changed or written without the key", unchained)
        prev = stored_hash
    return ChainCheck(len(rows), None, "", unchained)


def state_digest(path: str | None = None) -> str:
    """The hash of the newest entry: written down elsewhere, it shows later that no entry was cut off the end."""
    con = _connect(path)
    try:
        row = con.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        con.close()
    return row[0] if row else GENESIS

