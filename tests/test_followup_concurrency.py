"""Two servers setting action items at the same moment lose neither's (issue 23): two processes,
started together on one state (a SQLite file, or a PostgreSQL database), each set 20 items of
the same new meeting — 40 items, ids 1..40 once each, one meeting, and an unbroken audit chain
with one entry per item."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from tests.helpers import ROOT

PROCESSES, ITEMS = 2, 20
MEETING = "2026年前三季度数据会商"
UNITS = [("示0101", None, None), ("示0102", None, None), ("示0101", "民一庭", None), ("示0101", None, "J0101011")]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> str:
    where = tmp_path_factory.mktemp("followup_concurrency")
    db = str(where / "demo.duckdb")
    env = {k: v for k, v in os.environ.items() if k != "SPZX_STATE_URL"}
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", db, "--cases", "20000", "--quiet"], cwd=ROOT,
                   check=True, env=dict(env, SPZX_STATE=str(where / "generate-state.sqlite")))
    return db


def _worker(db: str, number: int, start: float) -> None:
    """One server: ITEMS items set one after another, as fast as it can, from `start` on."""
    import datetime as dt

    from followup.actions import add_item
    from followup.model import Unit
    from metrics.db import connect

    con = connect(db)
    time.sleep(max(0.0, start - time.time()))
    ids = []
    for k in range(ITEMS):
        court, division, judge = UNITS[k % len(UNITS)]
        ids.append(add_item(con, meeting=MEETING, indicator="mediation_rate", unit=Unit(court, False, division, judge),
                            target="range", due=dt.date(2026, 12, 31), note=f"第{number}号服务器第{k}项",
                            by=f"server{number}", today=dt.date(2026, 12, 4)))
    print(json.dumps(ids))


def test_two_processes_setting_items_at_once_lose_neither(backend, demo):
    from followup import store
    from security import audit
    from security.keys import server_key

    server_key()  # made before the servers start, as a deployment does
    start = time.time() + 4  # after both have imported what they need
    procs = [subprocess.Popen([sys.executable, "-c", "import sys, json; from tests.test_followup_concurrency import "
                               "_worker; _worker(*json.loads(sys.argv[1]))", json.dumps([demo, n, start])],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in range(PROCESSES)]
    returned = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        returned.append(json.loads(out.strip().splitlines()[-1]))

    everyone = sorted(i for ids in returned for i in ids)
    assert everyone == list(range(1, PROCESSES * ITEMS + 1))  # each id given once, to one server
    items = store.items()
    assert [i.id for i in items] == everyone
    for n, ids in enumerate(returned):  # each server's items are the ones it set, in its order
        assert [store.item(i).note for i in ids] == [f"第{n}号服务器第{k}项" for k in range(ITEMS)]
        assert {store.item(i).created_by for i in ids} == {f"server{n}"}
    assert [m.name for m in store.meetings()] == [MEETING]  # the meeting recorded once, by whichever came first
    assert {i.meeting_id for i in items} == {store.meetings()[0].id}
    entries = audit.entries(1000)
    assert sum(e[2] == "action_added" for e in entries) == PROCESSES * ITEMS
    assert sum(e[2] == "meeting_added" for e in entries) == 1
    check = audit.verify()
    assert check.holds and check.entries == PROCESSES * ITEMS + 1
    # the two really wrote at the same time: their items interleave
    first, second = returned
    assert max(first) > min(second) and max(second) > min(first), returned
