"""The audit log's keyed head, kept apart from the log: how many entries it held, its newest id
and hash, and when — with an HMAC under the installation's key (security/keys.py). Whoever can
write the state but not read the key cannot cut entries off the log's end (or empty it, or drop
the table) without the head showing it, nor write a head of their own.

The idea of Certificate Transparency's signed tree head and sigstore rekor's checkpoint: a
signed statement of the log's size and newest hash, kept by someone other than the log, that
every later log must extend. Here the signer is the server key and the keeper a small file
beside the state (each server of a shared PostgreSQL state keeps its own: each is a lower
bound on the one log). Written after each audit write commits, atomically (temporary file,
fsync, rename, owner-only), under a file lock, and only ever forward.

What it cannot see: the state file and the head put back together to an earlier copied pair.
Only a head written down elsewhere (`python -m security verify-audit` prints it) catches that."""
from __future__ import annotations

import datetime as dt
import fcntl
import hmac
import json
import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass

PURPOSE = "audit-head"


@dataclass(frozen=True)
class Head:
    entries: int  # entries in the log up to and with `id`
    id: int
    hash: str
    at: str

    def text(self) -> str:
        return f"{self.entries} entries, id {self.id}, hash {self.hash}, {self.at}"


class BadHead(Exception):
    """A head file that cannot be read or whose HMAC does not hold."""


def _mac(entries: int, entry_id: int, entry_hash: str, at: str) -> str:
    from security.keys import keyed

    return keyed(PURPOSE, json.dumps([entries, entry_id, entry_hash, at]))


def read(path: str) -> Head | None:
    """The head, None when there is none; BadHead when it was forged or damaged."""
    try:
        with open(path, "rb") as f:
            raw = f.read(4096)
    except FileNotFoundError:
        return None
    try:
        d = json.loads(raw)
        head = Head(int(d["entries"]), int(d["id"]), str(d["hash"]), str(d["at"]))
        mac = str(d["mac"])
    except (ValueError, KeyError, TypeError) as e:
        raise BadHead(f"unreadable: {e}") from None
    if not hmac.compare_digest(mac, _mac(head.entries, head.id, head.hash, head.at)):
        raise BadHead("its HMAC does not hold")
    return head


def _write(path: str, head: Head) -> None:
    body = json.dumps({"entries": head.entries, "id": head.id, "hash": head.hash, "at": head.at,
                       "mac": _mac(head.entries, head.id, head.hash, head.at)})
    tmp = f"{path}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)  # readers see the old head or the new one, never half of one
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


@contextmanager
def _locked(path: str):
    """The head's writers, of every process on this machine, one at a time."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def advance(path: str, seen: Head | None, seen_held: bool, first: bool, entry_id: int, entry_hash: str) -> None:
    """After a write committed entries up to `entry_id`: move the head there, only forward and
    only from a head the log was seen to extend (`seen`, checked against the log in the write's
    transaction) or, with no head, from an empty log (`first`). A head the log no longer holds,
    a forged one or a missing one (of a log not empty) stays as it is: the evidence is kept
    until `python -m security reseal-audit`."""
    with _locked(path):
        try:
            now = read(path)
        except BadHead:
            return
        if now is None:
            if first and seen is None:
                _write(path, Head(entry_id, entry_id, entry_hash, _now()))
            return
        if now.id >= entry_id or not seen_held or seen is None:
            return
        if now != seen and now.id < seen.id:  # put back meanwhile: leave it to verify
            return
        _write(path, Head(now.entries + entry_id - now.id, entry_id, entry_hash, _now()))


def reset(path: str, entries: int, entry_id: int, entry_hash: str) -> None:
    """The head after a reseal: whatever it was (the reseal's entry records it)."""
    with _locked(path):
        _write(path, Head(entries, entry_id, entry_hash, _now()))
