"""Identities that must hold on any data, checked on a generated demo province."""
from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from metrics import Period, Scope, compute
from tests.test_metrics_worked_example import ROOT


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    subprocess.run([sys.executable, "-m", "data", "generate", "--db", db, "--cases", "20000", "--quiet"],
                   cwd=ROOT, check=True)
    con = duckdb.connect(db, read_only=True)
    yield con
    con.close()


@pytest.mark.parametrize("year", [2024, 2025])
def test_flow_identity_every_court_and_quarter(demo, year):
    ids = ["carried_over", "received", "closed", "pending"]
    for q in range(1, 5):
        df = compute(demo, Period.parse(f"{year}Q{q}"), "court", Scope(), ids)
        wide = df.pivot(index="court_code", columns="indicator", values="value")
        assert len(wide) > 10
        assert ((wide.carried_over + wide.received - wide.closed) == wide.pending).all()
        nxt = compute(demo, Period.parse(f"{year + (q == 4)}Q{q % 4 + 1}"), "court", Scope(), ["carried_over"])
        # what is pending at the end of a quarter is carried over into the next
        assert (nxt.set_index("court_code")["value"] == wide.pending).all()


def test_groups_add_up_to_the_district(demo):
    period = Period.parse("2025Q2", cumulative=True)
    whole = compute(demo, period, None, Scope(), ["received", "closed", "reversal_remand_rate"]).set_index("indicator")
    by_court = compute(demo, period, "court", Scope(), ["received", "closed", "reversal_remand_rate"])
    sums = by_court.groupby("indicator")[["numerator", "denominator"]].sum()
    for ind in ("received", "closed"):
        assert sums.loc[ind, "numerator"] == whole.loc[ind, "numerator"]
    # attributed to origin: every reversal lands on exactly one first-instance court
    assert sums.loc["reversal_remand_rate", "numerator"] == whole.loc["reversal_remand_rate", "numerator"] > 0
    months = compute(demo, period, "month", Scope(), ["received"])
    assert months["value"].sum() == whole.loc["received", "value"]
