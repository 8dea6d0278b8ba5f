"""How many users one server process carries: simulated sessions over Streamlit's websocket, no browser.

  .venv/bin/python bench/load.py --db /tmp/demo10m.duckdb [--sessions 1 10 25 50 100] [--seconds 60]
  .venv/bin/python bench/load.py --url http://127.0.0.1:8501 --pid 12345 [...]      # a running server (or proxy)
  .venv/bin/python bench/load.py --db ... --server-option runner.postScriptGC=false  # compare a Streamlit setting
  .venv/bin/python bench/load.py --db ... --storm 40 [--storm-seconds 10] --idle 100 [--idle-seconds 60]
  .venv/bin/python bench/load.py --db ... --sessions 0 --storm 40                  # the storm alone, no levels
  .venv/bin/python bench/load.py --db ... --sessions 0 --storm 40 --storm-category 民事  # a scope not warmed

Each simulated user opens the dashboard's websocket (/_stcore/stream) and speaks the frontend's
protocol (BackMsg rerun_script with widget states; ForwardMsg deltas until script_finished):
it signs in with its role's demo button on the sign-in page, trades the sign-in ticket for the
session cookie as the page's script does, then repeats a mix — open a page, change the court,
change the period, drill down — with a random think time between actions (closed loop: a user
waits for the page before thinking). For each number of sessions N it prints p50/p95 latency per
action (from the BackMsg sent until that run's script_finished), errors (exceptions drawn,
disconnects, timeouts), the server's CPU (user+sys seconds, % of all cores) and resident memory,
the client's own CPU, the load average, and the N at which the p95 of the interactive actions
passes 1 s. A dropped connection is counted, reopened with the same cookie, and whether the
user came back signed in is recorded (for runs behind a proxy with replicas killed mid-run);
the JSON has each user's own errors, reconnects and actions too (which users a stopped server's
loss touched, and that they went on). Each level also tells the elements each page draws (median
over its runs).

Beside the levels, in the same run:
- the trivial app's rerun (bench/trivial_app.py on a second server started before the levels, one
  session, 60 reruns changing its select box): its server CPU per rerun, and each level's server
  CPU per action as a multiple of it (--no-reference skips it);
- a level of one user (N=1): each action's own server CPU, from just before its BackMsg until
  its script_finished, median per action kind and per page opened (bench/loadsim/actioncpu.py);
- --storm N: after the levels, N demo_leader users sign in (timed apart), then all open the same
  link — the landing page with a court other than the leader's own and the latest quarter (or
  --storm-period, and --storm-category: a scope the server's start-up warming leaves out) — spread
  over --storm-seconds: p50/p95/max of the opens, errors, and (with --db, the server writing
  SPZX_COMPUTATIONS_LOG) the cached queries computed meanwhile, by name;
- --idle N: last, N sessions sign in, draw their landing page and stay connected without acting:
  the server's resident memory before, with them, and after --idle-seconds.
--sessions 0 runs no levels (and no reference): the storm and the idle sessions alone.

Loopback only; at most 200 sessions; every level and the whole run have time limits.
"""
from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import random
import re
import shutil
import socket
import sys
import tempfile
import time
from urllib.parse import urlsplit

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [BENCH, os.path.dirname(BENCH)]

from loadsim import idle, reference, server, storm  # noqa: E402
from loadsim.computations import ComputationsLog  # noqa: E402
from loadsim.level import run_level  # noqa: E402
from loadsim.report import cpu_bound_estimate, knee, summarise, table  # noqa: E402
from loadsim.user import CYCLE, Mix, Record, User  # noqa: E402

ROOT = os.path.dirname(BENCH)
MAX_SESSIONS = 200
ROLES = ["demo_leader", "demo_admin", "demo_line"]  # the roles that may change the court and drill down


def loopback_only(url: str) -> None:
    """Refuse any address that is not this machine: the tool makes load, and load stays here."""
    host = urlsplit(url).hostname
    if not host:
        sys.exit(f"not a URL: {url}")
    try:
        addresses = {ai[4][0] for ai in socket.getaddrinfo(host, None)}
    except socket.gaierror as e:
        sys.exit(f"cannot resolve {host}: {e}")
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        sys.exit(f"refused: {host} is not a loopback address ({', '.join(sorted(addresses))})")


