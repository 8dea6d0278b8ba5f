"""ui/per_run.py: an answer is computed once per script run and afresh in the next run (who is
signed in is checked on every click); outside a run, every time. It tells runs apart by the
`cursors` dict Streamlit's ScriptRunContext makes anew when each run starts: held to that here."""
from __future__ import annotations

import os

from streamlit.testing.v1 import AppTest

from ui.per_run import per_run

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMPUTED: list[int] = []


@per_run
def counted(x: int) -> int:
    COMPUTED.append(x)
    return x * 10


def _page():
    import streamlit as st

    from tests.test_per_run import counted

    st.text(f"{counted(1)} {counted(1)} {counted(2)} {counted(1)}")


def test_once_per_run_and_again_in_the_next(monkeypatch):
    monkeypatch.chdir(ROOT)
    COMPUTED.clear()
    at = AppTest.from_function(_page).run()
    assert not at.exception
    assert [m.value for m in at.text] == ["10 10 20 10"]
    assert COMPUTED == [1, 2]
    at.run()
    assert COMPUTED == [1, 2, 1, 2]


def test_outside_a_run_every_time():
    COMPUTED.clear()
    assert counted(3) == counted(3) == 30
    assert COMPUTED == [3, 3]
