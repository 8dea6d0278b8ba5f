"""A page served from another port of the same machine (SameSite ignores ports) may not open the
dashboard's websocket nor start a session; a forged X-Forwarded-Host or -Proto counts only from
a configured proxy (issue 25, item 7 and the lower X-Forwarded-Host). Real servers, a plain
websocket client (the browser's handshake: Origin and Host as a page would send them)."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from security import origins
from tests.browser.conftest import ROOT, start_server, stop_server

PUBLIC = "https://dashboard.example"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    where = tmp_path_factory.mktemp("origins")
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", str(where / "demo.duckdb"), "--cases", "1000",
                    "--quiet"], cwd=ROOT, check=True)
    return where


def _serve(folder, name: str, **env):
    """A server on a copy of the small demo (its own state), with `env` set."""
    os.makedirs(folder / name, exist_ok=True)
    db = folder / name / "demo.duckdb"
    if not db.exists():
        db.write_bytes((folder / "demo.duckdb").read_bytes())
    with pytest.MonkeyPatch.context() as mp:
        for key in ("SPZX_PUBLIC_ORIGIN", "SPZX_TRUSTED_PROXIES"):
            mp.delenv(key, raising=False)
        for key, value in env.items():
            mp.setenv(key, value)
        return start_server(str(db), log_name=f"origins_{name}.log")


@pytest.fixture(scope="module")
def plain(folder):
    """A server as ./run.sh starts it: no proxy configured."""
    url, proc = _serve(folder, "plain")
    yield url
    stop_server(proc)


@pytest.fixture(scope="module")
def proxied(folder):
    """A server behind a proxy on this machine's loopback, served to browsers at PUBLIC."""
    url, proc = _serve(folder, "proxied", SPZX_PUBLIC_ORIGIN=PUBLIC, SPZX_TRUSTED_PROXIES="127.0.0.1")
    yield url
    stop_server(proc)


def _websocket(url: str, origin: str | None, headers: dict | None = None, host: str | None = None) -> int:
    """The handshake's status: 101 accepted, else the refusal's. `host`: the Host header sent
    (the connection still goes to `url`)."""
    async def go() -> int:
        where = url.replace("http://", "ws://")
        address = {}
        if host:
            address = {"host": "127.0.0.1", "port": _port(url)}
            where = f"ws://{host}"
        try:
            async with connect(where + "/_stcore/stream", origin=origin, additional_headers=headers or {},
                               open_timeout=20, **address):
                return 101
        except InvalidStatus as e:
            return e.response.status_code
    return asyncio.run(go())


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def test_a_page_on_another_local_port_gets_no_websocket(plain):
    other = _port(plain) + 1
    assert _websocket(plain, f"http://127.0.0.1:{other}") == 403
    assert _websocket(plain, f"http://localhost:{other}") == 403
    assert _websocket(plain, f"https://127.0.0.1:{_port(plain)}") == 403  # another scheme is another origin
    assert _websocket(plain, "null") == 403  # a sandboxed frame or a file


def test_the_servers_own_pages_and_tools_still_connect(plain):
    assert _websocket(plain, plain) == 101
    here = plain.replace("127.0.0.1", "localhost")
    assert _websocket(here, here) == 101  # the host as the browser wrote it
    assert _websocket(plain, None) == 101  # no Origin: a tool (browsers always send one)


