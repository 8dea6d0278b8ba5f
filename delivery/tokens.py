"""The secret of each user's calendar URL (/calendar/<token>.ics): one active token per user,
kept in the application state as its SHA-256 only (whoever reads the state cannot subscribe),
every issue and revocation written with its audit entry in one transaction (security/audit.change),
and a revoked token's use recorded too. Plain `?` SQL both state backends take."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets

from security import audit
from security.state import store

ISSUED, REVOKED, REFUSED = "calendar_token_issued", "calendar_token_revoked", "calendar_token_refused"
_SHAPE = re.compile(r"[A-Za-z0-9_\-]{40,64}")  # what token_urlsafe(32) gives: anything else is no token of ours


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _detail(username: str) -> str:
    """The account the entry is about; never the token."""
    return json.dumps({"user": username}, ensure_ascii=False)


def issue(username: str, by: str) -> str:
    """A new token for `username`, shown once to the caller; any earlier active token of that
    user ends in the same transaction, so only the newest link reads."""
    token = secrets.token_urlsafe(32)
    now = _now()
    with audit.change() as change:
        change.run("UPDATE calendar_tokens SET revoked_at = ?, revoked_by = ? WHERE username = ? AND revoked_at IS NULL",
                   (now, by, username))
        change.run("INSERT INTO calendar_tokens (token_hash, username, created_by, created_at) VALUES (?, ?, ?, ?)",
                   (_hash(token), username, by, now))
        change.record(by, ISSUED, _detail(username))
    return token


def revoke(username: str, by: str) -> bool:
    """Ends the user's active token; False (and nothing written) when there was none."""
    with audit.change() as change:
        if not change.run("SELECT 1 FROM calendar_tokens WHERE username = ? AND revoked_at IS NULL", (username,)):
            return False
        change.run("UPDATE calendar_tokens SET revoked_at = ?, revoked_by = ? WHERE username = ? AND revoked_at IS NULL",
                   (_now(), by, username))
        change.record(by, REVOKED, _detail(username))
    return True


def _row(token: str) -> tuple | None:
    if not isinstance(token, str) or not _SHAPE.fullmatch(token):
        return None
    rows = store().read("SELECT username, revoked_at FROM calendar_tokens WHERE token_hash = ?", (_hash(token),))
    return rows[0] if rows else None


def user_of(token: str) -> str | None:
    """The user whose active token this is; None for an unknown or revoked one."""
    row = _row(token)
    return row[0] if row and row[1] is None else None


_refused_today: set[tuple[str, str]] = set()  # (token hash, day) this process has recorded


def resolve(token: str) -> str | None:
    """user_of, and a revoked token's use recorded in the audit log (the user it was for, not the
    token) once a day per token and server: a calendar program polls a revoked link for ever,
    and each poll would append to the log. An unknown token is not recorded: anyone may guess,
    and the log would fill with noise."""
    row = _row(token)
    if row is None:
        return None
    if row[1] is None:
        return row[0]
    seen = (_hash(token), dt.date.today().isoformat())
    if seen not in _refused_today:
        _refused_today.add(seen)
        audit.record("system", REFUSED, _detail(row[0]))
    return None


def issued_at(username: str) -> str | None:
    """When the user's active token was issued (ISO time), or None when they have none."""
    rows = store().read("SELECT created_at FROM calendar_tokens WHERE username = ? AND revoked_at IS NULL",
                        (username,))
    return rows[0][0] if rows else None


def active(username: str) -> bool:
    return issued_at(username) is not None
