"""Reads kept for a data version (metrics/shared_reads.py): the same answers as reading afresh, for
every period, level and scope, each read made once however many ask at once, and nothing kept
outside `sharing` (the command line and the worked examples read afresh)."""
from __future__ import annotations

import threading
import time

import duckdb
import pandas as pd
import pytest

from data.demo import generate
from metrics import Period, Scope, shared_reads
from metrics.api import indicator_table
from metrics.engine import compute


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("shared_reads") / "demo.duckdb")
    generate(path, cases=40_000, progress=False)
    with duckdb.connect(path, read_only=True) as c:
        yield c


@pytest.fixture(autouse=True)
def empty():
    shared_reads.clear()
    yield
    shared_reads.clear()


QUESTIONS = [(period, scope, by) for period in ("2026Q3", "2026Q2", "2025Q4", "2026")
             for scope in (Scope(), Scope(court="示01", with_subordinates=True), Scope(court="示0101"),
                           Scope(category="民事"), Scope(court="示0101", enterprise=True))
             for by in (None, "court", "division", "judge")]


def test_kept_reads_give_the_answers_read_afresh(con):
    """Every question asked twice while sharing (the second from what the first kept) equals the
    same question read afresh, NaN for NaN."""
    for period, scope, by in QUESTIONS:
        p = Period.parse(period, True)
        fresh = indicator_table(con, p, scope, by)
        with shared_reads.sharing("v1"):
            first = indicator_table(con, p, scope, by)
            again = indicator_table(con, p, scope, by)
        pd.testing.assert_frame_equal(first, fresh, check_exact=True)
        pd.testing.assert_frame_equal(again, fresh, check_exact=True)
    monthly = compute(con, Period.parse("2026"), "month", Scope(court="示01", with_subordinates=True))
    with shared_reads.sharing("v1"):
        kept = compute(con, Period.parse("2026"), "month", Scope(court="示01", with_subordinates=True))
    pd.testing.assert_frame_equal(kept, monthly, check_exact=True)


def test_a_scope_is_read_once_for_all_its_periods(con, monkeypatch):
    """Four periods (and their 同比 and 环比) of one scope and level: each read made once, where
    reading afresh makes each of them for every period and comparison."""
    made = []
    real = shared_reads.read

    def counting(key, make):
        return real(key, lambda: (made.append(key), make())[1])

    monkeypatch.setattr(shared_reads, "read", counting)

    def ask_four():
        for period in ("2026Q3", "2026Q2", "2026Q1", "2025Q4"):
            indicator_table(con, Period.parse(period, True), Scope(court="示01", with_subordinates=True), "court")

    with shared_reads.sharing("v1"):
        ask_four()
    kept = list(made)
    made.clear()
    ask_four()
    assert len(kept) == len(set(kept)) and {k[0] for k in kept} >= {"monthly", "distinct"}
    assert len(made) >= 4 * len(kept)  # afresh: every read again for each period, 同比 and 环比


def test_nothing_is_kept_outside_sharing(con):
    indicator_table(con, Period.parse("2026Q3", True), Scope(), "court")
    assert shared_reads._kept == {}


def test_another_version_reads_afresh():
    made = []
    for version in ("v1", "v1", "v2"):
        with shared_reads.sharing(version):
            shared_reads.read(("k",), lambda: made.append(version) or version)
    assert made == ["v1", "v2"]


def test_askers_at_once_wait_for_one_read():
    made, results = [], []

    def slow():
        made.append(1)
        time.sleep(0.3)
        return "value"

    def ask():
        with shared_reads.sharing("v1"):
            results.append(shared_reads.read(("slow",), slow))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert made == [1] and results == ["value"] * 8


def test_the_oldest_reads_go_beyond_the_budget(monkeypatch):
    import numpy as np

    monkeypatch.setattr(shared_reads, "BUDGET_BYTES", 3 * 8000)
    with shared_reads.sharing("v1"):
        for i in range(5):
            shared_reads.read(("a", i), lambda: np.zeros(1000))
    kept = [k[2] for k in shared_reads._kept]
    assert kept == [2, 3, 4]
