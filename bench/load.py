"""How many users one server process carries: simulated sessions over Streamlit's websocket, no browser.

  .venv/bin/python bench/load.py --db /tmp/demo10m.duckdb [--sessions 1 10 25 50 100] [--seconds 60]
  .venv/bin/python bench/load.py --url http://127.0.0.1:8501 --pid 12345 [...]      # a running server (or proxy)
  .venv/bin/python bench/load.py --db ... --server-option runner.postScriptGC=false  # compare a Streamlit setting

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
loss touched, and that they went on).

Loopback only; at most 200 sessions; every level and the whole run have time limits.
"""
from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [BENCH, os.path.dirname(BENCH)]

from loadsim.level import run_level  # noqa: E402
from loadsim.report import cpu_bound_estimate, knee, summarise, table  # noqa: E402
from loadsim.user import CYCLE, Mix, Record, User  # noqa: E402
from deploy.local import free_port, wait_healthy  # noqa: E402

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


def start_server(db: str, root: str, folder: str, log_path: str, options: list[str]) -> tuple[str, subprocess.Popen]:
    """Streamlit on `db` from checkout `root`, its state (sign-in tickets, key) in `folder`, its
    output in `log_path` (kept: an exception drawn in a page is told in full only there), with
    Streamlit `options` ("runner.postScriptGC=false") to compare a setting."""
    port = free_port()
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    log = open(log_path, "w")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "serve.py", "--server.headless=true",
                             f"--server.port={port}", "--server.address=127.0.0.1", *(f"--{o}" for o in options)],
                            cwd=root,
                            env=dict(os.environ, SPZX_DB=os.path.abspath(db), SPZX_STATE=os.path.join(folder, "state.sqlite")),
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    if wait_healthy(url, proc):
        return url, proc
    proc.kill()
    sys.exit(f"the server did not start; its log: {log.name}")


async def warm(url: str, usernames: list[str], mix: Mix) -> Record:
    """One user per role through one round of the mix, not counted: imports, first connection."""
    record = Record()
    quick = Mix(pages=mix.pages, periods=mix.periods, think=(0.0, 0.0), timeout=mix.timeout)
    await asyncio.gather(*(User(u, url, quick, random.Random(i), record).live(float("inf"), steps=len(CYCLE))
                           for i, u in enumerate(usernames)))
    return record


async def run(a, url: str, pids: list[int], mix: Mix) -> list[dict]:
    usernames = a.roles.split(",")
    if a.warm:
        w = await warm(url, usernames, mix)
        if w.errors:
            print(f"warm-up errors: {dict(w.errors)}; {w.samples[:3]}", file=sys.stderr)
    levels = []
    for n in a.sessions:
        level = summarise(await run_level(n, url, usernames, mix, a.seconds, ramp(a, n), a.seed, pids))
        levels.append(level)
        print(f"N={n}: interactive p95 {level['interactive']['p95_s']:.2f} s, "
              f"{level['errors_total']} errors", file=sys.stderr, flush=True)
    return levels


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
    ap.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 25, 50, 100])
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
    ap.add_argument("--json", help="also write the figures as JSON to this file (- for standard output)")
    a = ap.parse_args()
    if any(n < 1 or n > MAX_SESSIONS for n in a.sessions):
        sys.exit(f"--sessions: 1 to {MAX_SESSIONS}")
    if not 0 <= a.think[0] <= a.think[1] or a.seconds <= 0 or (a.ramp or 0) < 0:
        sys.exit("--think MIN MAX with 0 ≤ MIN ≤ MAX; --seconds > 0; --ramp ≥ 0")
    mix = Mix(pages=tuple("" if p == "landing" else p for p in a.pages.split(",")), periods=a.periods,
              think=(a.think[0], a.think[1]), timeout=a.timeout)
    deadline = a.deadline or sum(ramp(a, n) + a.seconds + 2 * a.timeout + 180 for n in a.sessions) + 300

    folder = tempfile.mkdtemp(prefix="spzx-load-")
    server = None
    try:
        if a.db:
            if not os.path.isfile(a.db):
                sys.exit(f"no database at {a.db}")
            url, server = start_server(a.db, a.root, folder, a.server_log, a.server_option)
            pids = [server.pid]
        else:
            url, pids = a.url.rstrip("/") + "/", a.pid
        loopback_only(url)
        started = time.time()
        try:
            levels = asyncio.run(asyncio.wait_for(run(a, url, pids, mix), deadline))
        except asyncio.TimeoutError:
            sys.exit(f"stopped: the run passed its deadline of {deadline:.0f} s")
        verdict = knee(levels)
        estimate = cpu_bound_estimate(levels, mix.think)
        config = {"db": a.db, "server_options": a.server_option, "url": url, "pids": pids, "sessions": a.sessions,
                  "seconds": a.seconds, "ramp": [ramp(a, n) for n in a.sessions],
                  "think": a.think, "seed": a.seed, "roles": a.roles.split(","), "mix": mix.describe(),
                  "cores": os.cpu_count(), "started": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started))}
        if a.db:
            print(f"server log: {a.server_log}" + (f"; options {' '.join(a.server_option)}" if a.server_option else ""))
        print(f"{'database ' + a.db if a.db else 'server ' + url}; server pid {', '.join(map(str, pids)) or '—'}; "
              f"{os.cpu_count()} cores; roles {a.roles}; seed {a.seed}")
        print(mix.describe())
        print(f"each level: users arrive over {', '.join(f'{ramp(a, n):g}' for n in a.sessions)} s, then {a.seconds:g} s; "
              f"latency from the BackMsg sent "
              f"until script_finished; interactive = page, court, period, drill")
        print(table(levels))
        print(verdict)
        if estimate:
            print(estimate)
        if a.json:
            figures = {"config": config, "levels": levels, "knee": verdict, "cpu_bound_estimate": estimate}
            text = json.dumps(_no_nan(figures), ensure_ascii=False, indent=1)
            if a.json == "-":
                print(text)
            else:
                with open(a.json, "w", encoding="utf-8") as f:
                    f.write(text)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
