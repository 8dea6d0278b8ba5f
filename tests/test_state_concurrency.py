"""The SQLite state under many sessions at once, as one server with 50–100 users sees it (every
page run reads the sessions, every sign-in writes the log and a ticket): several processes of
several threads signing in, redeeming tickets, reading and revoking sessions against one file
finish without "database is locked", and every guarantee holds — one audit chain, a ticket
redeemed once, a lock-out counted exactly across processes. A reader holding a snapshot does
not hold up a writer, and a writer holding the lock does not hold up a reader."""
from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from tests.helpers import ROOT

PROCESSES, THREADS = 6, 12  # 72 sessions at once, on six processes (one would do: see the threads)
SECONDS = 15  # of sign-ins back to back, each followed by page runs
READS = 5  # page runs per sign-in: each reads whether the session was signed out
MAX_FAILURES = 5


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)
    monkeypatch.delenv("SPZX_SECRET", raising=False)
    from security.keys import server_key

    server_key()  # made before the workers start, as a server does
    return str(tmp_path / "state.sqlite")


def _worker(state: str, number: int, tickets: list[str], start: float) -> None:
    """One server process: THREADS sessions at once, each signing in again and again until SECONDS
    have passed — by demo button and by password in turn (the lock-out's count and the sign-in
    in the log), trading the ticket for the cookie, page runs reading the session, every other
    session signed out — while one thread of every process guesses the password of one account
    and another redeems the same tickets as every other process."""
    os.environ["SPZX_STATE"] = state
    from argon2 import PasswordHasher

    from security import audit, sessions
    from security.users import SignInError, User, UserConfig, load_users, sign_in, sign_in_demo

    shipped = load_users()
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # the log's work, not Argon2's, is tested
    accounts = {f"user{number}_{k}": User(f"user{number}_{k}", "", None, cheap.hash(f"pw{k}")) for k in range(THREADS)}
    accounts["guarded"] = User("guarded", "", None, cheap.hash("the right one"))
    config = UserConfig(accounts, False, MAX_FAILURES, 15)
    errors: list[str] = []
    counts = {"demo": 0, "password": 0, "revoked_seen": 0, "redeemed": [], "checked": 0, "locked": 0}
    lock = threading.Lock()
    time.sleep(max(0.0, start - time.time()))  # every process begins together
    stop = time.monotonic() + SECONDS

    def session(k: int) -> None:
        rng = random.Random(number * 100 + k)
        try:
            if k == 0:  # one thread of each process redeems the shared tickets, in its own order
                for ticket in rng.sample(tickets, len(tickets)):
                    if sessions.redeem_ticket(ticket):
                        with lock:
                            counts["redeemed"].append(ticket)
            if k == 1:  # and one guesses the guarded account's password twice
                for i in range(2):
                    try:
                        sign_in(config, "guarded", f"guess{number}-{i}")
                    except SignInError as e:
                        with lock:
                            counts["checked" if e.key == "wrong_password" else "locked"] += 1
            i = 0
            while time.monotonic() < stop:
                if i % 2:
                    user = sign_in(config, f"user{number}_{k}", f"pw{k}")
                else:
                    user = sign_in_demo(shipped, "demo_admin")
                ticket, session_id = sessions.issue_ticket(user.username)
                cookie = sessions.redeem_ticket(ticket)
                for _ in range(READS):
                    assert sessions.read(cookie) == (user.username, session_id)
                if i % 2:
                    sessions.revoke(session_id)
                    assert sessions.read(cookie) is None
                audit.entries(20)  # the audit page, now and then
                with lock:
                    counts["password" if i % 2 else "demo"] += 1
                    counts["revoked_seen"] += i % 2
                i += 1
        except Exception as e:  # noqa: BLE001 — reported to the test, which names it
            with lock:
                errors.append(f"{type(e).__name__}: {e}")

    threads = [threading.Thread(target=session, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps([number, counts, errors]))


def test_many_sessions_at_once_on_one_state_file(state):
    from security import audit, sessions

    tickets = [sessions.issue_ticket(f"shared{i}")[0] for i in range(20)]
    start = time.time() + 5  # after every process has imported what it needs
    procs = [subprocess.Popen([sys.executable, "-c", "import sys, json; from tests.test_state_concurrency import _worker; "
                               "_worker(*json.loads(sys.argv[1]))", json.dumps([state, n, tickets, start])],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)  # new processes, as servers would be
             for n in range(PROCESSES)]
    results = []
    for p in procs:
        output, _ = p.communicate(timeout=SECONDS + 150)
        assert p.returncode == 0
        results.append(json.loads(output.strip().splitlines()[-1]))
    errors = [e for _, _, errs in results for e in errs]
    assert not errors, f"{len(errors)} errors, e.g. {errors[:3]}"

    demo, password = (sum(c[kind] for _, c, _ in results) for kind in ("demo", "password"))
    assert demo >= PROCESSES * THREADS and password >= PROCESSES * THREADS / 2  # everyone signed in, most twice
    assert sum(c["revoked_seen"] for _, c, _ in results) == password
    redeemed = [t for _, c, _ in results for t in c["redeemed"]]
    assert sorted(redeemed) == sorted(tickets)  # every ticket once, by one process only
    assert sum(c["checked"] for _, c, _ in results) == MAX_FAILURES  # only five passwords were ever tried
    locked = sum(c["locked"] for _, c, _ in results)
    assert locked == 2 * PROCESSES - MAX_FAILURES
    entries = audit.entries(100 * (demo + password))
    assert sum(e[2] == "sign_in" for e in entries) == demo + password
    assert sum(e[2] == "sign_in_failed" for e in entries) == MAX_FAILURES
    check = audit.verify()  # one chain; its entries with the attempts that entries() leaves out
    assert check.holds and check.entries == demo + 2 * password + 2 * MAX_FAILURES + locked
    with sqlite3.connect(state) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    print(f"{demo} demo and {password} password sign-ins by {PROCESSES * THREADS} sessions in {SECONDS} s")


def test_a_reader_does_not_hold_up_a_writer(state):
    """The audit page reading the log on one connection, a sign-in writing on another: the write
    commits at once, and the reader keeps the snapshot it began with."""
    from security import audit

    audit.record("a", "export", "x.xlsx")
    reader = sqlite3.connect(state, isolation_level=None, timeout=0)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM audit").fetchone()[0] == 1
    t0 = time.monotonic()
    audit.record("b", "sign_in", "demo")
    assert time.monotonic() - t0 < 5
    assert reader.execute("SELECT count(*) FROM audit").fetchone()[0] == 1  # its own snapshot
    reader.execute("COMMIT")
    assert reader.execute("SELECT count(*) FROM audit").fetchone()[0] == 2
    reader.close()
    assert audit.verify().holds


def test_a_writer_does_not_hold_up_readers(state):
    """A write transaction left open (a sign-in half-way) while pages run: reading whether a session
    was signed out, and the log, answer at once from what was committed."""
    from security import audit, sessions

    ticket, session_id = sessions.issue_ticket("demo_admin")
    cookie = sessions.redeem_ticket(ticket)
    audit.record("a", "export", "x.xlsx")
    writer = sqlite3.connect(state, isolation_level=None, timeout=0)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO revoked_sessions VALUES (?, ?)", (session_id, time.time() + 60))
    try:
        t0 = time.monotonic()
        assert sessions.read(cookie) == ("demo_admin", session_id)  # not revoked until it commits
        assert [e[2] for e in audit.entries()] == ["export"]
        assert audit.verify().holds
        assert time.monotonic() - t0 < 5
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert sessions.read(cookie) is None


def test_a_second_process_finds_the_tables_made(state):
    """Made once per process: a process that starts on a file another made writes to it at once."""
    from security import audit

    audit.record("a", "export", "x.xlsx")
    script = ("from security import audit, sessions; audit.record('b', 'export', 'y.xlsx'); "
              "t, s = sessions.issue_ticket('demo_admin'); c = sessions.redeem_ticket(t); "
              "assert sessions.read(c)[1] == s")
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=60,
                   env=dict(os.environ, SPZX_STATE=state))
    assert [e[1] for e in audit.entries()] == ["b", "a"] and audit.verify().holds
