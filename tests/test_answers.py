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
    monkeypatch.setenv("SPZX_WARM", "1")  # the suite's servers run without it (tests/conftest.py)
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


def test_each_asker_gets_a_copy_of_its_own(world):
    import pandas as pd

    @answers.shared(8)
    def _frame(n):
        return pd.DataFrame({"x": range(n)})

    first = _frame(3)
    first["added"] = 1  # a page adds columns to what it gets
    first.loc[0, "x"] = 99
    again = _frame(3)
    assert list(again.columns) == ["x"] and list(again["x"]) == [0, 1, 2]
    again["x"] = 7
    assert list(_frame(3)["x"]) == [0, 1, 2]


def test_a_failed_computation_is_not_kept_and_the_waiting_asker_makes_it(world, monkeypatch):
    monkeypatch.setenv("SPZX_WARM", "0")  # no warming thread asking as well
    started, release, attempts = threading.Event(), threading.Event(), []

    @answers.shared(8)
    def _flaky(x):
        attempts.append(x)
        if len(attempts) == 1:
            started.set()
            release.wait(10)
            raise RuntimeError("the first attempt fails")
        return x + 1

    errors, results = [], []

    def first():
        try:
            _flaky(1)
        except RuntimeError as e:
            errors.append(e)

    one = threading.Thread(target=first)
    one.start()
    started.wait(10)
    two = threading.Thread(target=lambda: results.append(_flaky(1)))
    two.start()  # waits for the first attempt
    release.set()
    one.join(10), two.join(10)
    assert len(errors) == 1 and results == [2] and attempts == [1, 1]
    assert _flaky(1) == 2 and attempts == [1, 1]  # kept now


def test_arguments_that_are_no_key_are_computed_each_time(world):
    calls = []

    @answers.shared(8)
    def _total(values):
        calls.append(1)
        return sum(values)

    assert _total([1, 2]) == 3 and _total([1, 2]) == 3 and len(calls) == 2
