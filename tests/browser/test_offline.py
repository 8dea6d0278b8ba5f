"""Courts run on closed intranets: nothing the dashboard shows is fetched from outside the machine
(the page icon included), and the server does not ask a public service for its address."""
from __future__ import annotations

from urllib.parse import urlparse

import os

from tests.browser.conftest import ARTIFACTS, open_as, start_server, stop_server, wait_ready

PAGES = ["/", "/compare", "/assessment", "/profile", "/trends", "/warnings", "/business", "/briefing", "/screen",
         "/definitions", "/data"]


def test_no_request_leaves_the_machine(server, page):
    app_host = urlparse(server).hostname
    outside: list[str] = []

    def watch(request) -> None:
        url = urlparse(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname != app_host:
            outside.append(request.url)

    page.on("request", watch)
    open_as(page, f"{server}/", user="demo_admin")
    for path in PAGES:
        page.goto(f"{server}{path}")
        wait_ready(page, 60000)
        page.wait_for_timeout(500)
    assert outside == []
    icon = page.locator("link[rel~='icon']").first.get_attribute("href")
    assert icon and urlparse(icon).hostname in (None, app_host), icon


def test_the_server_does_not_look_up_its_external_address(demo_db):
    """Listening on every interface, Streamlit would ask a public service for the machine's address
    at start; the project's configuration keeps it from asking."""
    url, proc = start_server(demo_db, "streamlit_wildcard.log", address="0.0.0.0")
    stop_server(proc)
    with open(os.path.join(ARTIFACTS, "streamlit_wildcard.log"), encoding="utf-8") as f:
        log = f.read()
    assert "external IP" not in log and "External URL" not in log, log
