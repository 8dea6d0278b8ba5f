"""The audit log (sign-ins, failed sign-ins, imports, exports), append-only and tamper-evident.

Kept by the state backend (security/state.py: a SQLite file next to the case database, or
PostgreSQL shared by several servers), whose guards refuse UPDATE, DELETE and a rewrite of an
existing entry. Each entry carries `prev`, the `hash` of the entry before it, and its own
`hash`: an HMAC under the installation's key (security/keys.py) of its id, time, user,
event, detail and `prev`. Whoever edits the database directly (or drops a guard first) cannot
write a valid hash without the key, so `verify` finds the first entry that was changed,
removed or slipped in (`python -m security verify-audit`, and the 审计日志 page). A guard
found missing is put back and the fact recorded in the log itself.

Entries cut off the end, the log emptied or its table dropped show against the keyed head kept
apart from the log (security/audit_head.py). A log that does not verify is never vouched for by
a write: only `python -m security reseal-audit --reason …`, run with the key, appends a keyed
`audit_resealed` entry vouching for every entry before it (for a log from an earlier version,
or a loss acknowledged), which stays in the chain for good.

Lock-outs are counted from the log too (`sign_in_attempt` entries since the last sign-in),
so they cannot be reset without breaking the chain.
"""
from __future__ import annotations

import datetime as dt
import hmac
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass

from security import audit_head
from security.state import AuditWriter, state_path, store  # noqa: F401  (state_path: also read as audit.state_path)

GENESIS = "0" * 64
ATTEMPT = "sign_in_attempt"
CHAIN_STARTED = "audit_chain_started"  # written by earlier versions on their first write; still accepted
RESEALED = "audit_resealed"
STATE_REPLACED = "state_replaced"
_RESEAL = re.compile(r"(?P<n>\d+) earlier entries \((?P<hashless>\d+) without a hash\), digest (?P<digest>[0-9a-f]{64});")


def _legacy_detail(rows: list[tuple]) -> str:
    """The anchor of the entries written before the chain: their count and keyed digest."""
    from security.keys import keyed

    return f"{len(rows)} earlier entries, digest {keyed('audit-legacy', json.dumps(rows, ensure_ascii=False))}"


def _reseal_digest(rows: list[tuple], key: bytes | None = None) -> str:
    from security.keys import keyed

    return keyed("audit-resealed", json.dumps([list(r) for r in rows], ensure_ascii=False), key)


def command_line_user() -> str:
    """Whoever typed a command (an import, a rollback, a reseal), as the log names them: `cli:` and
    the name of the process's user id — not $USER, which the caller may set to anything, and never
    a name a web account could have."""
    import os
    import pwd

    try:
        return f"cli:{pwd.getpwuid(os.getuid()).pw_name}"
    except KeyError:  # no name for this uid (a container): its number
        return f"cli:uid {os.getuid()}"


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def _hash(entry_id: int, at: str, username: str, event: str, detail: str, prev: str, key: bytes | None = None) -> str:
    from security.keys import keyed

    return keyed("audit", json.dumps([entry_id, at, username, event, detail, prev], ensure_ascii=False), key)


def _append(w: AuditWriter, username: str, event: str, detail: str = "") -> tuple[int, str]:
    """One chained entry, in the writer's transaction (which holds the log's write lock)."""
    last = w.last()
    entry_id, prev = (last[0] + 1, last[1] or GENESIS) if last else (1, GENESIS)
    at = _now()
    entry_hash = _hash(entry_id, at, username, event, detail, prev)
    w.insert((entry_id, at, username, event, detail, prev, entry_hash))
    return entry_id, entry_hash


def _head_text(head: audit_head.Head | None) -> str:
    return f"head before: {head.text()}" if head else "no head before"


