"""条线 (business-line) head: the courts of their district in one category, enforced where the data
is read — other categories, other districts and the whole province are refused, and a question
that names no category is pinned to theirs."""
from __future__ import annotations

import pytest

from metrics import Period, Scope, compute
from metrics.access import Access, AccessDenied
from metrics.query import Query
from tests.test_demo_v2 import con  # noqa: F401  (fixture)

LINE = Access(role="line", court="示01", category="民事")
PERIOD = "2026Q3"


def test_a_line_head_needs_a_court_and_a_category():
    with pytest.raises(ValueError):
        Access(role="line", court="示01")
    with pytest.raises(ValueError):
        Access(role="line", court="示01", category="海事")
    with pytest.raises(ValueError):
        Access(role="leader", court="示01", category="民事")  # only a line head has a category


def test_the_line_reaches_the_district_in_its_category(con):  # noqa: F811
    assert LINE.courts(con) == Access(role="leader", court="示01").courts(con)
    for scope in (Scope(court="示01", with_subordinates=True, category="民事"), Scope(court="示0102", category="民事"),
                  Scope(court="示0102", category="民事", division="民一庭")):
        assert LINE.check(con, scope) == scope
        assert LINE.check_profile(con, "court" if scope.division is None else "division", scope) == scope


@pytest.mark.parametrize("scope", [
    Scope(court="示01", with_subordinates=True, category="刑事"),   # another category
    Scope(court="示0102", category="执行"),
    Scope(court="示01", with_subordinates=True),                    # every category
    Scope(court="示02", with_subordinates=True, category="民事"),   # another district
    Scope(court="示0201", category="民事"),
    Scope(court="示", with_subordinates=True, category="民事"),     # the province above
    Scope(category="民事"),                                         # no court: the whole province
], ids=str)
def test_other_categories_and_districts_are_refused(con, scope):  # noqa: F811
    with pytest.raises(AccessDenied):
        LINE.check(con, scope)
    with pytest.raises(AccessDenied):
        LINE.check_cases(con, scope)


def test_a_question_without_a_category_is_answered_for_the_line_only(con):  # noqa: F811
    asked = Query(viewer=LINE, period=PERIOD, court="示01", district=True)  # category left out
    q = asked.authorised(con)
    assert q.category == "民事"
    civil = compute(con, q.period_obj, None, q.scope, ["received"]).iloc[0]["value"]
    everything = compute(con, q.period_obj, None, Scope(court="示01", with_subordinates=True), ["received"])
    assert 0 < civil < everything.iloc[0]["value"]
    crafted = Query(viewer=LINE, period=PERIOD, court="示01", district=True, category="刑事")  # a hand-made link
    assert crafted.authorised(con).category == "民事"  # pinned to the line: never another category's figures
    with pytest.raises(AccessDenied):
        Query(viewer=LINE, period=PERIOD, court="示0201", category="民事").authorised(con)

def test_the_line_compares_the_districts_courts_divisions_and_judges(con):  # noqa: F811
    q = Query(viewer=LINE, period=PERIOD, court="示01", district=True).authorised(con, by="court")
    by_court = compute(con, Period.parse(PERIOD, True), "court", q.scope, ["received"])
    assert set(by_court["court_code"]) <= set(LINE.courts(con)) and len(by_court) > 3
    q = Query(viewer=LINE, period=PERIOD, court="示0102").authorised(con, by="judge")
    assert q.category == "民事"
