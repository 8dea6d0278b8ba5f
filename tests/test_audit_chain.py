"""The audit log cannot be rewritten unseen: REPLACE is refused, and an entry changed, removed or
slipped in by editing the file directly (triggers dropped first) breaks the chain, which
`python -m security verify-audit` and the 审计日志 page report. Lock-outs live in the chain.
Each test that touches the log runs on both state backends (SQLite, PostgreSQL)."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tomllib

import pytest

from security import audit
from security.users import SignInError, User, UserConfig, hash_password, sign_in
from tests.helpers import ROOT
from tests.test_metrics_identities import demo  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)
    monkeypatch.delenv("SPZX_SECRET", raising=False)
    return tmp_path / "state.sqlite"


def _log(n: int = 4) -> None:
    for i in range(n):
        audit.record(f"user{i}", "export", f"file{i}.xlsx")


def _verify(backend) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "security", "verify-audit", "--state", backend.location], cwd=ROOT,
                          capture_output=True, text=True, env={"SPZX_STATE": os.environ["SPZX_STATE"],
                                                               "PATH": "/usr/bin:/bin"})


def test_an_untouched_log_verifies(backend):
    _log()
    check = audit.verify()
    assert check.holds and check.entries == 4
    p = _verify(backend)
    assert p.returncode == 0 and "holds" in p.stdout and audit.state_digest() in p.stdout


# each rewrite as the backend spells it (None: the backend has no such statement)
REPLACE = ("REPLACE INTO audit(id, at, username, event, detail) VALUES (2, 'x', 'x', 'export', 'x')",
           "INSERT INTO audit(id, at, username, event, detail, prev, hash) VALUES (2, 'x', 'x', 'export', 'x', '', '') "
           "ON CONFLICT (id) DO UPDATE SET username = excluded.username")


@pytest.mark.parametrize("sql", [
    REPLACE,
    ("INSERT OR REPLACE INTO audit(id, at, username, event, detail) VALUES (2, 'x', 'x', 'export', 'x')",
     "MERGE INTO audit a USING (SELECT 2 AS id) s ON a.id = s.id WHEN MATCHED THEN UPDATE SET username = 'x'"),
    "UPDATE audit SET username = 'x'",
    "DELETE FROM audit WHERE id = 2",
    (None, "TRUNCATE audit"),
    ("INSERT INTO audit(id, at, username, event, detail) VALUES (1, 'x', 'x', 'export', 'x')",
     "INSERT INTO audit(id, at, username, event, detail, prev, hash) VALUES (1, 'x', 'x', 'export', 'x', '', '')"),
])
def test_rewrites_are_refused(backend, sql):
    sql = sql if isinstance(sql, str) else sql[backend.kind == "postgres"]
    if sql is None:
        pytest.skip(f"no such statement in {backend.kind}")
    _log()
    with pytest.raises(backend.error, match="append-only"):
        backend.raw().execute(sql)
    assert audit.verify().holds


@pytest.mark.parametrize("sql,broken", [
    ("UPDATE audit SET detail = 'other.xlsx' WHERE id = 2", 2),
    ("DELETE FROM audit WHERE id = 2", 3),
    (("REPLACE INTO audit(id, at, username, event, detail, prev, hash) "
      "SELECT id, at, 'someone', event, detail, prev, hash FROM audit WHERE id = 3",
      "INSERT INTO audit(id, at, username, event, detail, prev, hash) "
      "SELECT id, at, 'someone', event, detail, prev, hash FROM audit WHERE id = 3 "
      "ON CONFLICT (id) DO UPDATE SET username = excluded.username"), 3),
    ("INSERT INTO audit(id, at, username, event, detail, prev, hash) "
     "SELECT 9, at, username, event, detail, hash, hash FROM audit WHERE id = 4", 9),
])
def test_direct_edits_break_the_chain_at_the_first_changed_entry(backend, sql, broken):
    _log()
    backend.tamper(sql if isinstance(sql, str) else sql[backend.kind == "postgres"])
    check = audit.verify()
    assert not check.holds and check.broken_at == broken
    p = _verify(backend)
    assert p.returncode == 1 and f"broken at entry {broken}" in p.stderr


def test_a_dropped_trigger_is_reported_then_restored_and_recorded(backend):
    _log()
    backend.tamper("SELECT 1", restore=False)  # the guards dropped, nothing changed (a cut: tests/attacks)
    before = backend.fingerprint()
    check = audit.verify()
    assert not check.holds and "triggers removed" in check.reason
    assert _verify(backend).returncode == 1
    audit.entries()
    assert backend.fingerprint() == before  # checking and reading the log write nothing to it
    audit.record("admin", "export", "next.xlsx")
    events = [e[2] for e in audit.entries()]
    assert events[:2] == ["export", "audit_triggers_restored"]
    assert audit.verify().holds
    with pytest.raises(backend.error, match="append-only"):
        backend.raw().execute("DELETE FROM audit")


def test_blanking_the_hashes_breaks_the_chain(backend):
    _log()
    backend.tamper("UPDATE audit SET hash = '', prev = '', detail = 'forged'")
    check = audit.verify()
    assert not check.holds and check.broken_at == 1


def _raw(state) -> sqlite3.Connection:
    return sqlite3.connect(state, isolation_level=None)


def _old_log(state, rows) -> None:
    con = _raw(state)
    con.execute("CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, username TEXT NOT NULL, "
                "event TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '')")
    con.executemany("INSERT INTO audit(at, username, event, detail) VALUES (?, ?, ?, ?)", rows)
    con.close()


OLD_ROWS = [("2026-01-01T00:00:00", "a", "export", "old1.xlsx"), ("2026-01-02T00:00:00", "b", "import", "old2.csv")]


def _reseal(state, *reason: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "security", "reseal-audit", *reason], cwd=ROOT, capture_output=True,
                          text=True, env={"SPZX_STATE": str(state), "PATH": "/usr/bin:/bin"})


def test_a_log_from_before_the_chain_is_vouched_for_only_by_an_explicit_reseal(state):
    """SQLite only: a PostgreSQL log is chained from its first entry. A write no longer anchors
    the entries without a hash (an attacker could blank a chained log's hashes and wait for one);
    `reseal-audit`, with the key and a reason, does, in an entry that stays in the chain."""
    from tests.state_backends import SqliteBackend

    _old_log(state, OLD_ROWS)
    audit.record("admin", "export", "new.xlsx")
    assert [e[2] for e in audit.entries()] == ["export", "audit_triggers_restored", "import", "export"]
    assert audit.verify().broken_at == 1
    assert _reseal(state).returncode == 2 and _reseal(state, "--reason", " ").returncode == 2
    assert audit.verify().broken_at == 1
    p = _reseal(state, "--reason", "upgraded from the version before the chain")
    assert p.returncode == 0 and "4 条 entries" in p.stdout
    check = audit.verify()
    assert check.holds and check.entries == 5 and check.head.id == 5
    assert [e[2] for e in audit.entries()][0] == audit.RESEALED
    assert "(2 without a hash)" in audit.entries()[0][3] and "upgraded from" in audit.entries()[0][3]
    assert audit.entries()[0][1] == audit.command_line_user()  # cli:<account>: no web account's name
    audit.record("admin", "export", "after.xlsx")
    assert audit.verify().holds
    SqliteBackend(str(state)).tamper("UPDATE audit SET detail = 'changed.csv' WHERE id = 2")
    assert audit.verify().broken_at == 1


def test_an_earlier_versions_anchor_still_verifies(state):
    """A log anchored by an earlier version (`audit_chain_started` naming its entries without a
    hash) verifies as a chain; it has no head until it is resealed once."""
    from security.keys import keyed
    from security.state_sqlite import TRIGGERS

    _old_log(state, OLD_ROWS)
    con = _raw(state)
    for col in ("prev", "hash"):
        con.execute(f"ALTER TABLE audit ADD COLUMN {col} TEXT NOT NULL DEFAULT ''")
    prev = audit.GENESIS
    for entry_id, event, detail in ((3, audit.CHAIN_STARTED, audit._legacy_detail([(1, *OLD_ROWS[0]), (2, *OLD_ROWS[1])])),
                                    (4, "export", "x.xlsx")):
        entry_hash = audit._hash(entry_id, "2026-02-01T00:00:00", "system", event, detail, prev)
        con.execute("INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (entry_id, "2026-02-01T00:00:00", "system", event, detail, prev, entry_hash))
        prev = entry_hash
    for name, body in TRIGGERS.items():
        con.execute(f"CREATE TRIGGER {name} {body}")
    con.close()
    assert keyed("audit", "x")  # the key exists: the anchor was written with it
    check = audit.verify()
    assert check.broken_at is None and check.kind == "head_missing"
    assert _reseal(state, "--reason", "upgraded: the head begins").returncode == 0
    assert audit.verify().holds


def _config(max_failures: int = 3) -> UserConfig:
    users = {"clerk": User("clerk", "书记员", None, hash_password("correct horse battery"))}
    return UserConfig(users, False, max_failures, 15)


def test_a_lock_out_cannot_be_reset_unseen(backend):
    from metrics.access import Access

    cfg = _config()
    cfg.users["clerk"] = User("clerk", "书记员", Access("head", "示0101", "民一庭"), hash_password("correct horse battery"))
    for _ in range(3):
        with pytest.raises(SignInError):
            sign_in(cfg, "clerk", "bad")
    with pytest.raises(SignInError, match="too many failed attempts"):
        sign_in(cfg, "clerk", "correct horse battery")
    backend.tamper(f"DELETE FROM audit WHERE event = '{audit.ATTEMPT}'")  # what resetting the lock-out takes now
    assert not audit.verify().holds


def test_add_user_writes_valid_toml_whatever_the_name(state):
    name = '张"三\\ ]\n[users.admin]\x7f'
    script = ("import getpass, sys; getpass.getpass = lambda prompt='': 'correct horse battery'; "
              "sys.argv = ['security', 'add-user', 'clerk\"x', '--role', 'head', '--court', '示0101', "
              f"'--division', '民一庭', '--name', {name!r}]; "
              "from security.__main__ import main; sys.exit(main())")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    parsed = tomllib.loads(out)
    assert list(parsed["users"]) == ['clerk"x']
    assert parsed["users"]['clerk"x']["name"] == name and parsed["users"]['clerk"x']["role"] == "head"


def test_the_audit_page_says_whether_the_chain_holds(backend, demo, monkeypatch):  # noqa: F811
    import html
    import os

    from streamlit.testing.v1 import AppTest

    from ui.pages import BY_KEY

    db = demo.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    monkeypatch.setenv("SPZX_DB", db)
    monkeypatch.chdir(ROOT)
    _log()

    def page():
        at = AppTest.from_file(os.path.join(ROOT, "app.py"), default_timeout=60)
        at.session_state["_user"] = "demo_admin"
        at.run()
        return at.switch_page(BY_KEY["audit_log"].path).run()

    at = page()
    assert not at.exception and "审计记录完整" in at.success[0].value and not at.error
    backend.tamper("UPDATE audit SET detail = 'other.xlsx' WHERE id = 2")
    at = page()
    assert not at.exception and "第 2 条起链条断开" in html.unescape(at.error[0].value)


def test_the_state_file_is_its_owners_only(state):
    import os
    import stat

    audit.record("a", "export", "x.xlsx")
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o600
