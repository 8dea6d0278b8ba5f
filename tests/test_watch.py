"""`python -m data watch`: files dropped into a folder import by themselves (with a profile),
rejects kept beside them, failures filed with the reason, all in the audit log; a file still
being written is left for the next look; the database records which file arrived when (the
pages' header shows it: tests/test_strange_data_date.py)."""
from __future__ import annotations

import os
import subprocess
import sys
import time

from data.watch import watch
from tests.helpers import ROOT, case, stored_cases, write_cases, write_courts


def _old(path, seconds: float = 60) -> None:
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_dropped_files_are_imported_and_filed(tmp_path, monkeypatch):
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    inbox, db = tmp_path / "inbox", tmp_path / "db.duckdb"
    inbox.mkdir()
    courts = write_courts(tmp_path / "k.csv")
    good = write_cases(inbox / "示0102.csv", [case(serial=1), case(serial=2, filed_date="2025-02-30")])
    bad = inbox / "broken.csv"
    bad.write_text("案号\n(2025)示0102民初3号\n", encoding="utf-8")
    fresh = write_cases(inbox / "still-copying.csv", [case(serial=4)])
    (inbox / "~$lock.xlsx").write_bytes(b"x")
    for p in (good, bad):
        _old(p)
    events = []
    n = watch(str(inbox), str(db), str(courts), once=True, settle=30, record=lambda e, d: events.append((e, d)))
    assert n == 1 and set(stored_cases(db)) == {"(2025)示0102民初1号"}
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:  # what the header shows as the last arrival
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    assert meta["source"] == "示0102.csv" and meta["built_at"]
    done, failed = sorted(os.listdir(inbox / "done")), sorted(os.listdir(inbox / "failed"))
    assert [f.split("-", 1)[1] for f in done] == ["示0102.csv", "示0102.csv.rejects.csv"]
    assert [f.split("-", 1)[1] for f in failed] == ["broken.csv", "broken.csv.error.txt"]
    assert "required column missing" in (inbox / "failed" / failed[1]).read_text(encoding="utf-8")
    assert sorted(os.listdir(inbox)) == ["done", "failed", "still-copying.csv", "~$lock.xlsx"]  # left for later
    assert sorted(d.split(":")[0] for e, d in events if e == "import") == ["failed", "示0102.csv"]
    _old(fresh)
    assert watch(str(inbox), str(db), once=True, settle=30, record=lambda e, d: None) == 1
    assert len(stored_cases(db)) == 2


def test_watch_from_the_command_line_with_a_profile(tmp_path):
    from tests.test_profiles import _their_file

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    db = tmp_path / "db.duckdb"
    _old(_their_file(inbox / "export.csv"))
    env = dict(os.environ, SPZX_STATE=str(tmp_path / "state.sqlite"))
    p = subprocess.run([sys.executable, "-m", "data", "watch", str(inbox), "--db", str(db), "--courts",
                        str(write_courts(tmp_path / "k.csv")), "--profile", "示例审判系统", "--once"],
                       cwd=ROOT, env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "1 files imported" in p.stdout and len(stored_cases(db)) == 5
    from security import audit

    assert audit.entries(path=str(tmp_path / "state.sqlite"))[0][:3][1:] == ("watch", "import")


def test_links_are_left_alone_and_names_never_overwrite(tmp_path):
    inbox, db = tmp_path / "inbox", tmp_path / "db.duckdb"
    inbox.mkdir()
    secret = tmp_path / "secret.csv"
    secret.write_text("案号,承办人\nx,y\n", encoding="utf-8")
    os.symlink(secret, inbox / "link.csv")  # would import any file the service can read
    courts = write_courts(tmp_path / "k.csv")
    for _ in range(2):  # the same name twice within a second
        _old(write_cases(inbox / "same.csv", [case(serial=1)]))
        watch(str(inbox), str(db), str(courts), once=True, settle=30, record=lambda e, d: None)
    assert os.path.islink(inbox / "link.csv")
    done = [f for f in os.listdir(inbox / "done") if not f.endswith(".rejects.csv")]
    assert len(done) == 2
