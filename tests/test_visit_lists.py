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


def test_repeat_petitioners(visits_db):  # noqa: F811
    from metrics.visit_lists import repeat_petitioners
    with duckdb.connect(str(visits_db), read_only=True) as con:
        found = repeat_petitioners(con, Scope(), dt.date(2024, 1, 1), dt.date(2025, 12, 31))
        # traced rows: P41257 twice on 2024-01-09, P47279 twice on 2025-07-03, P88998 2024-12-09 and 2025-12-09
        assert dict(zip(found["petitioner_id"], found["visits"])) == {"P41257": 2, "P47279": 2, "P88998": 2}
        # under 示01 only P47279's two visits (one via its case in 示0102, one registered at 示01)
        sub = repeat_petitioners(con, Scope(court="示01", with_subordinates=True), dt.date(2025, 1, 1),
                                 dt.date(2025, 12, 31))
        assert list(sub["petitioner_id"]) == ["P47279"]
