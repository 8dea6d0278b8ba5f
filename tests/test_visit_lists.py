"""访源治理 lists on the worked-example-v3 traced visits: the overdue list agrees with the
visits_overdue numerator and with the dates traced by hand."""
from __future__ import annotations

import datetime as dt

import duckdb

from metrics import Scope
from metrics.visit_lists import overdue
from tests.test_teams_metrics import V3, v3_db  # noqa: F401  (fixture)
from tests.test_visits_metrics import visits_db  # noqa: F401  (fixture)


def _overdue(db, scope, day):
    with duckdb.connect(str(db), read_only=True) as con:
        return overdue(con, scope, day)


def test_overdue_list(visits_db):  # noqa: F811
    # XF2024020001, received 2024-12-09, closed 2025-08-25: pending 112 days at 2025-03-31
    found = _overdue(visits_db, Scope(court="示02"), dt.date(2025, 3, 31))
    assert list(found["visit_no"]) == ["XF2024020001"] and list(found["days_pending"]) == [112]
    assert found["case_no"].isna().all()
    # at 2024-12-31 only 22 days: none (visits_overdue is 0 there too)
    assert _overdue(visits_db, Scope(court="示02"), dt.date(2024, 12, 31)).empty
    # a visit with no case is in no division or category scope
    assert _overdue(visits_db, Scope(court="示02", category="民事"), dt.date(2025, 3, 31)).empty
