"""Several servers behind nginx (deploy/replicas.py), their state in one PostgreSQL database,
signed in with the role the servers use (read and append the log, nothing more): a session
through the proxy, one audit chain written by two servers, one lock-out counted on both."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request

import pytest

from tests.browser.conftest import LOCAL_PASSWORD, ROOT, replicas_sharing_postgres, shot, wait_ready

WRONG = "用户名或密码错误"
LOCKED = "失败次数过多"


@pytest.fixture(scope="module")
def group(demo_db, postgres, tmp_path_factory):
    """Two servers and nginx; yields (replicas, state URL)."""
    from security.users import hash_password

    guarded = f'\n[users.guarded]\nrole = "admin"\npassword_hash = "{hash_password(LOCAL_PASSWORD)}"\n'
    with replicas_sharing_postgres(2, demo_db, postgres, tmp_path_factory.mktemp("replicas"),
                                   extra_users=guarded) as found:  # locked out by the last test only
        yield found


def _routes(replicas) -> dict[str, set[str]]:
    """Each routing cookie's servers, from nginx's log."""
    seen: dict[str, set[str]] = {}
    with open(os.path.join(replicas.run, "access.log"), encoding="utf-8") as f:
        for line in f:
            m = re.search(r"route=(\S+) up=(\S+)", line)
            if m and m.group(2) != "-":
                seen.setdefault(m.group(1), set()).add(m.group(2))
    return seen


def _sign_in(page, url: str, user: str, password: str) -> None:
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    wait_ready(page, 60000)


def test_each_browser_stays_on_one_server_and_browsers_spread(group):
    """Many browsers behind one address: each gets a routing cookie on its first request and is
    sent to the same server with it; together they use every server."""
    replicas, _ = group
    cookies = []
    for _ in range(30):
        with urllib.request.urlopen(f"{replicas.url}/_stcore/health", timeout=30) as r:
            routes = [m.group(1) for c in r.headers.get_all("Set-Cookie") or [] if (m := re.match(r"spzx_route=(\w+);", c))]
            assert len(routes) == 1
            cookies.append(routes[0])
    for route in cookies:
        request = urllib.request.Request(f"{replicas.url}/_stcore/health", headers={"Cookie": f"spzx_route={route}"})
        with urllib.request.urlopen(request, timeout=30) as r:
            assert not any(c.startswith("spzx_route=") for c in r.headers.get_all("Set-Cookie") or [])  # set once
    seen = _routes(replicas)
    assert all(len(seen[route]) == 1 for route in cookies), {r: seen[r] for r in cookies}
    assert len(set().union(*(seen[route] for route in cookies))) == 2


def test_new_browsers_are_spread_evenly(group):
    """Browsers without a routing cookie go to the servers in turn, not where a hash of a random id
    sends them: the servers get as many new browsers each, whatever the luck of the draw."""
    from websockets.sync.client import connect  # not asyncio: the browser tests' loop is running
    from websockets.typing import Subprotocol

    replicas, _ = group
    stream = replicas.url.replace("http://", "ws://") + "/_stcore/stream"
    pages, routes = [], []
    try:
        for _ in range(8):  # eight new browsers' pages, each left open
            ws = connect(stream, subprotocols=[Subprotocol("streamlit")], origin=replicas.url, open_timeout=30)
            pages.append(ws)
            routes += [m.group(1) for c in ws.response.headers.get_all("Set-Cookie")
                       if (m := re.match(r"spzx_route=(\w+);", c))]
    finally:
        for ws in pages:
            ws.close()
    assert len(routes) == 8, routes
    for n in range(2, 9, 2):  # after every second browser, as many on each server
        assert routes[:n].count("s0") == routes[:n].count("s1") == n // 2, routes


def test_a_session_through_the_proxy(group, page):
    """Sign in through nginx: the page is drawn, the session cookie comes from /session/start through
    the proxy, a new browser session (another tab) is signed in by it, and every request of this
    browser went to one server."""
    replicas, _ = group
    page.goto(replicas.url)
    wait_ready(page, 60000)
    _sign_in(page, replicas.url, "clerk", LOCAL_PASSWORD)
    page.wait_for_selector("[data-testid='stSidebarNav']", state="attached", timeout=60000)
    wait_ready(page, 60000)
    shot(page, "replicas_signed_in")
    assert page.locator("[data-testid='stMetric']").count() > 0  # the overview's figures are drawn
    assert page.locator("[data-testid='stException']").count() == 0
    for _ in range(100):  # the page posts its ticket once it is drawn
        session = [c for c in page.context.cookies() if c["name"] == "spzx_session"]
        if session:
            break
        page.wait_for_timeout(200)
    assert session and session[0]["httpOnly"]
    route = [c["value"] for c in page.context.cookies() if c["name"] == "spzx_route"]
    assert route
    with open(os.path.join(replicas.run, "access.log"), encoding="utf-8") as f:
        assert re.search(rf"route={route[0]} up=\S+ status=204 \"POST /session/start", f.read())
    tab = page.context.new_page()
    tab.goto(f"{replicas.url}/compare")
    wait_ready(tab, 60000)
    tab.get_by_role("heading", name="对比分析").first.wait_for(timeout=60000)  # signed in by the cookie
    assert len(_routes(replicas)[route[0]]) == 1


def test_two_servers_write_one_audit_chain(group, browser):
    """Sign-ins on each server directly: their entries land in one chain that verifies."""
    from security import audit

    replicas, state_url = group
    before = len([e for e in audit.entries() if e[1] == "office" and e[2] == "sign_in"])
    for port in replicas.ports:
        ctx = browser.new_context(locale="zh-CN")
        page = ctx.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        wait_ready(page, 60000)
        _sign_in(page, "", "office", LOCAL_PASSWORD)
        page.wait_for_selector("[data-testid='stSidebarNav']", state="attached", timeout=60000)
        ctx.close()
    assert len([e for e in audit.entries() if e[1] == "office" and e[2] == "sign_in"]) == before + 2
    check = audit.verify()
    assert check.holds and check.entries >= 4  # sign-ins and their attempts
    done = subprocess.run([sys.executable, "-m", "security", "verify-audit", "--state", state_url], cwd=ROOT,
                          capture_output=True, text=True, env={"SPZX_STATE": os.environ["SPZX_STATE"],
                                                               "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0 and "holds" in done.stdout, done.stderr


def test_failures_on_two_servers_add_up_to_one_lock_out(group, browser):
    """max_failures = 5: three wrong passwords on server 1 and two on server 2 lock the account
    on both; the right password is refused too."""
    replicas, _ = group
    pages = []
    for port in replicas.ports:
        ctx = browser.new_context(locale="zh-CN")
        pages.append(ctx.new_page())
        pages[-1].goto(f"http://127.0.0.1:{port}/")
        wait_ready(pages[-1], 60000)
    for i, which in enumerate([0, 0, 0, 1, 1]):
        _sign_in(pages[which], "", "guarded", f"guess{i}")
        assert pages[which].get_by_text(WRONG).first.is_visible()
    for page in pages:
        _sign_in(page, "", "guarded", LOCAL_PASSWORD)
        assert page.get_by_text(LOCKED).first.is_visible()
        page.context.close()


def test_a_stopped_servers_users_come_back_signed_in_on_another(group, page):
    """Last in this file: it stops a server. The page's connection drops, nginx sends it to the
    other server, and the session cookie signs the user back in there without a sign-in."""
    replicas, _ = group
    page.goto(f"{replicas.url}/compare")
    wait_ready(page, 60000)
    _sign_in(page, replicas.url, "office", LOCAL_PASSWORD)
    page.get_by_role("heading", name="对比分析").first.wait_for(timeout=60000)
    for _ in range(100):
        if any(c["name"] == "spzx_session" for c in page.context.cookies()):
            break
        page.wait_for_timeout(200)
    route = next(c["value"] for c in page.context.cookies() if c["name"] == "spzx_route")
    (server,) = _routes(replicas)[route]
    replicas.kill([f"127.0.0.1:{p}" for p in replicas.ports].index(server))
    page.reload()  # what the browser does by itself after a while; here at once
    wait_ready(page, 90000)
    page.get_by_role("heading", name="对比分析").first.wait_for(timeout=90000)
    assert page.get_by_label("用户名").count() == 0  # no sign-in form: signed in by the cookie
    assert page.locator("[data-testid='stSidebarNav']").count() == 1
    assert _routes(replicas)[route] - {server}  # served by the other server now
