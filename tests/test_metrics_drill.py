"""The cases behind a figure: deciding cases first, counted as the indicator counts them."""
from __future__ import annotations

import pytest

from metrics import BY_ID, CATALOGUE, Period, Scope, compute
from metrics.drill import Rule, indicator_cases, rule
from tests.test_metrics_identities import demo  # noqa: F401  (fixture)
from tests.test_metrics_indicators import Q1, con  # noqa: F401  (fixture)


def test_late_closings_lead_the_within_limit_list(con):  # noqa: F811  (the worked example)
    figures = compute(con, Q1, None, Scope(), ["within_limit_rate"]).iloc[0]
    listed = indicator_cases(con, Q1, Scope(), "within_limit_rate", page_size=None)
    late = int(figures["denominator"] - figures["numerator"])
    assert listed.total == figures["denominator"] and listed.deciding == late > 0
    rows = listed.rows
    assert list(rows["decides"][:late]) == [True] * late and not rows["decides"][late:].any()
    # the fact that decides: closed after the time limit (net days beyond limit + extension)
    assert (rows["over_limit_days"][:late] > 0).all() and rows["over_limit_days"][late:].isna().all()
    assert (rows["used_days"] - rows["limit_total"])[:late].tolist() == rows["over_limit_days"][:late].tolist()
    only = indicator_cases(con, Q1, Scope(), "within_limit_rate", only_deciding=True, page_size=None)
    assert list(only.rows["case_no"]) == list(rows["case_no"][:late]) and only.total == listed.total


SUBSET_RATES = {"within_limit_rate", "mediation_rate", "exec_completion_rate", "acceptance_rate",
                "premediation_success_rate", "appeal_hearing_rate"}


# visit indicators count visits, not cases: no case is behind them
@pytest.mark.parametrize("ind", [i.id for i in CATALOGUE if rule(i) in (Rule.NOT_IN_NUMERATOR, Rule.IN_NUMERATOR,
                                                                     Rule.COUNTED) and not i.needs_visits])
def test_deciding_cases_are_counted_as_the_figure_counts(demo, ind):  # noqa: F811
    period, scope = Period.parse("2026Q2"), Scope(court="示01", with_subordinates=True)
    figures = compute(demo, period, None, scope, [ind]).iloc[0]
    listed = indicator_cases(demo, period, scope, ind, page_size=None)
    assert listed.deciding == listed.rows["decides"].sum()
    how = rule(BY_ID[ind])
    if how is Rule.IN_NUMERATOR or how is Rule.COUNTED:  # reversed, 终本, over 12 months: the numerator's cases
        assert listed.deciding == figures["numerator"]
    elif ind in SUBSET_RATES:  # the denominator's cases outside the numerator
        assert listed.deciding == figures["denominator"] - figures["numerator"]
        assert listed.total == figures["denominator"]


def test_a_reversal_lists_the_appeal_for_the_first_instance_court(con):  # noqa: F811
    listed = indicator_cases(con, Q1, Scope(court="示0101"), "reversal_remand_rate", page_size=None)
    reversed_ = listed.rows[listed.rows["decides"]]
    assert list(reversed_["case_no"]) == ["(2025)示01民终1号"]
    assert reversed_["closing_method"].iloc[0] in ("改判", "发回重审")


def test_a_mean_lists_the_longest_first(demo):  # noqa: F811
    period, scope = Period.parse("2026Q2"), Scope(court="示01", with_subordinates=True)
    rows = indicator_cases(demo, period, scope, "avg_duration", page_size=None).rows
    deciding = rows[rows["decides"]]
    assert len(deciding) > 1 and deciding["days"].is_monotonic_decreasing  # days from filing to closing
    assert not rows["decides"].iloc[len(deciding):].any()
    assert deciding["days"].min() > rows["days"].mean()


def test_paging_and_a_figure_without_a_better_side(con):  # noqa: F811
    first = indicator_cases(con, Q1, Scope(), "received", page=0, page_size=2)
    second = indicator_cases(con, Q1, Scope(), "received", page=1, page_size=2)
    assert first.deciding == 0 and first.rows["decides"].isna().all()
    assert not set(first.rows["case_no"]) & set(second.rows["case_no"]) and first.total == second.total
    beyond = indicator_cases(con, Q1, Scope(), "received", page=99, page_size=2)
    assert beyond.rows.empty and beyond.total == first.total
    assert list(beyond.rows.columns) == list(first.rows.columns)  # the table's headers stay as they were


def test_a_list_by_the_courts_population_lists_its_lawsuits(con):  # noqa: F811
    # 万人起诉率: lawsuits of courts with a population, the one condition on the court's attribute
    listed = indicator_cases(con, Q1, Scope(), "lawsuits_per_10k", page_size=None)
    figures = compute(con, Q1, None, Scope(), ["lawsuits_per_10k"]).iloc[0]
    assert listed.total == figures["numerator"] > 0 and listed.rows["court_name"].notna().all()
