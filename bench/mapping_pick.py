"""Time the import page's mapping step in a real browser, as the issue tried it: a basic court's
13-row GB18030 export (tests/court_export.py) with four headers and four words of its own.

  .venv/bin/python bench/mapping_pick.py [--cases 30000]

Starts Streamlit on a generated demo database, signs in as a local admin, uploads the file,
then picks the four headers one by one and clicks 应用对照, then the four words the same way. For each
pick it prints the server time it caused: the script runs seen in the browser (the app's
script state from running back to not running), summed, and how many there were. A pick that
runs nothing costs the server nothing. Before the mapping was one form (the data editor, each
edit a run that read the file again in a child process) a pick cost 0.8–1.5 s of server time
on a busy two-core machine (load about 10), 2.7–5.8 s on the issue's; now a pick costs none and
an apply 1–2.7 s on the same machine.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server, wait_ready  # noqa: E402
from tests.browser.test_import_page import _sign_in_office  # noqa: E402
from tests.court_export import THEIR_HEADERS, write_export  # noqa: E402

# the app's script runs, timed in the page: [start, end] in ms
WATCH_RUNS = """
window.__runs = [];
new MutationObserver(() => {
  const state = document.querySelector("[data-testid='stApp']").getAttribute('data-test-script-state');
  const runs = window.__runs, last = runs[runs.length - 1];
  if (state === 'running' && (!last || last[1] !== null)) runs.push([performance.now(), null]);
  if (state !== 'running' && last && last[1] === null) last[1] = performance.now();
}).observe(document.querySelector("[data-testid='stApp']"), {attributes: true});
"""
WORDS = {"普通（合议）": "普通程序", "简易（独任）": "简易程序", "判决结": "判决", "调解结": "调解"}
LABELS = {"case_no": "案号（case_no）*", "judge_id": "承办人工号（judge_id）*", "judge_name": "承办人（judge_name）*",
          "filed_date": "立案日期（filed_date）*"}


def _pick(page, label: str, option: str) -> tuple[float, int]:
    """Choose `option` in the select box `label`; (server seconds, script runs) it caused."""
    page.evaluate("window.__runs = []")
    box = page.locator("[data-testid='stSelectbox']").filter(
        has=page.locator("[data-testid='stWidgetLabel']", has_text=label))
    box.scroll_into_view_if_needed()  # as a user does: a click that scrolls lands while the box moves
    page.wait_for_timeout(300)
    box.get_by_role("combobox").click()
    choice = page.get_by_role("option", name=option, exact=True)
    try:
        choice.wait_for(timeout=3000)
    except Exception:  # not open: say so, and open it
        print("  (the box opened only on a second click)")
        box.get_by_role("combobox").click()
    choice.click()
    page.wait_for_timeout(1500)  # a run, if the pick starts one, begins well within this
    wait_ready(page, 120000)
    runs = page.evaluate("window.__runs")
    return sum((end - start) for start, end in runs) / 1000, len(runs)


def _apply(page) -> None:
    page.evaluate("window.__runs = []")
    start = time.perf_counter()
    page.get_by_role("button", name="应用对照").click()
    page.wait_for_timeout(1000)
    wait_ready(page, 120000)
    runs = page.evaluate("window.__runs")
    print(f"apply: server {sum(e - s for s, e in runs) / 1000:.2f} s in {len(runs)} run(s), "
          f"{time.perf_counter() - start:.2f} s until idle")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=30000)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "court.duckdb")
        subprocess.run([sys.executable, "-m", "data", "generate", "--db", db, "--cases", str(args.cases), "--quiet"],
                       cwd=ROOT, check=True)
        export = str(write_export(os.path.join(tmp, "鹤鸣县法院导出.csv")))
        url, proc = start_server(db, "bench_mapping.log")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
                _sign_in_office(page, url)  # a local admin: the demo's accounts cannot import
                page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(export)
                page.get_by_role("button", name="应用对照").wait_for(timeout=120000)
                wait_ready(page, 120000)
                page.evaluate(WATCH_RUNS)
                for picks in ([(LABELS[c], h) for c, h in THEIR_HEADERS.items()], list(WORDS.items())):
                    for label, option in picks:
                        seconds, runs = _pick(page, label, option)
                        print(f"pick {option} -> {label}: server {seconds:.2f} s in {runs} run(s)")
                    _apply(page)
                browser.close()
        finally:
            stop_server(proc)
            shutil.rmtree(os.path.join(tmp, "profiles"), ignore_errors=True)


if __name__ == "__main__":
    main()
