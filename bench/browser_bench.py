"""Time the dashboard in a real browser: first page drawn and a filter change redrawn.

  .venv/bin/python bench/browser_bench.py --db /tmp/demo10m.duckdb [--repeat 5]

Starts Streamlit on the database, warms it with one visit, then for each run opens the
dashboard in a fresh browser context (a new session), signs in as the demo 审管办 and times
from the click until the overview's script has finished and its charts are drawn; then
switches 年初累计 off and times the redraw.
Targets: first page ≤ 3 s after the server is warm; a filter change ≤ 1.5 s.
Also reports the largest chart payload sent to the browser (charts carry aggregates only).
"""
from __future__ import annotations

import argparse
import os
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


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _drawn(page) -> None:
    page.wait_for_selector(READY, timeout=60000)
    page.wait_for_selector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg", timeout=60000)
    page.wait_for_selector(READY, timeout=60000)


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    port = _port()
    state = os.path.join(os.path.dirname(os.path.abspath(a.db)), "bench_state.sqlite")
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
                               f"--server.port={port}"], cwd=ROOT, env=dict(os.environ, SPZX_DB=a.db, SPZX_STATE=state),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url + "_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=ARGS)
            warm = browser.new_page()
            warm.goto(url)
            warm.wait_for_selector(READY, timeout=60000)
            warm.get_by_role("button", name="演示：审管办管理员").click()
            _drawn(warm)
            warm.close()
            first, change, payload = [], [], 0
            for _ in range(a.repeat):
                ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
                page = ctx.new_page()
                sizes = []
                page.on("websocket", lambda ws: ws.on("framereceived", lambda f: sizes.append(len(f))))
                page.goto(url)
                page.wait_for_selector(READY, timeout=60000)
                t0 = time.perf_counter()
                page.get_by_role("button", name="演示：审管办管理员").click()
                page.wait_for_selector("[data-testid='stSidebarNav']", timeout=60000)
                _drawn(page)
                first.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                page.get_by_text("年初累计").first.click()
                page.wait_for_url("**cum=false**", timeout=60000)
                page.wait_for_timeout(50)
                _drawn(page)
                change.append(time.perf_counter() - t0)
                payload = max(payload, max(sizes, default=0))
                ctx.close()
            browser.close()
        print(f"database {a.db}; {os.cpu_count()} cores; median of {a.repeat}")
        print(f"  first page drawn (new session, warm server): {statistics.median(first):.2f} s  (max {max(first):.2f})")
        print(f"  filter change redrawn:                       {statistics.median(change):.2f} s  (max {max(change):.2f})")
        print(f"  largest websocket message: {payload / 1024:.0f} KB")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
