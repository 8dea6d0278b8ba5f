"""Which pages may talk to this server: the websocket (/_stcore/stream) and every request that
changes something take a browser's request only from the server's own origin — scheme, host and
port as the browser addressed it (the Host header) — or from a configured public origin
(SPZX_PUBLIC_ORIGIN, for a reverse proxy that rewrites Host). Streamlit alone accepts any port of
localhost and of the machine's addresses, and SameSite cookies ignore ports: a page served from
another port of the same machine would otherwise get a signed-in session.

Forwarded headers (X-Forwarded-Host, X-Forwarded-Proto) are believed only from an address in
SPZX_TRUSTED_PROXIES (none by default): any client can send them. The address is the one uvicorn
reports: for a peer on loopback it already takes X-Forwarded-For's nearest untrusted hop (its
FORWARDED_ALLOW_IPS), so a proxy on this machine (deploy/nginx.conf.template) needs no entry — it
passes Host unchanged.

A request without Origin is let through: browsers always send it on a websocket and on a
cross-origin POST, so its absence means a tool (bench/load.py, curl), which cannot carry a
browser's cookie to this server unasked."""
from __future__ import annotations

import functools
import ipaddress
import logging
import os
from dataclasses import dataclass
from urllib.parse import urlsplit

_LOG = logging.getLogger(__name__)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def normalise(origin: str | None) -> str | None:
    """`scheme://host[:port]` in lower case without a default port; None when not an http(s)
    origin (the browser's "null", a path, user info, a bad port)."""
    if not origin:
        return None
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname or parts.username or parts.password \
            or parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    host = parts.hostname.lower()
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}" if port in (None, _DEFAULT_PORTS[scheme]) else f"{scheme}://{host}:{port}"


def public_origins() -> frozenset[str]:
    """SPZX_PUBLIC_ORIGIN: the origins a reverse proxy serves the dashboard at (comma or space
    separated); an entry that is not an origin is left out, with a warning in the server log."""
    return _public(os.environ.get("SPZX_PUBLIC_ORIGIN", ""))


@functools.lru_cache(maxsize=8)  # read on every websocket: parsed (and warned about) once
def _public(value: str) -> frozenset[str]:
    out = set()
    for entry in value.replace(",", " ").split():
        found = normalise(entry)
        if found is None:
            _LOG.warning("SPZX_PUBLIC_ORIGIN 中的 %r 不是来源（scheme://host[:port]），已忽略 / "
                         "%r in SPZX_PUBLIC_ORIGIN is not an origin, ignored", entry, entry)
        else:
            out.add(found)
    return frozenset(out)


def _trusted(address: str | None) -> bool:
    """Whether `address` is one of SPZX_TRUSTED_PROXIES (addresses or networks)."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in os.environ.get("SPZX_TRUSTED_PROXIES", "").replace(",", " ").split():
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _headers(scope) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in scope.get("headers", []):
        out.setdefault(name.decode("latin-1").lower(), []).append(value.decode("latin-1"))
    return out


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    origin: str | None  # the browser's Origin as sent (None: none sent)
    own: str | None  # this request's own origin
    https: bool  # the browser reached the server over https (the cookie is then Secure)


def judge(scope) -> Verdict:
    """The verdict on an ASGI request or websocket `scope`."""
    headers = _headers(scope)
    scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
    host = (headers.get("host") or [None])[0]
    client = (scope.get("client") or (None,))[0]
    if _trusted(client):
        proto = (headers.get("x-forwarded-proto") or [""])[0].split(",")[0].strip().lower()
        scheme = proto if proto in _DEFAULT_PORTS else scheme
        host = (headers.get("x-forwarded-host") or [host or ""])[0].split(",")[0].strip() or host
    own = normalise(f"{scheme}://{host}") if host else None
    sent = headers.get("origin")
    if sent is None:
        return Verdict(True, None, own, scheme == "https")
    found = normalise(sent[0]) if len(sent) == 1 else None  # two Origin headers: no browser sends that
    allowed = found is not None and (found == own or found in public_origins())
    return Verdict(allowed, sent[0], own, (found if allowed else own or "").startswith("https://"))


class OriginCheck:
    """ASGI middleware: a websocket from another origin is closed before it is accepted (the
    browser sees 403), a request that changes something (not GET, HEAD, OPTIONS) is answered 403."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        kind = scope.get("type")
        if kind == "websocket" or (kind == "http" and scope.get("method", "GET") not in _SAFE_METHODS):
            verdict = judge(scope)
            if not verdict.allowed:
                _LOG.warning("拒绝来自其他来源的请求 / refused a request from another origin: "
                             "origin=%r, own=%r, path=%s", verdict.origin, verdict.own, scope.get("path"))
                if kind == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                else:
                    await send({"type": "http.response.start", "status": 403,
                                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
                    await send({"type": "http.response.body",
                                "body": "来源不符 / origin not allowed\n".encode()})
                return
        await self.app(scope, receive, send)