def _prelude(w: AuditWriter, head_file: str) -> tuple[audit_head.Head | None, str]:
    """First in every write: a state made again (its file deleted or replaced, a table dropped)
    and guards put back are recorded. Returns the head as read and, when it cannot be read or
    its HMAC does not hold, why."""
    try:
        seen, bad = audit_head.read(head_file), ""
    except audit_head.BadHead as e:
        seen, bad = None, str(e)
    if w.new_state is not None:
        sid, previous = w.new_state
        if seen is not None or bad or previous:
            note = f"head before did not verify ({bad})" if bad else _head_text(seen)
            _append(w, "system", STATE_REPLACED, f"state {sid}, previous state {previous or '?'}; {note}")
        w.announced()
    if w.restored:
        _append(w, "system", "audit_triggers_restored", ", ".join(w.restored))
    return seen, bad


@contextmanager
def _writing(path: str | None):
    """The log's write transaction. Nothing here re-anchors or vouches for entries already in
    the log: a log that does not verify stays so until `reseal-audit`. After the commit the keyed
    head moves forward — only from a head this log still holds."""
    s = store(path)
    head_file = s.head_file()
    with s.audit_writer() as w:
        before = w.last()
        seen, bad = _prelude(w, head_file)
        held = seen is not None and w.hash_of(seen.id) == seen.hash
        yield w
        newest = w.last()
    if newest is not None and newest != before and not bad:
        try:
            audit_head.advance(head_file, seen, held, before is None, newest[0], newest[1])
        except OSError:  # the entry is written; a head behind the log is still sound, the next write moves it
            pass


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
    kind: str = ""  # what does not hold: chain | triggers | cut | emptied | head_forged | head_missing
    head: audit_head.Head | None = None  # the head as read (write it down: it catches a rollback)

    @property
    def holds(self) -> bool:
        return self.broken_at is None and not self.reason


def _start(rows: list[tuple], key: bytes) -> int:
    """Where the walk begins: the newest reseal whose HMAC and digest vouch for every entry
    before it; else the first entry after the legacy entries an earlier version's anchor names;
    else the first entry. -1: entries without a hash that nothing vouches for."""
    for i in range(len(rows) - 1, 0, -1):
        entry_id, at, username, event, detail, prev, entry_hash = rows[i]
        if event != RESEALED:
            continue
        m = _RESEAL.match(detail)
        if (m and int(m["n"]) == i and hmac.compare_digest(entry_hash, _hash(entry_id, at, username, event, detail, prev, key))
                and hmac.compare_digest(m["digest"], _reseal_digest(rows[:i], key))):
            return i
    legacy = 0
    while legacy < len(rows) and not rows[legacy][6]:
        legacy += 1
    if legacy:  # the log's beginning, from before the chain: an earlier version's anchor must name it
        anchor = rows[legacy] if legacy < len(rows) else None
        if anchor is None or anchor[3] != CHAIN_STARTED or anchor[4] != _legacy_detail([r[:5] for r in rows[:legacy]]):
            return -1
    return legacy


def _walk(rows: list[tuple], key: bytes) -> tuple[int | None, str]:
    """The first entry whose link does not hold, and why; (None, '') when every link holds."""
    start = _start(rows, key)
    if start < 0:
        return rows[0][0], "entries without a hash that nothing vouches for / 有无哈希的记录且无人担保"
    prev = rows[start][5] if start and rows[start][3] == RESEALED else GENESIS
    for entry_id, at, username, event, detail, stored_prev, stored_hash in rows[start:]:
        if stored_prev != prev:
            return entry_id, "an entry before it was changed or removed / 此前有记录被修改或删除"
        if not hmac.compare_digest(stored_hash, _hash(entry_id, at, username, event, detail, stored_prev, key)):
            return entry_id, "the entry was changed or written without the key / 该记录被修改或无密钥写入"
        prev = stored_hash
    return None, ""


