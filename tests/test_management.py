"""The 审判管理 lists agree with the catalogue's indicators under the same scope and period."""
from __future__ import annotations

import datetime as dt

import pytest

from metrics import Period, Scope, compute
from metrics.management import backlog_progress, four_types_cases, leader_caseload, year_start_backlog
from tests.test_demo_v2 import con  # noqa: F401  (fixture)

SCOPES = [Scope(), Scope(court="示01", with_subordinates=True), Scope(court="示0102", category="民事"),
          Scope(court="示0203", enterprise=True)]
PERIOD = Period.parse("2026Q3", cumulative=True)


def _indicator(con, scope, ind):  # noqa: F811
    return compute(con, PERIOD, None, scope, [ind]).iloc[0]


@pytest.mark.parametrize("scope", SCOPES, ids=str)
def test_leaders_closed_add_up_to_the_share(con, scope):  # noqa: F811
    leaders = leader_caseload(con, PERIOD, scope)
    share = _indicator(con, scope, "leader_closed_share")
    assert leaders["closed"].sum() == share["numerator"]
    assert set(leaders["position"]) <= {"院长", "副院长", "审委会专职委员", "庭长", "副庭长"}
    idle = list(leaders["closed"] == 0)
    assert idle == sorted(idle, reverse=True)  # those who closed none come first


@pytest.mark.parametrize("scope", SCOPES, ids=str)
def test_four_types_list_holds_the_rate(con, scope):  # noqa: F811
    cases = four_types_cases(con, PERIOD, scope)
    closed = cases[cases["status"] == "closed"]
    rate = _indicator(con, scope, "four_types_review_rate")
    assert (len(closed), int(closed["reviewed"].sum())) == (rate["denominator"], rate["numerator"])
    flags = list(cases["reviewed"])
    assert flags == sorted(flags)  # unreviewed first


@pytest.mark.parametrize("scope", SCOPES, ids=str)
def test_year_start_backlog_is_the_rate_behind(con, scope):  # noqa: F811
    as_of = PERIOD.end
    backlog = year_start_backlog(con, scope, as_of)
    rate = _indicator(con, scope, "backlog_clearance_rate")
    assert len(backlog) == rate["denominator"]
    assert (backlog["status"] == "cleared").sum() == rate["numerator"]
    progress = backlog_progress(backlog, as_of)
    assert (progress["month"].iloc[0], progress["month"].iloc[-1]) == ("2026-01", "2026-12")
    assert progress["cleared"].iloc[as_of.month - 1] == rate["numerator"]
    assert progress["cleared"].iloc[as_of.month:].isna().all()  # months to come are empty
    assert progress["even"].iloc[-1] == 1


def test_backlog_progress_of_an_empty_backlog():
    import pandas as pd

    empty = pd.DataFrame({"closed_date": pd.Series([], dtype=object)})
    progress = backlog_progress(empty, dt.date(2026, 3, 31))
    assert list(progress["cleared"].iloc[:3]) == [0, 0, 0] and progress["share"].isna().all()
