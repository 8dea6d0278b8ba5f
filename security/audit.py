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
import os
import pathlib
import sqlite3
from dataclasses import dataclass

from security.state import open_state, state_path  # noqa: F401  (state_path: also read as audit.state_path)

GENESIS = "0" * 64
ATTEMPT = "sign_in_attempt"
CHAIN_STARTED = "audit_chain_started"
TRIGGERS = {
    "audit_no_update": "BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    "audit_no_delete": "BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    # REPLACE deletes the entry it replaces without firing delete triggers: refuse any id already used
    "audit_no_replace": "BEFORE INSERT ON audit WHEN NEW.id <= (SELECT coalesce(max(id), 0) FROM audit) "
                        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
}


def _connect(path: str | None = None) -> sqlite3.Connection:
    """A connection for writing: the table, its chain columns and its triggers made sure of. A
    trigger found missing is put back and that fact recorded; a log from before the chain is
    anchored by one keyed entry naming how many entries it held and their digest."""
    con = open_state(path, isolation_level=None)
    existed = con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit'").fetchone()[0]
    con.execute("""CREATE TABLE IF NOT EXISTS audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, username TEXT NOT NULL,
        event TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '', prev TEXT NOT NULL DEFAULT '',
        hash TEXT NOT NULL DEFAULT '')""")
    columns = {r[1] for r in con.execute("PRAGMA table_info(audit)")}
    for col in ("prev", "hash"):
        if col not in columns:  # a log from before the chain
            con.execute(f"ALTER TABLE audit ADD COLUMN {col} TEXT NOT NULL DEFAULT ''")
    if existed and not con.execute("SELECT count(*) FROM audit WHERE hash <> ''").fetchone()[0]:
        legacy = con.execute("SELECT id, at, username, event, detail FROM audit ORDER BY id").fetchall()
        if legacy:  # first the anchor, so that it follows the entries it vouches for
            _append(con, "system", CHAIN_STARTED, _legacy_detail(legacy))
    missing = _missing_triggers(con)
    for name in missing:
        con.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {TRIGGERS[name]}")
    if existed and missing:
        _append(con, "system", "audit_triggers_restored", ", ".join(missing))
    return con


def _read_only(path: str | None = None) -> sqlite3.Connection | None:
    """A connection that cannot change the file (checking the log must not write to it); None
    when there is no log yet."""
    path = os.path.abspath(path or state_path())
    if not os.path.exists(path):
        return None
    return sqlite3.connect(f"{pathlib.Path(path).as_uri()}?mode=ro", uri=True, timeout=10)


def _missing_triggers(con: sqlite3.Connection) -> list[str]:
    present = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'")}
    return [name for name in TRIGGERS if name not in present]


def _legacy_detail(rows: list[tuple]) -> str:
    """The anchor of the entries written before the chain: their count and keyed digest."""
    from security.keys import keyed

    return f"{len(rows)} earlier entries, digest {keyed('audit-legacy', json.dumps(rows, ensure_ascii=False))}"


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def _hash(entry_id: int, at: str, username: str, event: str, detail: str, prev: str, key: bytes | None = None) -> str:
    from security.keys import keyed

    return keyed("audit", json.dumps([entry_id, at, username, event, detail, prev], ensure_ascii=False), key)


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
    con = _read_only(path)
    if con is None:
        return []
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

    @property
    def holds(self) -> bool:
        return self.broken_at is None and not self.reason


def verify(path: str | None = None) -> ChainCheck:
    """Walk the chain from the first entry: every `prev` must be the hash before it and every
    hash the key's HMAC of its entry; entries from before the chain must be exactly those its
    anchor names; and the triggers must all be there. Reads only."""
    con = _read_only(path)
    if con is None:
        return ChainCheck(0, None)
    try:
        if not con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit'").fetchone()[0]:
            return ChainCheck(0, None)
        missing = _missing_triggers(con)
        rows = con.execute("SELECT id, at, username, event, detail, prev, hash FROM audit ORDER BY id").fetchall()
    finally:
        con.close()
    if missing:
        return ChainCheck(len(rows), None, f"triggers removed: {', '.join(missing)}")
    legacy = 0
    while legacy < len(rows) and not rows[legacy][6]:
        legacy += 1
    if legacy:  # the log's beginning, from before the chain: its anchor must come next and name it
        anchor = rows[legacy] if legacy < len(rows) else None
        if anchor is None or anchor[3] != CHAIN_STARTED or anchor[4] != _legacy_detail([r[:5] for r in rows[:legacy]]):
            return ChainCheck(len(rows), rows[0][0], "entries without a hash that no anchor vouches for")
    from security.keys import server_key

    prev, key = GENESIS, server_key()  # read once for the whole walk
    for entry_id, at, username, event, detail, stored_prev, stored_hash in rows[legacy:]:
        if stored_prev != prev:
            return ChainCheck(len(rows), entry_id, "an entry before it was changed or removed")
        if not hmac.compare_digest(stored_hash, _hash(entry_id, at, username, event, detail, stored_prev, key)):
            return ChainCheck(len(rows), entry_id, "the entry was changed or written without the key")
        prev = stored_hash
    return ChainCheck(len(rows), None)


def state_digest(path: str | None = None) -> str:
    """The hash of the newest entry: written down elsewhere, it shows later that no entry was cut off the end."""
    con = _read_only(path)
    if con is None:
        return GENESIS
    try:
        row = con.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        con.close()
    return row[0] if row else GENESIS
