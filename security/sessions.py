"""Sessions that survive a reload: a signed, expiring, HttpOnly cookie.

After a sign-in the page fetches /session/start with a one-time ticket (valid for a minute);
the server answers with the cookie, which the page's script cannot read. A new browser session
(a reload, a network hiccup, a kiosk restart) presents the cookie, and the server signs the user
back in if its signature holds, it has not expired and it was not signed out (signing out
revokes it on the server, whatever the browser keeps). serve.py mounts the two routes.

Cookie: v1.<username as hex>.<session id>.<expires, epoch seconds>.<HMAC-SHA256 of the rest>
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


def _sign(body: str) -> str:
    return hmac.new(server_key(), f"session|{body}".encode(), hashlib.sha256).hexdigest()


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
    username, session_id, _ = row
    body = f"v1.{username.encode().hex()}.{session_id}.{int(time.time()) + lifetime_seconds()}"
    return f"{body}.{_sign(body)}"


def read(cookie: str | None) -> tuple[str, str] | None:
    """(username, session id) of a valid cookie: signed here, not expired, not signed out."""
    if not cookie:
        return None
    try:
        version, user_hex, session_id, expires, signature = cookie.split(".")
        username = bytes.fromhex(user_hex).decode()
        expired = int(expires) < time.time()
    except ValueError:
        return None
    body = f"{version}.{user_hex}.{session_id}.{expires}"
    if version != "v1" or expired or not hmac.compare_digest(signature.encode(), _sign(body).encode()):
        return None
    return None if revoked(session_id) else (username, session_id)


REVOKED_DAYS = 30  # a revocation outlives any cookie it could stop (or the session lifetime, if longer)


def revoke(session_id: str) -> None:
    """Sign a session out for good (its cookie no longer signs anyone in)."""
    keep = max(lifetime_seconds(), REVOKED_DAYS * 86400)
    now = time.time()
    store().revoke(session_id, now + keep, now)


def revoked(session_id: str) -> bool:
    return store().is_revoked(session_id)
