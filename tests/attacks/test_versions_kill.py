"""An import (or a rollback) killed between keeping the database it replaces and the rename that
replaces it keeps no "version": four such kills once pushed the real earlier version out of the
five kept (issue 25, item 10). The kill is a child process ending itself (os._exit) at that point;
one slow test kills real `python -m data ingest` runs at random moments."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from data import versions
from data.ingest import ingest
from data.store import remove_leftovers
from tests.helpers import case, sha256, write_cases, write_courts

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(autouse=True)
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)
    monkeypatch.delenv("SPZX_KEEP_VERSIONS", raising=False)  # the default five


def _import(tmp_path, n: int, db) -> str:
    cases = write_cases(tmp_path / f"c{n}.csv", [case(serial=i) for i in range(1, n + 1)])
    ingest(str(cases), str(write_courts(tmp_path / "k.csv")), str(db), str(tmp_path / "r.csv"))
    return sha256(db)


# The child: the rename that replaces the database ends the process — before it (`before`) or
# just after it (`after`), as a kill at that moment would. It does so `times` times, each in a
# process forked after the imports (a new interpreter each time would cost a second or two).
CHILD = textwrap.dedent("""
    import os, sys
    db, when, times, what = os.path.abspath(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    real = os.replace
    def replace(src, dst, *a, **k):
        if os.path.abspath(dst) == db:
            if when == "before":
                os._exit(137)
            real(src, dst, *a, **k)
            os._exit(137)
        return real(src, dst, *a, **k)
    os.replace = replace
    from data import versions
    from data.ingest import ingest
    for _ in range(times):
        child = os.fork()
        if child == 0:
            try:
                versions.rollback(db) if what[0] == "rollback" else ingest(what[0], None, db, what[1])
            finally:
                os._exit(1)  # not killed where it should have been
        _, status = os.waitpid(child, 0)
        if os.waitstatus_to_exitcode(status) != 137:
            sys.exit(1)
""")


def _killed(db, when: str, *what: str, times: int = 1) -> None:
    done = subprocess.run([sys.executable, "-c", CHILD, str(db), when, str(times), *what], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_kills_before_the_rename_keep_no_copies_of_the_database(tmp_path):
    db = tmp_path / "db.duckdb"
    first, second, third = (_import(tmp_path, n, db) for n in (1, 2, 3))
    fourth = write_cases(tmp_path / "c4.csv", [case(serial=i) for i in range(1, 5)])
    _killed(db, "before", str(fourth), str(tmp_path / "r.csv"), times=4)
    assert sha256(db) == third  # the database in use is untouched
    remove_leftovers(str(db))  # as a server starting after the kills
    kept = versions.list_versions(str(db))
    assert [sha256(v.path) for v in kept] == [second, first]  # the real earlier versions, nothing else
    assert versions.rollback(str(db)).cases == 2 and sha256(db) == second  # rollback restores the real one
    assert _import(tmp_path, 4, db) != second  # and imports go on as before
    assert [v.cases for v in versions.list_versions(str(db))] == [2, 3, 2, 1]


def test_kills_before_the_rename_and_the_next_import_without_a_restart(tmp_path):
    """No server start in between: the next import settles what the kills left."""
    db = tmp_path / "db.duckdb"
    first, second = _import(tmp_path, 1, db), _import(tmp_path, 2, db)
    fourth = write_cases(tmp_path / "c4.csv", [case(serial=i) for i in range(1, 5)])
    _killed(db, "before", str(fourth), str(tmp_path / "r.csv"), times=5)
    _import(tmp_path, 3, db)
    assert [sha256(v.path) for v in versions.list_versions(str(db))] == [second, first]
    assert not [f for f in os.listdir(versions.folder(str(db))) if not f.endswith(".duckdb")]


def test_a_kill_just_after_the_rename_loses_no_version(tmp_path):
    db = tmp_path / "db.duckdb"
    first, second = _import(tmp_path, 1, db), _import(tmp_path, 2, db)
    third = write_cases(tmp_path / "c3.csv", [case(serial=i) for i in range(1, 4)])
    _killed(db, "after", str(third), str(tmp_path / "r.csv"))
    remove_leftovers(str(db))
    assert [sha256(v.path) for v in versions.list_versions(str(db))] == [second, first]
    assert versions.rollback(str(db)).cases == 2 and sha256(db) == second


def test_a_rollback_killed_before_its_rename_keeps_no_copy(tmp_path):
    db = tmp_path / "db.duckdb"
    hashes = [_import(tmp_path, n, db) for n in (1, 2, 3)]
    _killed(db, "before", "rollback", times=4)
    assert sha256(db) == hashes[2]
    remove_leftovers(str(db))
    assert [sha256(v.path) for v in versions.list_versions(str(db))] == [hashes[1], hashes[0]]


@pytest.mark.slow
def test_real_imports_killed_at_random_moments(tmp_path):
    """`python -m data ingest` killed (SIGKILL) at random moments, 30 times: the database in use
    is always a complete one, and no kept version is a copy of it."""
    db = tmp_path / "db.duckdb"
    courts = str(write_courts(tmp_path / "k.csv"))
    _import(tmp_path, 1, db)
    big = write_cases(tmp_path / "big.csv", [case(serial=i) for i in range(1, 3001)])
    command = [sys.executable, "-m", "data", "ingest", str(big), "--courts", courts, "--db", str(db),
               "--rejects", str(tmp_path / "r.csv")]
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    took = time.monotonic() - started
    rng = random.Random(25)
    replaced = 0
    for _ in range(30):
        before = sha256(db)
        child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 1.0) * took)
        child.send_signal(signal.SIGKILL)
        child.wait()
        remove_leftovers(str(db))
        kept = versions.list_versions(str(db))
        now = sha256(db)
        assert now == before or sha256(kept[0].path) == before  # untouched, or replaced with `before` kept
        replaced += now != before
        assert now not in {sha256(v.path) for v in kept}
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute("SELECT count(*) FROM cases").fetchone()[0] in (1, 3000)
    print(f"30 kills: {replaced} after the rename, {30 - replaced} before it; one import {took:.1f} s")