def _ticket(folder, name: str) -> str:
    """A one-time ticket in the state of server `name`, as a sign-in there would make."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SPZX_STATE", str(folder / name / "state.sqlite"))
        mp.delenv("SPZX_STATE_URL", raising=False)
        from security import sessions

        return sessions.issue_ticket("admin")[0]


def _start_session(url: str, ticket: str, headers: dict) -> tuple[int, str]:
    request = urllib.request.Request(f"{url}/session/start?ticket={ticket}", method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as r:
            return r.status, r.headers.get("Set-Cookie") or ""
    except urllib.error.HTTPError as e:
        return e.code, ""


def test_a_forged_forwarded_host_counts_for_nothing(plain, folder):
    """Any client may send X-Forwarded-Host: from one that is not a configured proxy, the origin
    is compared with Host."""
    forged = {"X-Forwarded-Host": "evil.example:8000"}
    assert _websocket(plain, "http://evil.example:8000", forged) == 403
    ticket = _ticket(folder, "plain")
    assert _start_session(plain, ticket, {"Origin": "http://evil.example:8000", **forged})[0] == 403
    status, cookie = _start_session(plain, ticket, {"Origin": plain})  # refused before the ticket was used
    assert status == 204 and "spzx_session=" in cookie


def test_a_request_that_changes_something_from_another_port_is_refused(plain):
    request = urllib.request.Request(f"{plain}/_stcore/upload_file/x/y", method="PUT", data=b"x",
                                     headers={"Origin": f"http://127.0.0.1:{_port(plain) + 1}"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=20)
    assert refused.value.code == 403 and "origin not allowed" in refused.value.read().decode()


def test_the_public_origin_and_the_trusted_proxys_host_are_accepted(proxied, folder):
    assert _websocket(proxied, PUBLIC) == 101  # a proxy that rewrites Host: Streamlit's own check agrees too
    assert _websocket(proxied, PUBLIC.replace("https", "http")) == 403
    assert _websocket(proxied, f"http://127.0.0.1:{_port(proxied) + 1}") == 403
    # a proxy that passes Host (deploy/nginx.conf.template does) and ends TLS
    through = {"X-Forwarded-Host": "court.example:8443", "X-Forwarded-Proto": "https"}
    assert _websocket(proxied, "https://court.example:8443", through, host="court.example:8443") == 101
    assert _websocket(proxied, "http://court.example:8443", through, host="court.example:8443") == 403
    status, cookie = _start_session(proxied, _ticket(folder, "proxied"), {"Origin": PUBLIC})
    assert status == 204 and "secure" in cookie.lower()  # reached over https


@pytest.mark.parametrize("raw, expected", [
    ("http://127.0.0.1:8501", "http://127.0.0.1:8501"), ("HTTP://LocalHost:80", "http://localhost"),
    ("https://a.example:443/", "https://a.example"), ("http://[::1]:8501", "http://[::1]:8501"),
    ("null", None), ("file://", None), ("http://a.example/path", None), ("http://u:p@a.example", None),
    ("http://a.example:99999", None), ("", None)])
def test_origins_are_compared_in_one_form(raw, expected):
    assert origins.normalise(raw) == expected


def _scope(headers: dict, client: str = "127.0.0.1", scheme: str = "ws", repeat: tuple = ()) -> dict:
    pairs = [(k.lower().encode(), v.encode()) for k, v in headers.items()] + [(k.encode(), v.encode()) for k, v in repeat]
    return {"type": "websocket", "scheme": scheme, "client": (client, 5000), "headers": pairs}


def test_the_verdict(monkeypatch):
    monkeypatch.delenv("SPZX_PUBLIC_ORIGIN", raising=False)
    monkeypatch.delenv("SPZX_TRUSTED_PROXIES", raising=False)
    host = {"Host": "10.1.1.5:8501"}
    assert origins.judge(_scope({**host, "Origin": "http://10.1.1.5:8501"})).allowed
    assert not origins.judge(_scope({**host, "Origin": "http://10.1.1.5:8502"})).allowed
    assert not origins.judge(_scope({**host, "Origin": "http://10.1.1.5:8501"},
                                    repeat=(("origin", "http://evil.example"),))).allowed  # two Origins
    assert not origins.judge(_scope({"Origin": "http://10.1.1.5:8501"})).allowed  # no Host: no own origin
    forwarded = {**host, "X-Forwarded-Host": "court.example", "X-Forwarded-Proto": "https", "Origin": "https://court.example"}
    assert not origins.judge(_scope(forwarded, client="10.0.0.2")).allowed
    monkeypatch.setenv("SPZX_TRUSTED_PROXIES", "10.0.0.0/24, ::1")
    verdict = origins.judge(_scope(forwarded, client="10.0.0.2"))
    assert verdict.allowed and verdict.https
    assert not origins.judge(_scope(forwarded, client="10.0.1.2")).allowed
    monkeypatch.setenv("SPZX_PUBLIC_ORIGIN", "https://Court.Example:443/, not-an-origin")
    assert origins.judge(_scope({**host, "Origin": "https://court.example"}, client="10.7.7.7")).https
