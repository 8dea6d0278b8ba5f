"""One server of three killed under load: bench/load.py drives simulated users through nginx
(their state in PostgreSQL), one server is killed (SIGKILL) while they work, and the load
tool's own account says what happened to each user — the other servers' users saw nothing, the
killed server's users lost their connection once each and came back signed in on another
server by their session cookie, and every user went on working."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest

from tests.browser.conftest import ARTIFACTS, ROOT, replicas_sharing_postgres

LOAD = os.path.join(ROOT, "bench", "load.py")
USERS = 6
SECONDS = 40  # of the level, after a 2 s ramp; the kill comes once every user is signed in and has worked


@pytest.fixture(scope="module")
def three(demo_db, postgres, tmp_path_factory):
    with replicas_sharing_postgres(3, demo_db, postgres, tmp_path_factory.mktemp("replicas_load")) as found:
        yield found


def _established(port: int) -> int:
    """Open connections to a server (nginx's to it: one per page's websocket; nginx keeps no idle ones)."""
    count = 0
    with open("/proc/net/tcp", encoding="ascii") as f:
        for line in f.readlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            count += int(local.rsplit(":", 1)[1], 16) == port and state == "01"
    return count


def _log(replicas) -> list[tuple[str, str, str]]:
    """nginx's log: (time, servers tried, request) per request."""
    with open(os.path.join(replicas.run, "access.log"), encoding="utf-8") as f:
        return [m.groups() for line in f if (m := re.match(r"(\S+) route=\S+ up=(.*?) status=\d+ \"(.*)\"", line))]


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds:.0f} s: {what}")
        time.sleep(0.5)


def test_a_server_killed_under_load(three):
    replicas, _ = three
    servers = [f"127.0.0.1:{p}" for p in replicas.ports]
    os.makedirs(ARTIFACTS, exist_ok=True)
    out = os.path.join(ARTIFACTS, "replicas_load.json")  # the load tool's figures, kept to read after a failure
    load = subprocess.Popen(
        [sys.executable, LOAD, "--url", replicas.url, "--pid", *map(str, (s.pid for s in replicas.servers)),
         "--sessions", str(USERS), "--seconds", str(SECONDS), "--ramp", "2", "--think", "0.5", "1.5",
         "--timeout", "60", "--no-warm", "--deadline", "170", "--json", out],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        # every user signed in (each trades its ticket for the cookie once) and on a server
        _wait_for(lambda: sum("POST /session/start" in r for _, _, r in _log(replicas)) >= USERS, 90,
                  "every user signed in")
        _wait_for(lambda: sum(_established(p) for p in replicas.ports) == USERS, 30, "every user's page connected")
        time.sleep(5)  # at work for a while
        on = [_established(p) for p in replicas.ports]
        victim = on.index(max(on))  # the busiest server: at least two of the six users
        killed_at = time.time()
        replicas.kill(victim)
        output, _ = load.communicate(timeout=200)
    finally:
        if load.poll() is None:
            load.kill()
    assert load.returncode == 0, output[-3000:]
    with open(out, encoding="utf-8") as f:
        level, = json.load(f)["levels"]
    users = level["users"]
    assert len(users) == USERS, users

    hit = [u for u in users if u["errors"]]
    spared = [u for u in users if not u["errors"]]
    k = on[victim]
    # the killed server's users, and only they: one dropped connection each, back signed in
    assert len(hit) == k >= 2, (on, users)
    assert all(u["errors"] == {"disconnect": 1} and u["resumed"] == {"signed_in": 1} for u in hit), hit
    assert all(u["resumed"] == {} for u in spared), spared
    assert level["errors"] == {"disconnect": k} and level["resumed"] == {"signed_in": k}, level["error_samples"]
    assert level["signed_in"] == USERS  # nobody pressed a sign-in button again
    assert level["actions"]["reconnect"]["n"] == k
    # nginx: k pages' websockets were on the killed server, and were opened again on the others
    streams = [(at, up.split(", ")[-1]) for at, up, r in _log(replicas) if r.startswith("GET /_stcore/stream")]
    assert sum(up == servers[victim] for _, up in streams) == k, streams
    assert len(streams) == USERS + k
    # after the kill every user went on: the killed server's users past their reconnect too
    assert all(u["last_done"] > killed_at + 3 for u in users), (killed_at, users)
    assert all(u["since_reconnect"] >= 1 for u in hit), hit
    assert level["interactive"]["n"] >= 2 * USERS
    assert level["server"]["processes_alive_at_end"] == 2
    print(f"users per server at the kill {on}, server {victim + 1} killed; errors {level['errors']}, "
          f"after reconnect {level['resumed']}, actions {level['actions_done']} "
          f"(interactive p95 {level['interactive']['p95_s']:.2f} s); per user: "
          + "; ".join(f"{u['number']} {u['user']} {u['actions']} actions, {u['since_reconnect']} since reconnect, "
                      f"errors {u['errors']}" for u in users))
