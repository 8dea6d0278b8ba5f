"""Issue 25, item 12: every change of the data is recorded, whoever made it. Imports and rollbacks
typed at a terminal (`python -m data ingest | visits | rollback`) go into the audit log as the
page's do (the same events and details, failures too), the user being the account that ran the
command (`cli:<name>`), in the state the server uses (SPZX_STATE, or SPZX_STATE_URL)."""
from __future__ import annotations

import os
import pwd
import subprocess
import sys

import pytest

from tests.helpers import ROOT, WORKED

V3 = WORKED.parent / "worked-example-v3"
WHO = f"cli:{pwd.getpwuid(os.getuid()).pw_name}"  # the account, whatever $USER says


def cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, USER="someone-else", LOGNAME="someone-else")
    return subprocess.run([sys.executable, "-m", "data", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def entries() -> list[tuple]:
    """(user, event, detail), oldest first."""
    from security import audit

    return [(user, event, detail) for _at, user, event, detail in reversed(audit.entries())]


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)
    return tmp_path


def _ingest(tmp_path, cases=WORKED / "cases.csv", *more: str) -> subprocess.CompletedProcess:
    return cli("ingest", str(cases), "--courts", str(WORKED / "courts.csv"), "--db", str(tmp_path / "db.duckdb"),
               "--rejects", str(tmp_path / "r.csv"), *more)


def test_an_import_from_the_command_line_is_recorded_as_the_page_records_it(state):
    from present import audit_text
    from security import audit

    p = _ingest(state)
    assert p.returncode == 0, p.stderr
    assert entries() == [(WHO, "import", "cases.csv: read 308, accepted 279, rejected 29")]
    assert audit.verify().holds
    # the page's shape: the audit page shows it in words, not as stored
    assert audit_text.detail_text("import", entries()[0][2], "zh") != entries()[0][2]


def test_a_failed_import_is_recorded_too(state):
    bad = state / "bad.csv"
    bad.write_text("案号,x\n1,2\n", encoding="utf-8")
    p = _ingest(state, bad)
    assert p.returncode == 1 and "Traceback" not in p.stderr
    [(user, event, detail)] = entries()
    assert (user, event) == (WHO, "import")
    assert detail.startswith("failed: bad.csv: ") and "required column missing" in detail
    assert detail.count("bad.csv") == 1, detail  # the file named once


def test_a_refused_workbook_is_named_once(state):
    from tests.attacks.test_crafted_files import crafted

    bomb = crafted(state / "bomb.xlsx")  # issue 25's 16,384 cells without r=
    assert _ingest(state, bomb).returncode == 1
    [(_user, _event, detail)] = entries()
    assert detail.startswith("failed: bomb.xlsx: ") and detail.count("bomb.xlsx") == 1, detail


def test_an_import_stopped_at_the_memory_bound_is_recorded(state, monkeypatch):
    monkeypatch.setenv("SPZX_IMPORT_MEMORY_MB", "150")
    p = _ingest(state)
    assert p.returncode == 1
    [(user, event, detail)] = entries()
    assert (user, event) == (WHO, "import") and detail.startswith("failed: cases.csv: ") and "memory limit" in detail


def test_a_visits_import_is_named_as_the_page_names_it(state):
    assert cli("ingest", str(V3 / "cases.csv"), "--courts", str(V3 / "courts.csv"), "--judges", str(V3 / "judges.csv"),
               "--db", str(state / "db.duckdb"), "--rejects", str(state / "r.csv")).returncode == 0
    p = cli("visits", str(V3 / "visits.csv"), "--db", str(state / "db.duckdb"), "--rejects", str(state / "v.csv"))
    assert p.returncode == 0, p.stderr
    user, event, detail = entries()[-1]
    assert (user, event) == (WHO, "import")
    assert detail.startswith("visits.csv: read ") and detail.endswith(", visits list")


def test_a_rollback_is_recorded_as_the_account_and_a_failed_one_too(state):
    assert _ingest(state).returncode == 0
    assert _ingest(state).returncode == 0  # the first build is now a version
    p = cli("rollback", "--db", str(state / "db.duckdb"))
    assert p.returncode == 0, p.stderr
    user, event, detail = entries()[-1]
    assert (user, event) == (WHO, "rollback") and detail.endswith(", command line")
    p = cli("rollback", "20990101T000000", "--db", str(state / "db.duckdb"))
    assert p.returncode == 2
    user, event, detail = entries()[-1]
    assert (user, event) == (WHO, "rollback") and detail.startswith("failed: 20990101T000000: ")


def test_the_state_the_server_uses_postgres_included(tmp_path, backend):
    """SPZX_STATE_URL, as the server reads it (tests/conftest.py `backend`: SQLite, then PostgreSQL)."""
    from security import audit

    assert _ingest(tmp_path).returncode == 0
    assert [(e[1], e[2]) for e in audit.entries()] == [(WHO, "import")]
    assert audit.verify().holds


def test_output_of_a_good_import_is_as_before(state):
    """spec/cli.md: one summary line on stdout, nothing on stderr."""
    p = _ingest(state)
    assert p.stderr == "" and len(p.stdout.strip().splitlines()) == 1
    assert p.stdout.startswith("读取 308 行 = 接收 279 + 拒绝 29 / rows read 308 = accepted 279 + rejected 29  (新增 added 279")


def test_an_audit_log_that_cannot_be_written_is_said_but_the_import_stands(tmp_path, monkeypatch):
    """spec/cli.md: exit 0 once the file was processed. The data changed, so the command says on
    stderr that its record is missing rather than pretending the import failed."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the state's folder should be")
    monkeypatch.setenv("SPZX_STATE", str(blocked / "state.sqlite"))
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)
    monkeypatch.setenv("SPZX_SECRET", "k" * 40)
    p = _ingest(tmp_path)
    assert p.returncode == 0, p.stderr
    assert "审计日志无法写入 / the audit log could not be written" in p.stderr
    assert p.stdout.startswith("读取 308 行")
