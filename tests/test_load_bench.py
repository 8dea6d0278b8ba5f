"""bench/load.py against a real server on a small demo database: simulated users sign in through
the sign-in page, every action of the mix runs and is timed, and the server's CPU and memory
are reported. Its sign-in check can fail: a demo user the sign-in page does not offer is an error."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from present.text import tr
from tests.browser.conftest import ROOT, start_server, stop_server

LOAD = os.path.join(ROOT, "bench", "load.py")


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("load") / "demo.duckdb")
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", db, "--cases", "30000", "--quiet"],
                   cwd=ROOT, check=True)
    url, proc = start_server(db, "load_bench.log")
    yield url, proc.pid
    stop_server(proc)


def _load(running, tmp_path, *extra: str) -> dict:
    url, pid = running
    out = tmp_path / "load.json"
    subprocess.run([sys.executable, LOAD, "--url", url, "--pid", str(pid), "--sessions", "2", "--seconds", "20",
                    "--ramp", "1", "--think", "0.2", "0.6", "--timeout", "30", "--no-warm", "--json", str(out), *extra],
                   cwd=ROOT, check=True, timeout=120)
    return json.loads(out.read_text(encoding="utf-8"))


def test_two_users_sign_in_and_run_the_mix(running, tmp_path):
    report = _load(running, tmp_path, "--roles", "demo_leader,demo_admin")
    level, = report["levels"]
    assert level["signed_in"] == 2
    # the landing page of both roles (态势总览), not the sign-in page
    assert level["landing"] == {tr("page_overview"): 2}, level["landing"]
    for action in ("sign_in_page", "sign_in", "page", "court", "period", "drill"):
        timed = level["actions"].get(action, {"n": 0})
        assert timed["n"] >= 1 and 0 < timed["p50_s"] <= timed["p95_s"] <= timed["max_s"] < 30, (action, timed)
    assert level["errors"] == {} and level["skipped"] == {}, (level["error_samples"], level["skipped"])
    # each user's own account adds up to the level's
    assert [(u["number"], u["user"], u["errors"], u["resumed"]) for u in level["users"]] == [
        (0, "demo_leader", {}, {}), (1, "demo_admin", {}, {})]
    assert sum(u["actions"] for u in level["users"]) == level["actions_done"]
    server, client = level["server"], level["client"]
    assert 0 < server["cpu_s"] == pytest.approx(server["user_s"] + server["sys_s"])
    assert 0 < server["cores_pct"] <= 100
    assert 0 < server["cpu_per_action_s"] < 30
    assert 50 < server["rss_end_mb"] <= server["rss_peak_mb"] < 4000
    assert 0 < client["cpu_s"] and client["cores_pct"] < 50
    assert report["knee"].startswith("p95 ")
    # the trivial app's rerun, measured in the same run, and each level beside it
    ref = report["reference"]
    assert ref["reruns"] == 60 and 0 < ref["cpu_per_rerun_ms"] < 1000 and ref["elements"] == 2, ref
    beside = level["vs_reference"]
    assert beside["cpu_per_action_ms"] == pytest.approx(1000 * server["cpu_per_action_s"])
    assert beside["ratio"] == pytest.approx(beside["cpu_per_action_ms"] / ref["cpu_per_rerun_ms"])
    assert level["action_cpu"] is None  # an action's own CPU only when it runs alone (one user)
    # elements drawn per page: the sign-in page and the landing page at least
    assert 0 < level["elements"]["sign-in"] < level["elements"]["landing"], level["elements"]


def test_storm_and_idle_sessions_alone(running, tmp_path):
    report = _load(running, tmp_path, "--sessions", "0", "--storm", "3", "--storm-seconds", "2",
                   "--storm-court", "示0101", "--storm-category", "民事", "--idle", "2", "--idle-seconds", "1")
    assert report["levels"] == [] and report["reference"] is None
    storm = report["storm"]
    assert storm["signed_in"] == 3 and storm["sign_in"]["sign_in"]["n"] == 3, storm
    assert storm["link"]["court"] == "示0101" and storm["query_string"].startswith("court=")
    assert storm["link"]["category"] == "民事" and storm["query_string"].endswith("&cat=%E6%B0%91%E4%BA%8B")
    assert storm["open"]["n"] == 3 and storm["errors"] == {}, storm["error_samples"]
    assert storm["computations"] is None  # with --url the bench has no computations log
    idle = report["idle"]
    assert idle["open"] == idle["open_after_idle"] == 2 and idle["errors"] == {}, idle
    assert idle["rss_before_mb"] > 50 and idle["per_session_mb"] is not None


def test_a_user_the_sign_in_page_does_not_offer_is_not_signed_in(running, tmp_path):
    report = _load(running, tmp_path, "--roles", "demo_nobody")
    level, = report["levels"]
    assert level["signed_in"] == 0 and level["landing"] == {}
    assert level["errors"] == {"sign_in": 2}
    assert [u["errors"] for u in level["users"]] == [{"sign_in": 1}] * 2
    assert set(level["actions"]) == {"sign_in_page"}  # nothing else was timed


def test_an_actions_own_cpu_is_read_around_it():
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    from loadsim.actioncpu import ActionCpu, describe
    cpu = ActionCpu([os.getpid()])
    for page in ("landing", "compare"):
        start = cpu.begin()
        sum(i * i for i in range(3_000_000))  # some CPU of this process
        cpu.end(start, "page", page, ok=True)
    cpu.end(cpu.begin(), "drill", None, ok=False)  # an exception drawn: not counted
    s = cpu.summary()
    assert s["actions"]["page"]["n"] == 2 and s["actions"]["page"]["median_ms"] > 0 and "drill" not in s["actions"]
    assert set(s["pages"]) == {"landing", "compare"} and s["between_actions"]["wall_s"] > 0
    assert describe(1, s).startswith("server CPU per action at N=1 (median): page ")
