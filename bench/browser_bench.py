"""Time the dashboard in a real browser, as its users move through it.

  .venv/bin/python bench/browser_bench.py --db /tmp/demo10m.duckdb [--repeat 3] [--roles leader,head,judge]
                                          [--root OTHER_CHECKOUT]

Starts Streamlit on the database (from this checkout, or --root: another one, to compare
before and after), warms it with one visit, then for each demo role and run opens the
dashboard in a fresh browser context (a new session) and times:

  first page    from the sign-in click until the role's landing page is drawn
  filter change 年初累计 switched off, until the page is drawn again
  drill-down    the cases behind the figure on 对比分析 (a judge: their own bar), until listed
  briefing      on 会商报告, a period not asked for before chosen, until its preview is drawn

Targets (issue 10) on the 10M-case database: first page ≤ 2 s, filter change and drill-down
≤ 1 s, briefing ≤ 3 s. Also reports the largest message sent to the browser.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
LABELS = {"admin": "演示：审管办管理员", "leader": "演示：明湖市中院院领导", "head": "演示：湖滨区法院民一庭庭长",
          "judge": "演示：法官于航怡"}
LISTED = re.compile(r"共 [\d,]+ 件")  # a case list's caption
# Briefing scopes a leader can open, one per run (a new scope is not in the cache yet).
PERIODS = ["2026Q2", "2026Q1", "2025Q4", "2025Q3", "2025Q2", "2025Q1", "2024Q4"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ready(page) -> None:
    page.wait_for_selector(READY, timeout=120000)
    page.wait_for_timeout(30)
    page.wait_for_selector(READY, timeout=120000)


def _drawn(page) -> None:
    _ready(page)
    page.wait_for_selector("[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas",
                           timeout=120000)
    _ready(page)


def _timed(action, until) -> float:
    t0 = time.perf_counter()
    action()
    until()
    return time.perf_counter() - t0


def _sign_in(page, url: str, role: str) -> float:
    page.goto(url)
    _ready(page)
    return _timed(lambda: page.get_by_role("button", name=LABELS[role]).click(),
                  lambda: (page.wait_for_selector("[data-testid='stSidebarNav']", state="attached", timeout=120000),
                           _drawn(page)))


def _drill(page, role: str) -> float:
    nav = page.locator("[data-testid='stSidebarNav']")
    nav.get_by_role("link", name="对比分析", exact=True).click()
    page.get_by_role("heading", name="对比分析").first.wait_for(timeout=120000)
    _drawn(page)
    if role == "judge":  # their own bar: the only one named
        mark = page.locator("[data-testid='stVegaLiteChart']").first.locator("g.role-mark path[aria-label*='于航怡']")
        box = mark.first.bounding_box()
        return _timed(lambda: page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2),
                      lambda: (page.get_by_text(LISTED).first.wait_for(timeout=120000), _ready(page)))
    return _timed(lambda: page.get_by_text("本范围明细案件").click(),
                  lambda: (page.get_by_text(LISTED).first.wait_for(timeout=120000), _ready(page)))


def _briefing(page, period: str) -> float:
    """会商报告 from the sidebar, then a period not asked for before (a new scope): timed from the
    choice until the new preview is drawn."""
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="会商报告", exact=True).click()
    page.get_by_text("一、总体情况").first.wait_for(timeout=180000)
    _ready(page)
    scope_line = "() => Array.from(document.querySelectorAll('[data-testid=stCaptionContainer]'))" \
                 ".map(e => e.innerText).find(t => t.includes('范围：')) || ''"
    before = page.evaluate(scope_line)

    def choose() -> None:
        page.locator("[data-testid='stSelectbox']").filter(has_text="期间").first.click()
        page.keyboard.type(period)  # the list shows only a few options at a time: filter it
        page.get_by_role("option", name=period, exact=True).click()

    return _timed(choose, lambda: (page.wait_for_function(f"() => ({scope_line})() !== {before!r}", timeout=180000),
                                   page.get_by_text("一、总体情况").first.wait_for(timeout=180000), _ready(page)))


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--roles", default="leader,head,judge")
    ap.add_argument("--root", default=ROOT, help="the checkout to serve (default: this one)")
    a = ap.parse_args()
    roles = a.roles.split(",")
    port = _port()
    state = os.path.join(os.path.dirname(os.path.abspath(a.db)), "bench_state.sqlite")
    entry = "serve.py" if os.path.exists(os.path.join(a.root, "serve.py")) else "app.py"
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", entry, "--server.headless=true",
                               f"--server.port={port}"], cwd=a.root,
                              env=dict(os.environ, SPZX_DB=a.db, SPZX_STATE=state),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    times: dict[tuple[str, str], list[float]] = {}
    payload = 0
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(url + "_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=ARGS)
            warm = browser.new_page()
            _sign_in(warm, url, "admin")  # the server process warm (imports, first connection)
            warm.close()
            for run in range(a.repeat):
                for role in roles:
                    ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
                    page = ctx.new_page()
                    sizes: list[int] = []
                    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: sizes.append(len(f))))
                    times.setdefault((role, "first page"), []).append(_sign_in(page, url, role))
                    times.setdefault((role, "filter change"), []).append(_timed(
                        lambda: page.get_by_text("年初累计").first.click(),
                        lambda: (page.wait_for_url("**cum=false**", timeout=120000), _drawn(page))))
                    times.setdefault((role, "drill-down"), []).append(_drill(page, role))
                    if role != "judge":
                        times.setdefault((role, "briefing"), []).append(
                            _briefing(page, PERIODS[(run * len(roles) + roles.index(role)) % len(PERIODS)]))
                    payload = max(payload, max(sizes, default=0))
                    ctx.close()
            browser.close()
        print(f"database {a.db}; checkout {a.root}; {os.cpu_count()} cores; median (max) of {a.repeat} runs, s")
        for (role, action), values in times.items():
            print(f"  {role:7s} {action:14s} {statistics.median(values):6.2f}  ({max(values):.2f})")
        print(f"  largest websocket message: {payload / 1024:.0f} KB")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