def start_server(db: str, root: str, folder: str, log_path: str, options: list[str]):
    """The dashboard on `db` from checkout `root`, its state (sign-in tickets, key) and its
    computations log in `folder`, with Streamlit `options` to compare a setting."""
    env = {"SPZX_DB": os.path.abspath(db), "SPZX_STATE": os.path.join(folder, "state.sqlite"),
           "SPZX_COMPUTATIONS_LOG": os.path.join(folder, "computations.log")}
    return server.start("serve.py", root, log_path, env, options)


def court_codes(db: str) -> dict[str, str]:
    """Court name → code, read from the database (the court select box shows names, a link holds codes)."""
    import duckdb
    with duckdb.connect(db, read_only=True) as con:
        return dict(con.execute("SELECT court_name, court_code FROM courts").fetchall())


async def warm(url: str, usernames: list[str], mix: Mix) -> Record:
    """One user per role through one round of the mix, not counted: imports, first connection."""
    record = Record()
    quick = Mix(pages=mix.pages, periods=mix.periods, think=(0.0, 0.0), timeout=mix.timeout)
    await asyncio.gather(*(User(u, url, quick, random.Random(i), record).live(float("inf"), steps=len(CYCLE))
                           for i, u in enumerate(usernames)))
    return record


WARMED = ("answers warmed", "warming stopped")  # the server's lines when its warming (ui/answers.py) ends


