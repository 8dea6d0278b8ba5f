"""The monthly facts give exactly what a scan of every case gives, for any scope, period and grouping."""
from __future__ import annotations

import math

import pytest

from metrics import Period, Scope, compute
from metrics.facts import FactsState, facts_state
from tests.test_metrics_identities import demo  # noqa: F401  (fixture)

CASES = [
    ("2025Q3", True, None, Scope()),
    ("2025", False, "court", Scope()),
    ("2024-12", False, "division", Scope(court="示01", with_subordinates=True)),
    ("2025Q2", True, "judge", Scope(court="示0101")),
    ("2024", False, "month", Scope(category="民事")),
    ("2025", False, "quarter", Scope(court="示02", with_subordinates=True, category="执行")),
    ("2026Q3", True, "court", Scope(category="刑事")),
    ("2025Q1", False, None, Scope(court="示0102", case_type="民初")),
    ("2023-01", False, None, Scope()),
    ("2030", False, None, Scope()),  # after the data: stocks still run on
    ("2025", False, "court", Scope(enterprise=True)),  # spec v2: 涉企 only
    ("2025Q3", False, "judge", Scope(court="示0101", enterprise=True)),
    ("2025Q3", False, None, Scope(category="民事")),  # a quarter alone: the year-start backlog from January
]


def _same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and not (isinstance(b, float) and math.isnan(b)) and abs(a - b) <= 1e-9 * max(1, abs(a), abs(b))


@pytest.mark.parametrize("period,cum,by,scope", CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_facts_equal_scan(demo, period, cum, by, scope):  # noqa: F811
    assert facts_state(demo) is FactsState.CURRENT
    p = Period.parse(period, cum)
    fast = compute(demo, p, by, scope, use_facts=True)
    slow = compute(demo, p, by, scope, use_facts=False)
    keys = [c for c in fast.columns if c not in ("numerator", "denominator", "value", "name")]
    assert len(fast) == len(slow) > 0
    merged = fast.merge(slow, on=keys, suffixes=("_f", "_s"))
    assert len(merged) == len(fast)
    for col in ("numerator", "denominator", "value"):
        bad = [r for r in merged.to_dict("records") if not _same(r[f"{col}_f"], r[f"{col}_s"])]
        assert not bad, bad[:3]