def _against_head(rows: list[tuple], head: audit_head.Head | None) -> tuple[str, str]:
    """(kind, reason) when the log is not at least what the head says it held; ('', '') else."""
    if head is None:
        return ("head_missing", "entries but no head: the head was removed, or the log is from an earlier "
                "version (python -m security reseal-audit) / 有记录而无头记录") if rows else ("", "")
    if not rows:
        return "emptied", f"log emptied; the head says {head.entries} entries up to id {head.id} / 日志已被清空"
    upto = [r for r in rows if r[0] <= head.id]
    if upto and upto[-1][0] == head.id and upto[-1][6] != head.hash:
        return "cut", (f"entry {head.id} is not the one the head names: entries were cut and others written "
                       f"in their place / 第 {head.id} 条记录与头记录不符：记录被删除后又写入")
    if not upto or upto[-1][0] != head.id:
        return "cut", (f"entries cut after {upto[-1][0] if upto else 0}; the head says {head.entries} entries "
                       f"up to id {head.id} / 日志末尾的记录被删除")
    if len(upto) != head.entries:
        return "cut", f"{head.entries - len(upto)} entries up to id {head.id} missing / 有记录被删除"
    return "", ""


def verify(path: str | None = None) -> ChainCheck:
    """Walk the chain from the first entry (or the newest reseal that vouches for those before
    it): every `prev` must be the hash before it and every hash the key's HMAC of its entry;
    entries from before the chain must be exactly those an anchor names; the triggers must all
    be there; and the log must hold the keyed head's entry with its hash and count (a log
    emptied, cut or dropped, a head forged or removed, does not verify). Reads only."""
    from security.keys import server_key

    s = store(path)
    try:
        head = audit_head.read(s.head_file())
    except audit_head.BadHead as e:
        chain = s.audit_chain()
        return ChainCheck(len(chain[1]) if chain else 0, None, f"the head does not verify ({e}) / 头记录校验不通过",
                          "head_forged")
    chain = s.audit_chain()
    missing, rows = chain if chain is not None else ([], [])
    if missing and chain is not None:
        return ChainCheck(len(rows), None, f"triggers removed: {', '.join(missing)} / 防改动触发器被移除", "triggers", head)
    broken_at, reason = _walk(rows, server_key()) if rows else (None, "")  # the key read once for the whole walk
    if broken_at is not None:
        return ChainCheck(len(rows), broken_at, reason, "chain", head)
    kind, reason = _against_head(rows, head)
    return ChainCheck(len(rows), None, reason, kind, head)


def reseal(reason: str, username: str, path: str | None = None) -> tuple[int, str]:
    """Vouch, under the key, for the log as it is now: one chained entry `audit_resealed` naming
    how many entries came before it, how many had no hash, their keyed digest, whether they
    verified, and the head before; then the head is set to it. For a log from before the chain
    or the head, or a loss acknowledged. The entry stays in the chain for good. Returns
    (entries vouched for, the new entry's detail)."""
    from security.keys import server_key

    if not reason.strip():
        raise ValueError("a reason is needed / 须写明原因")
    s = store(path)
    key = server_key()
    with s.audit_writer() as w:
        head, bad = _prelude(w, s.head_file())
        rows = w.rows()
        broken_at, why = _walk(rows, key) if rows else (None, "")
        if broken_at is not None:
            before = f"broken at entry {broken_at}: {why}"
        else:
            before = f"head did not verify ({bad})" if bad else (_against_head(rows, head)[1] or "held")
        detail = (f"{len(rows)} earlier entries ({sum(1 for r in rows if not r[6])} without a hash), "
                  f"digest {_reseal_digest(rows, key)}; before: {before}; "
                  f"{_head_text(head) if not bad else 'head before unreadable'}; reason: {reason.strip()}")
        entry_id, entry_hash = _append(w, username, RESEALED, detail)
    audit_head.reset(s.head_file(), len(rows) + 1, entry_id, entry_hash)
    return len(rows), detail


def state_digest(path: str | None = None) -> str:
    """The hash of the newest entry: written down elsewhere, it shows later that no entry was cut off the end."""
    return store(path).newest_hash() or GENESIS