async def warming_ended(log_path: str, timeout: float = 300) -> float | None:
    """Seconds until the server's log says its warming ended (None: not within `timeout`), so that
    no level's CPU per action counts the warming thread's work."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            with open(log_path, encoding="utf-8", errors="replace") as f:
                said = f.read()
            if any(line in said for line in WARMED):
                return time.monotonic() - start
        except FileNotFoundError:
            pass
        await asyncio.sleep(0.5)
    return None


async def run(a, url: str, pids: list[int], mix: Mix, folder: str) -> dict:
    usernames = a.roles.split(",")
    out: dict = {"reference": None, "levels": [], "storm": None, "idle": None}
    if a.reference and a.sessions:
        try:
            out["reference"] = await reference.measure(ROOT, os.path.join(os.path.dirname(a.server_log),
                                                                          "load_trivial_server.log"),
                                                       reruns=a.reference_reruns, timeout=mix.timeout)
            print(reference.describe(out["reference"]), file=sys.stderr, flush=True)
        except Exception as e:  # noqa: BLE001 — the levels still run; the report says why there is no reference
            out["reference"] = {"error": repr(e)}
            print(f"trivial app reference failed: {e!r}", file=sys.stderr)
    if a.warm:
        w = await warm(url, usernames, mix)
        if w.errors:
            print(f"warm-up errors: {dict(w.errors)}; {w.samples[:3]}", file=sys.stderr)
    if a.db and a.sessions and os.environ.get("SPZX_WARM") != "0":  # a server of our own: its log says
        waited = await warming_ended(a.server_log)
        print("server warming: " + (f"ended {waited:.0f} s after the warm-up round" if waited is not None
                                    else "not ended within 300 s (the levels start anyway)"), file=sys.stderr, flush=True)
    ref = out["reference"] if out["reference"] and "error" not in out["reference"] else None
    for n in a.sessions:
        level = summarise(await run_level(n, url, usernames, mix, a.seconds, ramp(a, n), a.seed, pids))
        level["vs_reference"] = reference.compare(level, ref)
        out["levels"].append(level)
        print(f"N={n}: interactive p95 {level['interactive']['p95_s']:.2f} s, "
              f"{level['errors_total']} errors", file=sys.stderr, flush=True)
    if a.storm:
        log = ComputationsLog(os.path.join(folder, "computations.log")) if a.db else None
        out["storm"] = await storm.storm(url, a.storm, a.storm_seconds, mix, pids, log,
                                         court_codes(a.db) if a.db else None, a.storm_court, a.storm_period,
                                         a.storm_category, seed=a.seed)
        print("storm done", file=sys.stderr, flush=True)
    if a.idle:
        out["idle"] = await idle.idle(url, a.idle, usernames, mix, pids, a.idle_seconds, seed=a.seed,
                                   after_load=bool(a.sessions or a.storm))
    return out


def ramp(a, n: int) -> float:
    """Users arrive two a second (at least over 5 s): a level measures use, not a sign-in storm."""
    return a.ramp if a.ramp is not None else max(5.0, n / 2)


def _no_nan(value):
    """JSON has no NaN: a figure that could not be taken is null."""
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_nan(v) for v in value]
    return value


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = ap.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", help="start a server on this database (read-only)")
    where.add_argument("--url", help="a running server or proxy, http://127.0.0.1:PORT[/base]")
    ap.add_argument("--pid", type=int, nargs="*", default=[], help="with --url: the server process(es) to measure")
    ap.add_argument("--root", default=ROOT, help="with --db: the checkout to serve (default: this one)")
    ap.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 25, 50, 100],
                    help="users per level; 0 alone: no levels (only --storm and --idle)")
    ap.add_argument("--seconds", type=float, default=60, help="per level, after the ramp")
    ap.add_argument("--ramp", type=float, help="users arrive spread over this many seconds (default: two a second, "
                                               "at least 5 s; a shorter ramp measures a sign-in storm)")
    ap.add_argument("--think", type=float, nargs=2, default=[2.0, 5.0], metavar=("MIN", "MAX"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--roles", default=",".join(ROLES), help="demo users, taken in turn")
    ap.add_argument("--pages", default="landing,compare,trends,assessment,business",
                    help="url paths of the pages users open (landing: the role's first page)")
    ap.add_argument("--periods", type=int, default=8, help="periods are chosen among the latest this many")
    ap.add_argument("--timeout", type=float, default=60, help="seconds an action may take before it is an error")
    ap.add_argument("--deadline", type=float, help="seconds for the whole run (default: worked out from the levels)")
    ap.add_argument("--no-warm", dest="warm", action="store_false", help="skip the warm-up round")
    ap.add_argument("--server-option", action="append", default=[], metavar="NAME=VALUE",
                    help="with --db: a Streamlit option for the server, e.g. runner.postScriptGC=false (repeatable)")
    ap.add_argument("--server-log", default=os.path.join(BENCH, "out", "load_server.log"),
                    help="with --db: where the server's output goes")
    ap.add_argument("--no-reference", dest="reference", action="store_false",
                    help="skip the trivial app's rerun measured before the levels (bench/trivial_app.py)")
    ap.add_argument("--reference-reruns", type=int, default=60, help=argparse.SUPPRESS)
    ap.add_argument("--storm", type=int, default=0, metavar="N",
                    help="after the levels, N demo_leader users signed in open the same link within --storm-seconds")
    ap.add_argument("--storm-seconds", type=float, default=10)
    ap.add_argument("--storm-court", help="the link's court code (default: the first other court the "
                                          "leader's select box offers; with --url the leader's own)")
    ap.add_argument("--storm-period", metavar="P", help="the link's period: 2025Q3, 2025-07 or 2025 (default: "
                                                        "the latest quarter offered; year to date as the pages' default)")
    ap.add_argument("--storm-category", metavar="C", help="the link's category (cat=): 民事, 刑事, 行政 or 执行 "
                                                          "(default: every case); a scope the server's warming leaves out")
    ap.add_argument("--idle", type=int, default=0, metavar="N",
                    help="at the end, N sessions sign in, draw their landing page and stay idle: server memory")
    ap.add_argument("--idle-seconds", type=float, default=60)
    ap.add_argument("--json", help="also write the figures as JSON to this file (- for standard output)")
    a = ap.parse_args()
    if a.sessions == [0]:
        a.sessions = []
    if any(n < 1 or n > MAX_SESSIONS for n in a.sessions) or not 0 <= a.storm <= MAX_SESSIONS \
            or not 0 <= a.idle <= MAX_SESSIONS:
        sys.exit(f"--sessions, --storm, --idle: 1 to {MAX_SESSIONS} (--sessions 0 alone: no levels)")
    if not (a.sessions or a.storm or a.idle):
        sys.exit("nothing to run: --sessions 0 needs --storm or --idle")
    a.storm_period = a.storm_period.upper() if a.storm_period else None  # the options read 2025Q3
    if a.storm_category not in (None, "民事", "刑事", "行政", "执行"):
        sys.exit("--storm-category: 民事, 刑事, 行政 or 执行")
    if a.storm_period is not None and not re.fullmatch(r"\d{4}([Qq][1-4]|-\d{2})?", a.storm_period):
        sys.exit("--storm-period: 2025, 2025Q3 or 2025-07")
    if a.storm_seconds <= 0 or a.idle_seconds < 0:
        sys.exit("--storm-seconds > 0; --idle-seconds ≥ 0")
    if not 0 <= a.think[0] <= a.think[1] or a.seconds <= 0 or (a.ramp or 0) < 0:
        sys.exit("--think MIN MAX with 0 ≤ MIN ≤ MAX; --seconds > 0; --ramp ≥ 0")
    mix = Mix(pages=tuple("" if p == "landing" else p for p in a.pages.split(",")), periods=a.periods,
              think=(a.think[0], a.think[1]), timeout=a.timeout)
    deadline = a.deadline or (sum(ramp(a, n) + a.seconds + 2 * a.timeout + 180 for n in a.sessions) + 300
                              + (180 if a.reference and a.sessions else 0)
                              + (2 * a.storm_seconds + 4 * a.timeout + 300 if a.storm else 0)
                              + (a.idle_seconds + a.idle * 5 + 2 * a.timeout + 300 if a.idle else 0))

    folder = tempfile.mkdtemp(prefix="spzx-load-")
    proc = None
    try:
        if a.db:
            if not os.path.isfile(a.db):
                sys.exit(f"no database at {a.db}")
            url, proc = start_server(a.db, a.root, folder, a.server_log, a.server_option)
            pids = [proc.pid]
        else:
            url, pids = a.url.rstrip("/") + "/", a.pid
        loopback_only(url)
        started = time.time()
        try:
            out = asyncio.run(asyncio.wait_for(run(a, url, pids, mix, folder), deadline))
        except asyncio.TimeoutError:
            sys.exit(f"stopped: the run passed its deadline of {deadline:.0f} s")
        levels = out["levels"]
        verdict = knee(levels)
        estimate = cpu_bound_estimate(levels, mix.think)
        config = {"db": a.db, "server_options": a.server_option, "url": url, "pids": pids, "sessions": a.sessions,
                  "seconds": a.seconds, "ramp": [ramp(a, n) for n in a.sessions],
                  "think": a.think, "seed": a.seed, "roles": a.roles.split(","), "mix": mix.describe(),
                  "storm": a.storm, "storm_seconds": a.storm_seconds,
                  "storm_period": a.storm_period, "storm_category": a.storm_category, "idle": a.idle, "idle_seconds": a.idle_seconds,
                  "cores": os.cpu_count(), "started": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started))}
        if a.db:
            print(f"server log: {a.server_log}" + (f"; options {' '.join(a.server_option)}" if a.server_option else ""))
        print(f"{'database ' + a.db if a.db else 'server ' + url}; server pid {', '.join(map(str, pids)) or '—'}; "
              f"{os.cpu_count()} cores; roles {a.roles}; seed {a.seed}")
        if levels:
            print(mix.describe())
            print(f"each level: users arrive over {', '.join(f'{ramp(a, n):g}' for n in a.sessions)} s, then {a.seconds:g} s; "
                  f"latency from the BackMsg sent until script_finished; interactive = page, court, period, drill")
        ref = out["reference"]
        if ref is not None:
            print(f"trivial app reference failed: {ref['error']}" if "error" in ref else reference.describe(ref))
        if levels:
            print(table(levels))
            print(verdict)
        if estimate:
            print(estimate)
        if out["storm"] is not None:
            print(storm.describe(out["storm"], counting=bool(a.db)))
        if out["idle"] is not None:
            print(idle.describe(out["idle"]))
        if a.json:
            figures = {"config": config, "reference": ref, "levels": levels, "knee": verdict,
                       "cpu_bound_estimate": estimate, "storm": out["storm"], "idle": out["idle"]}
            text = json.dumps(_no_nan(figures), ensure_ascii=False, indent=1)
            if a.json == "-":
                print(text)
            else:
                with open(a.json, "w", encoding="utf-8") as f:
                    f.write(text)
    finally:
        if proc is not None:
            server.stop(proc)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
