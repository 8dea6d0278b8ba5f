"""The audit log (sign-ins, failed sign-ins, imports, exports), append-only and tamper-evident.

Kept by the state backend (security/state.py: a SQLite file next to the case database, or
PostgreSQL shared by several servers), whose guards refuse UPDATE, DELETE and a rewrite of an
existing entry. Each entry carries `prev`, the `hash` of the entry before it, and its own
`hash`: an HMAC under the installation's key (security/keys.py) of its id, time, user,
event, detail and `prev`. Whoever edits the database directly (or drops a guard first) cannot
write a valid hash without the key, so `verify` finds the first entry that was changed,
removed or slipped in (`python -m security verify-audit`, and the 审计日志 page). A guard
found missing is put back and the fact recorded in the log itself.

Lock-outs are counted from the log too (`sign_in_attempt` entries since the last sign-in),
so they cannot be reset without breaking the chain.
"""
from __future__ import annotations

import datetime as dt
import hmac
import json
from contextlib import contextmanager
from dataclasses import dataclass

from security.state import AuditWriter, state_path, store  # noqa: F401  (state_path: also read as audit.state_path)

GENESIS = "0" * 64
ATTEMPT = "sign_in_attempt"
CHAIN_STARTED = "audit_chain_started"


def _legacy_detail(rows: list[tuple]) -> str:
    """The anchor of the entries written before the chain: their count and keyed digest."""
    from security.keys import keyed

    return f"{len(rows)} earlier entries, digest {keyed('audit-legacy', json.dumps(rows, ensure_ascii=False))}"


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def _hash(entry_id: int, at: str, username: str, event: str, detail: str, prev: str, key: bytes | None = None) -> str:
    from security.keys import keyed

    return keyed("audit", json.dumps([entry_id, at, username, event, detail, prev], ensure_ascii=False), key)


def _append(w: AuditWriter, username: str, event: str, detail: str = "") -> None:
    """One chained entry, in the writer's transaction (which holds the log's write lock)."""
    last = w.last()
    entry_id, prev = (last[0] + 1, last[1] or GENESIS) if last else (1, GENESIS)
    at = _now()
    w.insert((entry_id, at, username, event, detail, prev, _hash(entry_id, at, username, event, detail, prev)))


@contextmanager
def _writing(path: str | None):
    """The log's write transaction; a log from before the chain is anchored first by one keyed
    entry naming how many entries it held and their digest, and guards put back are recorded."""
    with store(path).audit_writer() as w:
        if w.legacy:  # first the anchor, so that it follows the entries it vouches for
            _append(w, "system", CHAIN_STARTED, _legacy_detail(w.legacy))
        if w.restored:
            _append(w, "system", "audit_triggers_restored", ", ".join(w.restored))
        yield w


class Change:
    """A change of the state and its audit entry, in one transaction: both are written or neither."""

    def __init__(self, writer: AuditWriter):
        self._w = writer

    def run(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self._w.run(sql, params)

    def record(self, username: str, event: str, detail: str = "") -> None:
        _append(self._w, username, event, detail)


@contextmanager
def change(path: str | None = None):
    """A transaction holding the log's write lock (so ids taken in it are unique across servers)
    in which state is changed and the change recorded."""
    with _writing(path) as w:
        yield Change(w)


def record(username: str, event: str, detail: str = "", path: str | None = None) -> None:
    """event: sign_in | sign_in_failed | sign_in_locked | sign_out | import | export | rollback"""
    with _writing(path) as w:
        _append(w, username, event, detail)


def entries(limit: int = 500, path: str | None = None) -> list[tuple]:
    """Newest first, without the sign-in attempts that only count towards a lock-out."""
    return store(path).audit_entries(limit, ATTEMPT)


def claim_attempt(username: str, max_failures: int, minutes: int, path: str | None = None) -> bool:
    """Record a sign-in attempt before the password is checked, in one transaction holding the
    log's write lock, so parallel attempts (from any server sharing the state) cannot slip past
    the limit; False when the account is locked. Attempts count from the user's last sign-in,
    within the last `minutes`."""
    since = (dt.datetime.now() - dt.timedelta(minutes=minutes)).isoformat(timespec="seconds")
    with _writing(path) as w:
        if w.attempts(username, ATTEMPT, "sign_in", since) >= max_failures:
            return False
        _append(w, username, ATTEMPT)
    return True


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
    chain = store(path).audit_chain()
    if chain is None:
        return ChainCheck(0, None)
    missing, rows = chain
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
    return store(path).newest_hash() or GENESIS
