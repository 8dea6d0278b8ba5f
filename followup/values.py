"""The figures items are judged by: each unit's value of an indicator over the year to date of
the data date, exactly as `python -m metrics --period YYYY-MM --cumulative` writes it for that
unit (a court or district alone; a division or judge from `--court C --by division|judge`).
Worked out in one query per level over every court (and one per district asked), however many
items ask."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import duckdb

from metrics import inventory
from metrics.engine import Scope, compute
from metrics.evaluation import EvaluationConfig, load_config
from metrics.periods import Period

from .model import Unit


def data_date(con: duckdb.DuckDBPyConnection) -> dt.date:
    return dt.date.fromisoformat(inventory.meta(con)["data_date"])


def year_to_date(day: dt.date) -> Period:
    return Period("month", day.year, day.month, cumulative=True)


def values(con: duckdb.DuckDBPyConnection, wanted: list[tuple[Unit, str]], period: Period | None = None) -> dict:
    """{(unit, indicator): value or None} over `period` (default the year to date of the data date)."""
    period = period or year_to_date(data_date(con))
    batches: dict[tuple, set[str]] = defaultdict(set)  # (district's court or None, level) → indicators
    for unit, indicator in wanted:
        batches[(unit.court if unit.with_subordinates else None, unit.level)].add(indicator)
    out: dict = {}
    for (district, level), indicators in batches.items():
        scope = Scope(court=district, with_subordinates=True) if district else Scope()
        frame = compute(con, period, None if district else level, scope, sorted(indicators))
        for r in frame.to_dict("records"):
            unit = Unit(district, True) if district else Unit(
                r["court_code"], False, r.get("division") if level == "division" else None,
                r.get("judge_id") if level == "judge" else None)
            value = r["value"]
            out[(unit, r["indicator"])] = None if value is None or value != value else float(value)
    return {(u, i): out.get((u, i)) for u, i in wanted}


def range_for(con: duckdb.DuckDBPyConnection, unit: Unit, indicator: str,
              config: EvaluationConfig | None = None, levels: dict | None = None) -> tuple[float, float] | None:
    """The reference range the unit is judged by: its court's level (as the comparison judges it)."""
    config = config or load_config()
    levels = levels if levels is not None else inventory.court_levels(con)
    return config.range_for(indicator, levels.get(unit.court))
