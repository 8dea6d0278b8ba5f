"""Sessions that survive a reload: a signed, expiring, HttpOnly cookie.

After a sign-in the page fetches /session/start with a one-time ticket (valid for a minute);
the server answers with the cookie, which the page's script cannot read. A new browser session
(a reload, a network hiccup, a kiosk restart) presents the cookie, and the server signs the user
back in if its signature holds, it has not expired and it was not signed out (signing out
revokes it on the server, whatever the browser keeps). serve.py mounts the two routes.

Cookie: v2.<username as hex>.<session id>.<expires, epoch seconds>.<HMAC-SHA256 of the rest and
the state's id>. The state's id (security/state.py) is new whenever the state is made again —
its file deleted or replaced, its session tables dropped — so a cookie signed for an earlier
state, whose sign-out that state may have held, no longer reads. A state that cannot say its
id or its revocation list reads no cookie at all (fail closed).
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time

from security.keys import server_key
from security.state import store

COOKIE = "spzx_session"
TICKET_SECONDS = 60


def lifetime_seconds() -> int:
    """SPZX_SESSION_HOURS (default 12: a working day and a meeting)."""
    return int(float(os.environ.get("SPZX_SESSION_HOURS", "12")) * 3600)


def _sign(body: str, state_id: str) -> str:
    return hmac.new(server_key(), f"session|{state_id}|{body}".encode(), hashlib.sha256).hexdigest()


def issue_ticket(username: str) -> tuple[str, str]:
    """A one-time ticket for the cookie of a new session; returns (ticket, session id)."""
    ticket, session_id = secrets.token_urlsafe(32), secrets.token_hex(16)
    now = time.time()
    store().put_ticket(ticket, username, session_id, now + TICKET_SECONDS, now)
    return ticket, session_id


def redeem_ticket(ticket: str) -> str | None:
    """The cookie value for a ticket, once; None for an unknown, used or expired ticket."""
    row = store().take_ticket(ticket)
    if row is None or row[2] < time.time():
        return None
    username, session_id, _, state_id = row
    body = f"v2.{username.encode().hex()}.{session_id}.{int(time.time()) + lifetime_seconds()}"
    return f"{body}.{_sign(body, state_id)}"


def read(cookie: str | None) -> tuple[str, str] | None:
    """(username, session id) of a valid cookie: signed here for this state, not expired, not
    signed out. One read of the state (its id and the revocation) per call."""
    if not cookie:
        return None
    try:
        version, user_hex, session_id, expires, signature = cookie.split(".")
        username = bytes.fromhex(user_hex).decode()
        expired = int(expires) < time.time()
    except ValueError:
        return None
    if version != "v2" or expired:
        return None
    state_id, signed_out = store().session_state(session_id)
    body = f"{version}.{user_hex}.{session_id}.{expires}"
    if signed_out or state_id is None or not hmac.compare_digest(signature.encode(), _sign(body, state_id).encode()):
        return None
    return username, session_id


REVOKED_DAYS = 30  # a revocation outlives any cookie it could stop (or the session lifetime, if longer)


def revoke(session_id: str) -> None:
    """Sign a session out for good (its cookie no longer signs anyone in)."""
    keep = max(lifetime_seconds(), REVOKED_DAYS * 86400)
    now = time.time()
    store().revoke(session_id, now + keep, now)
    _standing.pop(session_id, None)


# Every click of a signed-in user asks whether the session was signed out elsewhere (another tab,
# another server). The state's answer "it stands" is taken for RECHECK_SECONDS in this process; a
# sign-out through this process counts at once, one through another server within that time.
RECHECK_SECONDS = 5.0
_standing: dict[str, float] = {}  # session id → when the state last said it stands (monotonic)


def revoked(session_id: str) -> bool:
    """Signed out, or the state cannot tell (missing, or its revocation list is): fail closed."""
    now = time.monotonic()
    seen = _standing.get(session_id)
    if seen is not None and now - seen < RECHECK_SECONDS:
        return False
    out = store().session_state(session_id)[1]
    if out:
        _standing.pop(session_id, None)
    else:
        if len(_standing) > 10_000:  # sessions long gone
            for old, v in list(_standing.items()):
                if now - v >= RECHECK_SECONDS:
                    _standing.pop(old, None)
        _standing[session_id] = now
    return out
