"""Answers shared by the server's sessions (ui/answers.py): one computation per question and data
version whoever asks, each counted in SPZX_COMPUTATIONS_LOG; when the data changes, what was asked
before is computed again in the background before anyone asks; a warming that meets an error stops
quietly and the next ask sees the error itself."""
from __future__ import annotations

import threading

import pytest

from ui import answers


@pytest.fixture
def world(tmp_path, monkeypatch):
    log = tmp_path / "computations.log"
    monkeypatch.setenv("SPZX_COMPUTATIONS_LOG", str(log))
    state = {"version": ("v1",)}
    monkeypatch.setattr(answers, "versions", lambda: state["version"])
    monkeypatch.setattr(answers, "_warmed_for", None)
    monkeypatch.setattr(answers, "_seeds", None)
    monkeypatch.setattr(answers, "_asks", type(answers._asks)())
    started = []
    real_thread = threading.Thread

    def thread(*args, **kwargs):  # keep hold of the warming threads, to wait for them
        t = real_thread(*args, **kwargs)
        started.append(t)
        return t

    monkeypatch.setattr(answers.threading, "Thread", thread)

    def lines():
        return log.read_text().split() if log.exists() else []

    def settle():
        for t in list(started):
            t.join(10)
    return state, lines, settle


def test_one_computation_per_question_and_version(world):
    state, lines, settle = world
    calls = []

    @answers.shared(8)
    def _square(x):
        calls.append(x)
        return x * x

    assert [_square(3), _square(3), _square(4), _square(3)] == [9, 9, 16, 9]
    settle()
    assert calls == [3, 4] and lines() == ["_square", "_square"]


def test_a_new_version_is_warmed_with_what_was_asked(world, monkeypatch):
    state, lines, settle = world
    monkeypatch.setattr(answers, "BUSY_SHARE", 0.01)
    calls = []

    @answers.shared(8)
    def _double(x):
        calls.append((state["version"], x))
        return 2 * x

    _double(1), _double(2)
    settle()
    state["version"] = ("v2",)  # an import: nobody has asked yet
    answers._maybe_warm(state["version"])
    settle()
    assert calls[-2:] == [(("v2",), 2), (("v2",), 1)]  # the last asked first
    before = len(calls)
    assert _double(1) == 2 and _double(2) == 4 and len(calls) == before  # the clicks after it: hits


def test_seeds_are_warmed_and_errors_stop_nothing(world, monkeypatch, capsys):
    state, lines, settle = world
    monkeypatch.setattr(answers, "BUSY_SHARE", 0.01)

    @answers.shared(8)
    def _fails(x):
        raise ValueError("bad")

    @answers.shared(8)
    def _ok(x):
        return x

    answers.seed_with(lambda: [(_fails, (1,)), (_ok, (5,))])
    answers._maybe_warm(state["version"])
    settle()
    assert lines() == ["_fails", "_ok"]
    assert "answers warmed: 1" in capsys.readouterr().err
    with pytest.raises(ValueError):  # the page asking it meets the error
        _fails(1)


def test_switched_off(world, monkeypatch):
    state, lines, settle = world
    monkeypatch.setenv("SPZX_WARM", "0")

    @answers.shared(8)
    def _one(x):
        return x

    answers.seed_with(lambda: [(_one, (7,))])
    _one(1)
    settle()
    assert lines() == ["_one"]
