"""Issue 25, items 1-3: the audit record rewritten or cut by someone who can write the state (the
SQLite file, or PostgreSQL as its superuser) but cannot read the server key; and the state file
deleted while serving. Each test is the attack as it was tried; each runs on both state backends
where the attack applies to both."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from security import audit, sessions
from security.users import SignInError, User, UserConfig, hash_password, sign_in
from tests.helpers import ROOT
from tests.test_metrics_identities import demo  # noqa: F401  (fixture)

PASSWORD = "correct horse battery"


def _config() -> UserConfig:
    from metrics.access import Access

    user = User("clerk", "书记员", Access("head", "示0101", "民一庭"), hash_password(PASSWORD))
    return UserConfig({"clerk": user}, False, 3, 15)


def _history(cfg: UserConfig) -> None:
    """A working day: failed and good sign-ins (the lock-out count lives in them), exports."""
    for _ in range(2):
        with pytest.raises(SignInError):
            sign_in(cfg, "clerk", "wrong")
    sign_in(cfg, "clerk", PASSWORD)
    for i in range(3):
        audit.record("clerk", "export", f"file{i}.xlsx")


def _verify_cli(backend) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "security", "verify-audit", "--state", backend.location], cwd=ROOT,
                          capture_output=True, text=True, env={"SPZX_STATE": os.environ["SPZX_STATE"],
                                                               "PATH": "/usr/bin:/bin"})


def _head_file() -> str:
    return audit.store().head_file()


# --- item 1: a log rewritten without the key is never re-anchored by a later write ---------------

def test_a_rewritten_log_stays_broken_whatever_is_written_after(backend, demo, monkeypatch):  # noqa: F811
    """Drop the triggers, delete the sign-in entries (the lock-out count goes with them), blank
    every hash and prev, put the triggers back with their own text; then the server writes (a
    sign-in, a rollback). Before: the write anchored the forged rows and the log 'held'."""
    cfg = _config()
    _history(cfg)
    backend.tamper("DELETE FROM audit WHERE event IN ('sign_in_attempt', 'sign_in', 'sign_in_failed')")
    backend.tamper("UPDATE audit SET hash = '', prev = ''")
    first = audit.verify().broken_at  # the first entry left, its hash blanked
    assert first > 1
    _restarted_server_writes()
    sign_in(cfg, "clerk", PASSWORD)  # and a server that kept running
    check = audit.verify()
    assert not check.holds and check.broken_at == first, check
    p = _verify_cli(backend)
    assert p.returncode == 1 and f"broken at entry {first}" in p.stderr
    events = [e[2] for e in audit.entries()]
    assert audit.CHAIN_STARTED not in events and audit.RESEALED not in events
    _page_says_broken(demo, monkeypatch, f"第 {first} 条起链条断开")


def _restarted_server_writes() -> None:
    """A new process (a restarted server's first sign-in, then a rollback from the command
    line): before, its first write anchored whatever it found without hashes."""
    script = ("from security import audit; assert audit.claim_attempt('clerk', 3, 15); "
              "audit.record('clerk', 'sign_in', 'password'); "
              "audit.record('admin', 'rollback', '20261205T101010: import cases.csv (10 cases)')")
    env = {k: os.environ[k] for k in ("SPZX_STATE", "SPZX_STATE_URL") if k in os.environ}
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, env={**env, "PATH": "/usr/bin:/bin"})


def _page_says_broken(demo, monkeypatch, words: str) -> None:  # noqa: F811
    import html

    from streamlit.testing.v1 import AppTest

    from ui.pages import BY_KEY

    db = demo.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    monkeypatch.setenv("SPZX_DB", db)
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(os.path.join(ROOT, "app.py"), default_timeout=60)
    at.session_state["_user"] = "demo_admin"
    at.run()
    at = at.switch_page(BY_KEY["audit_log"].path).run()
    assert not at.exception and not at.success and words in html.unescape(at.error[0].value)


# --- item 2: cutting the log is seen ------------------------------------------------------------

def _log(n: int) -> None:
    for i in range(n):
        audit.record(f"user{i}", "export", f"file{i}.xlsx")


def test_the_newest_entries_cut_are_seen_and_stay_seen(backend):
    _log(5)
    backend.tamper("DELETE FROM audit WHERE id > 3")
    check = audit.verify()
    assert not check.holds and check.kind == "cut" and "cut after 3" in check.reason
    p = _verify_cli(backend)
    assert p.returncode == 1 and "cut after 3" in p.stderr and "head: 5 entries, id 5" in p.stderr
    _log(3)  # the ids cut are written again, by the key: the head still names the ones cut
    check = audit.verify()
    assert not check.holds and check.kind == "cut" and check.head.id == 5


def test_the_log_emptied_is_seen(backend, demo, monkeypatch):  # noqa: F811
    _log(4)
    backend.tamper("DELETE FROM audit")
    check = audit.verify()
    assert not check.holds and check.kind == "emptied" and check.entries == 0
    assert _verify_cli(backend).returncode == 1
    _page_says_broken(demo, monkeypatch, "审计记录被截断或清空")
    _log(1)
    assert not audit.verify().holds


def test_the_table_dropped_is_seen(backend):
    _log(4)
    backend.tamper("DROP TABLE audit", restore=False)
    check = audit.verify()
    assert not check.holds and check.kind == "emptied"
    _log(2)  # the next write makes the table again
    check = audit.verify()
    assert not check.holds and check.kind == "cut"


def test_a_forged_or_removed_head_is_seen(backend):
    _log(3)
    path = _head_file()
    assert oct(os.stat(path).st_mode)[-3:] == "600"  # the owner's only, as the state and the key
    good = open(path).read()
    forged = json.loads(good)
    forged.update(entries=2, id=2)  # a head of their own, to hide a cut: its HMAC cannot be made
    with open(path, "w") as f:
        json.dump(forged, f)
    check = audit.verify()
    assert not check.holds and check.kind == "head_forged"
    assert _verify_cli(backend).returncode == 1
    _log(1)  # a write leaves the forged head as it is: the evidence stays
    assert json.load(open(path))["id"] == 2 and audit.verify().kind == "head_forged"
    os.remove(path)
    check = audit.verify()
    assert not check.holds and check.kind == "head_missing"
    _log(1)  # nor does a write make a new head over a log it did not see begin
    assert not os.path.exists(path) and audit.verify().kind == "head_missing"


def test_the_head_and_the_log_put_back_together_hold_the_known_limit(backend):
    """What the head cannot see: the log cut back to where an earlier copy of the head was taken,
    and that copy put back. Only a head written down elsewhere catches it (verify-audit prints it)."""
    _log(3)
    earlier = open(_head_file()).read()
    _log(2)
    backend.tamper("DELETE FROM audit WHERE id > 3")
    with open(_head_file(), "w") as f:
        f.write(earlier)
    check = audit.verify()
    assert check.holds and check.entries == 3  # unseen: the documented limit
    assert check.head.id == 3


def test_a_cut_acknowledged_by_reseal_then_holds_and_says_so(backend):
    _log(5)
    backend.tamper("DELETE FROM audit WHERE id > 2")
    with pytest.raises(ValueError):
        audit.reseal("  ", "admin")
    assert not audit.verify().holds
    vouched, detail = audit.reseal("disk restored from the backup of Tuesday", "admin")
    assert vouched == 2 and "before: entries cut after 2" in detail and "head before: 5 entries, id 5" in detail
    check = audit.verify()
    assert check.holds and check.entries == 3 and check.head.id == 3
    _log(2)
    assert audit.verify().holds and audit.verify().head.id == 5
    backend.tamper("DELETE FROM audit WHERE id = 5")  # cut again after the reseal
    assert not audit.verify().holds


def test_reseal_needs_the_key(state_file):
    _log(2)
    os.remove(os.path.join(os.path.dirname(state_file), "server.key"))
    p = subprocess.run([sys.executable, "-m", "security", "reseal-audit", "--reason", "x"], cwd=ROOT,
                       capture_output=True, text=True, env={"SPZX_STATE": state_file, "PATH": "/usr/bin:/bin"})
    assert p.returncode == 2 and "server key" in p.stderr
    assert not os.path.exists(os.path.join(os.path.dirname(state_file), "server.key"))


@pytest.fixture
def state_file(tmp_path, monkeypatch):
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)
    monkeypatch.delenv("SPZX_SECRET", raising=False)
    return str(tmp_path / "state.sqlite")


# --- item 3: the state deleted or replaced while serving ---------------------------------------

def _cookie(username: str) -> str:
    ticket, _ = sessions.issue_ticket(username)
    cookie = sessions.redeem_ticket(ticket)
    assert sessions.read(cookie)[0] == username
    return cookie


def _sign_in_with_cookie(cfg: UserConfig) -> str:
    sign_in(cfg, "clerk", PASSWORD)
    return _cookie("clerk")


def test_the_state_file_deleted_while_serving(state_file):
    """This process keeps serving while the file goes. The next sign-in makes the state again
    (before: 'no such table: session_tickets' until a restart), the event is in the new log with
    the head before it, and no cookie of the earlier state reads — the signed-out one least."""
    cfg = _config()
    signed_out, kept = _sign_in_with_cookie(cfg), _sign_in_with_cookie(cfg)
    sessions.revoke(sessions.read(signed_out)[1])
    assert sessions.read(signed_out) is None
    os.remove(state_file)
    assert sessions.read(kept) is None and sessions.read(signed_out) is None  # fail closed meanwhile
    fresh = _sign_in_with_cookie(cfg)
    assert sessions.read(fresh)[0] == "clerk"
    assert sessions.read(signed_out) is None and sessions.read(kept) is None
    events = [(e[2], e[3]) for e in audit.entries()]
    replaced = [d for e, d in events if e == audit.STATE_REPLACED]
    assert len(replaced) == 1 and "head before:" in replaced[0]
    check = audit.verify()  # the log before is gone: the head says so until a reseal
    assert not check.holds and check.kind == "cut"


def test_the_state_file_replaced_by_an_empty_one(state_file):
    cfg = _config()
    kept = _sign_in_with_cookie(cfg)
    os.remove(state_file)
    shutil.copy(os.devnull, state_file)  # an empty file in its place
    fresh = _sign_in_with_cookie(cfg)
    assert sessions.read(kept) is None and sessions.read(fresh)[0] == "clerk"


def test_a_dropped_revocation_list_fails_closed(backend):
    """Dropping the sign-outs (and the tickets) would bring a signed-out cookie back: the state
    is made again under a new id and no earlier cookie reads."""
    cfg = _config()
    signed_out, kept = _sign_in_with_cookie(cfg), _sign_in_with_cookie(cfg)
    sessions.revoke(sessions.read(signed_out)[1])
    backend.tamper("DROP TABLE revoked_sessions")
    assert sessions.read(signed_out) is None and sessions.read(kept) is None
    assert sessions.revoked("a-session-id")  # a page run's check fails closed too
    fresh = _sign_in_with_cookie(cfg)  # the next sign-in makes it again
    assert sessions.read(fresh)[0] == "clerk"
    assert sessions.read(signed_out) is None and sessions.read(kept) is None
    assert audit.STATE_REPLACED in [e[2] for e in audit.entries()]


def test_the_servers_role_on_postgresql_keeps_sessions_and_the_head(postgres, tmp_path, monkeypatch):
    """The servers' own role (SELECT and INSERT on the log, no DDL) signs in, marks a new state
    recorded, signs out and verifies; the tables' owner made the state (init-state)."""
    import secrets

    from deploy.postgres import new_database

    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.setenv("SPZX_STATE_URL", new_database(postgres, f"test_{secrets.token_hex(6)}", app=True))
    cfg = _config()
    signed_out, kept = _sign_in_with_cookie(cfg), _sign_in_with_cookie(cfg)
    sessions.revoke(sessions.read(signed_out)[1])
    assert sessions.read(signed_out) is None and sessions.read(kept)[0] == "clerk"
    check = audit.verify()
    assert check.holds and check.head.id == check.entries == 4
