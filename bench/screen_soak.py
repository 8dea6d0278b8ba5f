"""Leave the big screen running and watch memory: server RSS and the page's JS heap.

  .venv/bin/python bench/screen_soak.py --db data/demo.duckdb [--minutes 60] [--every 5]

Starts Streamlit, signs in as the demo leader, opens /screen, and every minute samples the
server's resident memory (/proc) and Chromium's used JS heap (performance.memory). Prints
the samples and the growth from the first full rotation to the end.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, open_as, start_server, stop_server  # noqa: E402


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--every", type=int, default=5)
    a = ap.parse_args()
    url, proc = start_server(os.path.abspath(a.db), "streamlit_soak.log")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + ["--enable-precise-memory-info"])
            page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
            open_as(page, f"{url}/screen?every={a.every}", user="demo_leader")
            samples = []
            start = time.time()
            while True:
                elapsed = (time.time() - start) / 60
                heap = page.evaluate("performance.memory.usedJSHeapSize") / 2**20
                samples.append((elapsed, rss_mb(proc.pid), heap))
                print(f"{elapsed:6.1f} min  server RSS {samples[-1][1]:7.1f} MB  page JS heap {heap:6.1f} MB", flush=True)
                if elapsed >= a.minutes:
                    break
                page.wait_for_timeout(60_000)
            browser.close()
        base = samples[1] if len(samples) > 2 else samples[0]
        last = samples[-1]
        print(f"after {last[0]:.0f} min ({int(last[0] * 60 / a.every)} view changes): server RSS "
              f"{last[1] - base[1]:+.1f} MB, page JS heap {last[2] - base[2]:+.1f} MB since minute {base[0]:.0f}")
    finally:
        stop_server(proc)


if __name__ == "__main__":
    main()
