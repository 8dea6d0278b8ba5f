"""Time the dashboard in a real browser, as its users move through it, beside a trivial
Streamlit app timed the same way in the same run.

  .venv/bin/python bench/browser_bench.py --db /tmp/demo10m.duckdb [--repeat 3] [--roles leader,head,judge]
                                          [--actions first,filter,drill,briefing] [--detail]
                                          [--root OTHER_CHECKOUT]

Starts Streamlit on the database (from this checkout, or --root: another one, to compare
before and after) and, beside it, bench/trivial_app.py (one select box, one Altair chart of a
twelve-row table). It warms both with one visit, then for each run opens the trivial app and
each demo role's dashboard in a fresh browser context (a new session) and times:

  first page    from the sign-in click until the role's landing page is drawn
                (the trivial app: from opening its address, warm (server and browser cache),
                until its chart is drawn)
  filter change 年初累计 switched off, until the page is drawn again
                (the trivial app: another option chosen, until redrawn)
  drill-down    the cases behind the figure on 对比分析 (a judge: their own bar), until listed
  briefing      on 会商报告, a period not asked for before chosen, until its preview is drawn

and prints the medians, and each role's first page and filter change as a multiple of the
trivial app's (targets, issue 13: filter change ≤ 2×, first page ≤ 1.5×). A second reference,
bench/elements_app.py ("same el."), draws the same kinds and numbers of elements as a leader's
landing page from constants, timed the same way: the part of a page's cost that is Streamlit's
browser side drawing those elements, not the dashboard's work. The machine's load
average is printed with them: the ratios hold on a busy machine, the seconds do not.

--detail also prints, per action, where its time went: the server (from the browser's first
message to the last run's end, as seen on the websocket), the browser after the last message
(until the page is idle and drawn), the renderer's main-thread busy time (Chromium's
TaskDuration), script runs, messages and bytes received, elements drawn, and the charts' specs
and data.

Targets (issue 10) on the 10M-case database: first page ≤ 2 s, filter change and drill-down
≤ 1 s, briefing ≤ 3 s. Also reports the largest message sent to the browser.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from deploy.local import free_port, wait_healthy  # noqa: E402

TRIVIAL = os.path.join(ROOT, "bench", "trivial_app.py")
ELEMENTS = os.path.join(ROOT, "bench", "elements_app.py")
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
LABELS = {"admin": "演示：审管办管理员", "leader": "演示：明湖市中院院领导", "head": "演示：湖滨区法院民一庭庭长",
          "judge": "演示：法官于航怡"}
LISTED = re.compile(r"共 [\d,]+ 件")  # a case list's caption
# Briefing scopes a leader can open, one per run (a new scope is not in the cache yet).
PERIODS = ["2026Q2", "2026Q1", "2025Q4", "2025Q3", "2025Q2", "2025Q1", "2024Q4"]
ACTIONS = ("first", "filter", "drill", "briefing")
NAMES = {"first": "first page", "filter": "filter change", "drill": "drill-down", "briefing": "briefing"}

# Every websocket message's time in the page's own clock (a message received, r, or sent, s).
WS_CLOCK = """(() => {
  const Native = window.WebSocket;
  const log = window.__wsLog = [];
  class Clocked extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', e => log.push(['r', performance.now()]));
    }
    send(data) { log.push(['s', performance.now()]); return super.send(data); }
  }
  window.WebSocket = Clocked;
})();"""


def _ready(page) -> None:
    page.wait_for_selector(READY, timeout=120000)
    page.wait_for_timeout(30)
    page.wait_for_selector(READY, timeout=120000)


def _drawn(page) -> None:
    _ready(page)
    page.wait_for_selector("[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas",
                           timeout=120000)
    _ready(page)


class Probe:
    """What one action cost beyond its wall time: the websocket messages it brought (decoded), their
    times in the page's clock, and the renderer's busy time."""

    def __init__(self, page) -> None:
        self.page = page
        self.frames: list[bytes] = []
        page.add_init_script(WS_CLOCK)
        page.on("websocket", lambda ws: ws.on("framereceived", lambda f: self.frames.append(
            f if isinstance(f, bytes) else f.encode())))
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Performance.enable")
        self.mark = (0, 0, 0.0)

    def _busy(self) -> float:
        return next(m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "TaskDuration")

    def start(self) -> None:
        self.mark = (len(self.frames), self.page.evaluate("window.__wsLog.length"), self._busy())

    def stop(self) -> dict:
        now = self.page.evaluate("performance.now()")
        busy = self._busy() - self.mark[2]
        log = self.page.evaluate(f"window.__wsLog.slice({self.mark[1]})")
        self.page.wait_for_timeout(50)  # the last frames' events reach this side
        return _breakdown(self.frames[self.mark[0]:], log, now, busy)


def _breakdown(frames: list[bytes], log: list, now: float, busy: float) -> dict:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    sent = [t for kind, t in log if kind == "s"]
    received = [t for kind, t in log if kind == "r"]
    out = {"messages": len(frames), "KB": sum(map(len, frames)) / 1024, "runs": 0, "elements": 0, "blocks": 0,
           "cached": 0, "charts": 0, "chart KB": 0.0, "busy": busy}
    kinds: dict[str, int] = {}
    finished = []
    for i, raw in enumerate(frames):
        msg = ForwardMsg.FromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "script_finished":
            out["runs"] += 1
            finished.append(i)
        elif kind == "ref_hash":
            out["cached"] += 1
        elif kind == "delta":
            delta = msg.delta
            if delta.WhichOneof("type") == "add_block":
                out["blocks"] += 1
            elif delta.WhichOneof("type") == "new_element":
                element = delta.new_element.WhichOneof("type")
                out["elements"] += 1
                kinds[element] = kinds.get(element, 0) + 1
                if element == "vega_lite_chart":
                    chart = delta.new_element.vega_lite_chart
                    out["charts"] += 1
                    out["chart KB"] += (len(chart.spec.encode()) + len(chart.data.data)
                                        + sum(len(d.data.data) for d in chart.datasets)) / 1024
    if sent and received:
        last_run_end = received[finished[-1]] if finished and finished[-1] < len(received) else received[-1]
        out["server"] = (last_run_end - sent[0]) / 1000
        out["browser after"] = (now - received[-1]) / 1000
    out["kinds"] = kinds
    return out


def _timed(action, until, probe: Probe | None = None, details: list | None = None) -> float:
    if probe:
        probe.start()
    t0 = time.perf_counter()
    action()
    until()
    took = time.perf_counter() - t0
    if probe and details is not None:
        details.append(probe.stop())
    return took


def _sign_in(page, url: str, role: str, probe: Probe | None = None, details: list | None = None) -> float:
    page.goto(url)
    _ready(page)
    return _timed(lambda: page.get_by_role("button", name=LABELS[role]).click(),
                  lambda: (page.wait_for_selector("[data-testid='stSidebarNav']", state="attached", timeout=120000),
                           _drawn(page)), probe, details)


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


def _trivial(browser, url: str, run: int, times: dict, details: dict, detail: bool) -> None:
    """The trivial app, warm: its first page (opened once before in the same browser context, so
    Streamlit's scripts come from the browser's cache, as the dashboard's do after its sign-in
    page), then another option chosen (the list opened first, untimed: the dashboard's filter
    change is one click too)."""
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = ctx.new_page()
    probe = Probe(page) if detail else None
    page.goto(url)
    _drawn(page)
    page.goto("about:blank")
    found: list = []
    times.setdefault(("trivial", "first page"), []).append(
        _timed(lambda: page.goto(url), lambda: _drawn(page), probe, found))
    page.locator("[data-testid='stSelectbox']").first.click()
    option = ["西区", "南区", "北区"][run % 3]
    times.setdefault(("trivial", "filter change"), []).append(
        _timed(lambda: page.get_by_role("option", name=option, exact=True).click(), lambda: _drawn(page), probe, found))
    if detail:
        details.setdefault(("trivial", "first page"), []).append(found[0])
        details.setdefault(("trivial", "filter change"), []).append(found[1])
    ctx.close()


def _elements(browser, url: str, times: dict, details: dict, detail: bool) -> None:
    """The same-elements app (bench/elements_app.py) timed as a role is: from its 进入 click until
    the landing page is drawn, then 年初累计 switched off until it is drawn again."""
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = ctx.new_page()
    probe = Probe(page) if detail else None
    page.goto(url)
    _ready(page)
    found: list = []
    times.setdefault(("same el.", "first page"), []).append(_timed(
        lambda: page.get_by_role("button", name="进入").click(),
        lambda: (page.wait_for_selector("[data-testid='stSidebarNav']", state="attached", timeout=120000),
                 _drawn(page)), probe, found))
    times.setdefault(("same el.", "filter change"), []).append(_timed(
        lambda: page.get_by_text("年初累计").first.click(),
        lambda: (page.get_by_text("当期。").first.wait_for(timeout=120000), _drawn(page)), probe, found))
    if detail:
        details.setdefault(("same el.", "first page"), []).append(found[0])
        details.setdefault(("same el.", "filter change"), []).append(found[1])
    ctx.close()


def _start(args: list[str], cwd: str, env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", *args, "--server.headless=true",
                               f"--server.port={port}"], cwd=cwd, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return server, f"http://127.0.0.1:{port}/"


def _print_detail(details: dict) -> None:
    cols = ["server", "browser after", "busy", "runs", "messages", "KB", "elements", "blocks", "cached", "charts",
            "chart KB"]
    print("where the time went (medians; s, counts, KB):")
    print(f"  {'':23s}" + "".join(f"{c:>14s}" for c in cols))
    for (who, action), found in details.items():
        line = f"  {who:8s} {action:14s}"
        for c in cols:
            values = [d[c] for d in found if c in d]
            v = statistics.median(values) if values else float("nan")
            line += f"{v:14.2f}" if c in ("server", "browser after", "busy", "KB", "chart KB") else f"{v:14.0f}"
        print(line)
        kinds: dict[str, int] = {}
        for k, n in found[-1]["kinds"].items():
            kinds[k] = n
        print(f"  {'':23s}elements: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items(), key=lambda x: -x[1])))


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--roles", default="leader,head,judge")
    ap.add_argument("--actions", default=",".join(ACTIONS), help="of " + ",".join(ACTIONS))
    ap.add_argument("--detail", action="store_true", help="also where each action's time went")
    ap.add_argument("--root", default=ROOT, help="the checkout to serve (default: this one)")
    a = ap.parse_args()
    roles = a.roles.split(",")
    actions = a.actions.split(",")
    state = os.path.join(os.path.dirname(os.path.abspath(a.db)), "bench_state.sqlite")
    entry = "serve.py" if os.path.exists(os.path.join(a.root, "serve.py")) else "app.py"
    server, url = _start([entry], a.root, dict(os.environ, SPZX_DB=a.db, SPZX_STATE=state))
    trivial, trivial_url = _start([TRIVIAL], os.path.dirname(TRIVIAL), dict(os.environ))
    elements, elements_url = _start([ELEMENTS], os.path.dirname(ELEMENTS), dict(os.environ))
    times: dict[tuple[str, str], list[float]] = {}
    details: dict[tuple[str, str], list[dict]] = {}
    loads: list[float] = []
    payload = 0
    try:
        for proc, address in ((server, url), (trivial, trivial_url), (elements, elements_url)):
            if not wait_healthy(address, proc):
                sys.exit(f"{address} did not start")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=ARGS)
            warm = browser.new_page()
            _sign_in(warm, url, "admin")  # the server process warm (imports, first connection)
            warm.goto(trivial_url)
            _drawn(warm)
            warm.close()
            _elements(browser, elements_url, {}, {}, False)  # warm too
            for run in range(a.repeat):
                loads.append(os.getloadavg()[0])
                _trivial(browser, trivial_url, run, times, details, a.detail)
                _elements(browser, elements_url, times, details, a.detail)
                for role in roles:
                    ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
                    page = ctx.new_page()
                    probe = Probe(page) if a.detail else None
                    sizes: list[int] = []
                    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: sizes.append(len(f))))
                    found: list[dict] = []
                    times.setdefault((role, "first page"), []).append(_sign_in(page, url, role, probe, found))
                    if "filter" in actions:
                        times.setdefault((role, "filter change"), []).append(_timed(
                            lambda: page.get_by_text("年初累计").first.click(),
                            lambda: (page.wait_for_url("**cum=false**", timeout=120000), _drawn(page)), probe, found))
                    for action, took in zip(("first page", "filter change"), found):
                        details.setdefault((role, action), []).append(took)
                    if "drill" in actions:
                        times.setdefault((role, "drill-down"), []).append(_drill(page, role))
                    if "briefing" in actions and role != "judge":
                        times.setdefault((role, "briefing"), []).append(
                            _briefing(page, PERIODS[(run * len(roles) + roles.index(role)) % len(PERIODS)]))
                    payload = max(payload, max(sizes, default=0))
                    ctx.close()
            browser.close()
        print(f"database {a.db}; checkout {a.root}; {os.cpu_count()} cores; load average (1 min) "
              f"{statistics.median(loads):.1f} (median over the runs); median (max) of {a.repeat} runs, s")
        for (role, action), values in times.items():
            ratio = ""
            for ref in ("trivial", "same el.") if role != "trivial" else ():
                base = times.get((ref, action)) if role != ref else None
                ratio += f"  {statistics.median(values) / statistics.median(base):4.2f}× {ref}" if base else ""
            print(f"  {role:8s} {action:14s} {statistics.median(values):6.2f}  ({max(values):.2f}){ratio}")
        print(f"  largest websocket message: {payload / 1024:.0f} KB")
        if a.detail:
            _print_detail(details)
    finally:
        for proc in (server, trivial, elements):
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main()
