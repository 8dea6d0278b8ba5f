"""The state file's follow-up reads are kept until anything is committed to it
(security/state_sqlite.py, _Watched): a note added by this process or by another process, and a
state file deleted and made again, are seen by the very next read; two reads with nothing
committed between them run no second query."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from followup import store
from followup.model import Note, Unit
from security import state_sqlite

from tests.helpers import ROOT


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)
    return tmp_path / "state.sqlite"


def _note(text: str) -> Note:
    return Note(0, "within_limit_rate", Unit("示0101"), "2026-09", text, "", "")


def _texts() -> list[str]:
    return [n.text for n in store.notes()]


def _statements(path) -> list[str]:
    """The statements the kept connection on `path` runs from now on."""
    ran: list[str] = []
    state_sqlite._watching[os.path.abspath(path)]._con.set_trace_callback(ran.append)
    return ran


def test_a_note_added_here_is_read_next(state):
    assert _texts() == []  # no file yet
    store.add_note(_note("一"), "admin")
    assert _texts() == ["一"]
    ran = _statements(state)
    assert _texts() == ["一"] and _texts() == ["一"]
    assert [s for s in ran if not s.startswith("PRAGMA data_version")] == []  # kept: no query ran again
    store.add_note(_note("二"), "admin")
    assert _texts() == ["一", "二"]
    assert any(s.startswith("SELECT") for s in ran)  # the commit made it read again


def test_a_note_added_by_another_process_is_read_next(state):
    store.add_note(_note("一"), "admin")
    assert _texts() == ["一"]
    code = ("from followup import store; from followup.model import Note, Unit; "
            "store.add_note(Note(0, 'within_limit_rate', Unit('示0102'), '2026-09', '二', '', ''), 'other')")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env=dict(os.environ))
    assert _texts() == ["一", "二"]


def test_a_state_file_made_again_is_read_afresh(state):
    store.add_note(_note("旧"), "admin")
    assert _texts() == ["旧"]
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{state}{suffix}"):
            os.remove(f"{state}{suffix}")
    assert _texts() == []  # deleted: nothing decided
    store.add_note(_note("新"), "admin")
    assert _texts() == ["新"]


def test_a_caller_changing_its_list_changes_nothing_kept(state):
    store.add_note(_note("一"), "admin")
    rows = state_sqlite.SqliteStore(str(state)).read("SELECT text FROM followup_notes")
    rows.append(("假",))
    assert _texts() == ["一"]
    assert state_sqlite.SqliteStore(str(state)).read("SELECT text FROM followup_notes") == [("一",)]
