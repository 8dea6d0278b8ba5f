"""Year-end outlook: where the year will stand on December 31 at the pace so far.

Method: the months still to come are assumed to follow last year's monthly pattern, scaled
to this year's pace. For received and closed cases, the year-to-date count is divided by the
share of last year's full-year total that last year had reached by the same month:

    projected_year = ytd ÷ (last_year_ytd ÷ last_year_total)

(with no usable history, the plain monthly average so far is carried forward). Pending at
year end = pending now + projected received to come − projected closed to come, and the
ratios follow from those counts. Means and rates that are not volumes (average days, within
the time limit, …) are carried forward at their year-to-date value.

The required pace: the closings still needed by December 31 for 结收比 to reach the low end
of its range (closed ≥ low × received) and for 结案率 to reach its low end (closed ≥ low ×
(carried over + received)), spread over the remaining months.
"""
from __future__ import annotations

import datetime as dt
import math

import duckdb

from . import measures as ms
from .catalogue import BY_ID
from .engine import Scope, compute
from .evaluation import EvaluationConfig, load_config
from .periods import Period

# The counts the outlook projects month by month (the rest follow from them or carry forward),
# and the ratios it then works out as the catalogue defines them, over the projected counts.
PROJECTED_COUNTS = ("received", "closed")
PROJECTED_RATIOS = ("clearance_ratio", "closure_rate")


def _measure(name: str, values: dict) -> float:
    m = ms.BY_NAME[name]
    return sum(values[p] for p in m.parts) if m.kind is ms.Kind.SUM else values[name]


def _projected_value(ind_id: str, values: dict) -> float | None:
    """Indicator `ind_id` over measure values (projected): the catalogue's own combination."""
    ind = BY_ID[ind_id]
    value = float(ind.combine(_measure(ind.numerator, values), _measure(ind.denominator, values)))
    return None if math.isnan(value) else value


def _ytd(con, scope: Scope, year: int, month: int) -> dict:
    df = compute(con, Period("month", year, month, cumulative=True), None, scope,
                 ["received", "closed", "carried_over", "pending", "avg_duration", "within_limit_rate"])
    return dict(zip(df["indicator"], df["value"]))


def _projected(ytd: float, last_ytd: float, last_total: float, month: int) -> float:
    if last_ytd > 0 and last_total > 0:
        return ytd * last_total / last_ytd
    return ytd * 12 / month


def year_end_outlook(con: duckdb.DuckDBPyConnection, scope: Scope, as_of: dt.date,
                     config: EvaluationConfig | None = None, level: str | None = None) -> dict:
    """Projection for the year of `as_of`, using data up to the end of its last full month."""
    config = config or load_config()
    month = as_of.month if as_of == _month_end(as_of) else as_of.month - 1
    year = as_of.year
    if month < 1:
        raise ValueError("年初尚无完整月份数据 / no full month of data yet this year")
    now = _ytd(con, scope, year, month)
    last_ytd = _ytd(con, scope, year - 1, month)
    last_year = _ytd(con, scope, year - 1, 12)
    months_left = 12 - month
    out = {"year": year, "through_month": month, "months_left": months_left}
    for key in PROJECTED_COUNTS:
        out[f"{key}_ytd"] = now[key]
        out[f"{key}_projected"] = _projected(now[key], last_ytd[key], last_year[key], month)
    carried = now["carried_over"]
    out["carried_over"] = carried
    out["pending_now"] = now["pending"]
    out["pending_projected"] = (now["pending"] + (out["received_projected"] - now["received"])
                                - (out["closed_projected"] - now["closed"]))
    projected = {"received": out["received_projected"], "closed": out["closed_projected"], "carried_over": carried}
    for ind_id in PROJECTED_RATIOS:
        out[f"{ind_id}_projected"] = _projected_value(ind_id, projected)
    out["avg_duration_projected"] = now["avg_duration"]
    out["within_limit_rate_projected"] = now["within_limit_rate"]
    out["closed_per_month_so_far"] = now["closed"] / month
    needs = {}
    for ind_id in PROJECTED_RATIOS:  # closed ≥ low × the ratio's denominator, over the projected counts
        rng = config.range_for(ind_id, level)
        if rng is None or not months_left:
            continue
        needed_total = math.ceil(rng[0] * _measure(BY_ID[ind_id].denominator, projected))
        still = int(max(0, needed_total - now["closed"]))
        needs[ind_id] = {"target_low": rng[0], "closings_needed": still,
                         "per_month": math.ceil(still / months_left),
                         "projected_per_month": (projected["closed"] - now["closed"]) / months_left}
    out["needs"] = needs
    return out


def _month_end(d: dt.date) -> dt.date:
    nxt = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)
