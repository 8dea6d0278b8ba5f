"""The case measures of a scope from the monthly facts: one grouped query, windows summed in numpy.

DuckDB sums the scope's facts once per unit and month (a few thousand rows for a province by
court); every period asked for is then a window over those monthly rows:

  flow over [a, b]      = cumulative(b) − cumulative(a − 1)
  stock at the end of m = cumulative net entries up to m

so twelve months or one quarter cost the same single pass over `facts`, and no period is
joined to the facts row by row. Counts are summed as integers (exact); amounts, which are
decimals, are summed directly over the window's rows rather than as a difference of two large
running totals.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd

from . import measures as ms
from . import shared_reads
from .measures import Kind as M
from .periods import Period


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


@dataclass(frozen=True)
class _Months:
    """A period's month indexes: its first, its last, and January of its year."""
    start: int
    end: int
    january: int

    @staticmethod
    def of(p: Period) -> "_Months":
        return _Months(_month_index(p.start), _month_index(p.end), _month_index(dt.date(p.start.year, 1, 1)))


def _window(m: ms.Measure, p: _Months) -> tuple[int, int]:
    """The months (inclusive indexes) a measure sums over for period p."""
    if m.kind is M.FLOW:
        return (p.start if m.since is ms.Since.PERIOD else p.january), p.end
    # STOCK: every month up to the day the stock is taken
    return 0, {ms.At.END: p.end, ms.At.START: p.start - 1, ms.At.YEAR_START: p.january - 1}[m.at]  # 0: before any month


_SPAN = 1 << 20  # month indexes (year * 12 + month) stay below it: a unit's rows key as unit * _SPAN + month


@dataclass
class Groups:
    """The units in scope (every one with a fact row of any month), in key order."""
    keys: dict[str, np.ndarray]   # group column -> values (object arrays, None for NULL)
    names: np.ndarray             # display name per unit
    count: int


class MonthlySums:
    """A table's sums per unit and month (one DuckDB query), and any window of months from them."""

    def __init__(self, con: duckdb.DuckDBPyConnection, table: str, sums: dict[str, str], where: str,
                 params: list, group: list[str]):
        self.con, self.group = con, group
        cols, unit, self.units = shared_reads.read(
            ("monthly", table, tuple(sums.items()), where, tuple(params), tuple(group)),
            lambda: _monthly(con, table, sums, where, params, group))
        self.month = cols["month_index"].astype(np.int64)
        self.unit = unit
        self.key = unit * _SPAN + self.month  # ascending: rows come ordered by unit, then month
        counts = [n for n in sums if n not in cols["amounts"]]
        self.amounts = {n: np.asarray(cols[n], dtype=float) for n in sums if n not in counts}
        self.column = {n: i for i, n in enumerate(counts)}
        self.running = np.zeros((len(self.month) + 1, len(counts)), dtype=np.int64)
        if counts and len(self.month):
            np.cumsum(np.column_stack([np.asarray(cols[n], dtype=np.int64) for n in counts]), axis=0,
                      out=self.running[1:])
        self.first_unit = np.arange(self.units.count, dtype=np.int64)

    def _upto(self, month: int) -> np.ndarray:
        """Per unit, the number of its rows (counted from the table's start) up to a month."""
        return np.searchsorted(self.key, self.first_unit * _SPAN + month, side="right")

    def _window(self, names: list[str], first: int, last: int) -> np.ndarray:
        """Per unit (rows) and measure column (columns), the sum over months first..last."""
        out = np.empty((self.units.count, len(names)))
        counts = [i for i, n in enumerate(names) if n not in self.amounts]
        if counts:
            k = [self.column[names[i]] for i in counts]
            out[:, counts] = self.running[self._upto(last)][:, k] - self.running[self._upto(first - 1)][:, k]
        inside = None
        for i, n in enumerate(names):
            if n in self.amounts:
                if inside is None:
                    inside = (self.month >= first) & (self.month <= last)
                out[:, i] = np.bincount(self.unit[inside], weights=self.amounts[n][inside], minlength=self.units.count)
        return out

    def rows(self, periods: list[Period]) -> dict[str, np.ndarray]:
        """The label and group keys of each (period, unit) row, periods outermost."""
        labels = np.array([p.label for p in periods], dtype=object)
        return {"label": np.repeat(labels, self.units.count)} | {
            g: np.tile(self.units.keys[g], len(periods)) for g in self.group}

    def between(self, periods: list[Period]) -> dict[str, np.ndarray]:
        """Every sum over each period's own months, per (period, unit), periods outermost."""
        names = list(self.column) + list(self.amounts)
        found = [self._window(names, _month_index(p.start), _month_index(p.end)) for p in periods]
        values = np.vstack(found) if found else np.zeros((0, len(names)))
        return {n: values[:, j] for j, n in enumerate(names)}


    def at_end(self, names: list[str], periods: list[Period]) -> dict[str, np.ndarray]:
        """Sums over every month up to each period's end (a stock's count then), per (period, unit)."""
        found = [self._window(names, 0, _month_index(p.end)) for p in periods]
        values = np.vstack(found) if found else np.zeros((0, len(names)))
        return {n: values[:, j] for j, n in enumerate(names)}


class ScopeSums(MonthlySums):
    """A scope's case measures per unit from `facts`, for any periods."""

    def __init__(self, con: duckdb.DuckDBPyConnection, scope, group: list[str]):
        self.scope = scope
        where, params = scope.where(alias="c")
        sums = ({m.name: f"sum(c.{m.name})" for m in ms.of_kind(M.FLOW)}
                | {s.name: f"sum(c.{s.name}_in - c.{s.name}_out)" for s in ms.stocks()})
        super().__init__(con, "facts", sums, where, params, group)
        if group:  # the kept units are shared: named on a copy
            self.units = replace(self.units, names=_names(con, group, self.units.keys))

    def measures(self, periods: list[Period]) -> dict[str, np.ndarray]:
        """Every FLOW, STOCK and DISTINCT measure per (period, unit), periods outermost."""
        chosen = ms.of_kind(M.FLOW, M.STOCK)
        values = np.empty((len(periods) * self.units.count, len(chosen)))
        for i, p in enumerate(periods):
            months = _Months.of(p)
            windows: dict[tuple[int, int], list[int]] = {}  # measures summed over the same months
            for j, m in enumerate(chosen):
                windows.setdefault(_window(m, months), []).append(j)
            rows = slice(i * self.units.count, (i + 1) * self.units.count)
            for (first, last), js in windows.items():
                names = [chosen[j].name if chosen[j].kind is M.FLOW else chosen[j].stock.name for j in js]
                values[rows, js] = self._window(names, first, last)
        out = {m.name: values[:, j] for j, m in enumerate(chosen)}
        out.update(self._distinct(periods))
        return out

    def monthly(self, name: str, periods: list[Period]) -> list[np.ndarray]:
        """A FLOW measure per month of each period, per (period, unit)."""
        rows = []
        for p in periods:
            months = [_month_index(m.start) for m in p.months()]
            per_month = np.column_stack([self._window([name], i, i)[:, 0] for i in months])
            rows.extend(per_month)
        return rows

    def _distinct(self, periods: list[Period]) -> dict[str, np.ndarray]:
        """DISTINCT measures (the judges with a case in a measure) per (period, unit): DuckDB lists
        each unit's judges per month once, a judge numbered by its row in `judges` (one per court
        and judge id); each period then counts the judges of its months."""
        out = {}
        where, params = self.scope.where(alias="c")
        keys = "".join(f"c.{g}, " for g in self.group)
        for m in ms.of_kind(M.DISTINCT):
            found = shared_reads.read(("distinct", m.name, where, tuple(params), tuple(self.group)),
                                      lambda m=m: self.con.execute(f"""
                SELECT {"".join(f"c.{g}::VARCHAR AS {g}, " for g in self.group)}
                       (year(c.month) * 12 + month(c.month) - 1)::INTEGER AS month_index, j.rowid AS judge
                FROM facts c JOIN judges j ON j.court_code = c.court_code AND j.judge_id = c.judge_id
                WHERE {where} AND c.{m.of} > 0
                GROUP BY {keys}j.rowid, c.month""", params).fetchnumpy())
            unit = self._unit_of([_objects(found[g]) for g in self.group], len(found["judge"]))
            month, judge = found["month_index"].astype(np.int64), found["judge"].astype(np.int64)
            judges = int(judge.max(initial=0)) + 1
            pair = unit * judges + judge  # one number per (unit, judge)
            values = []
            for p in periods:
                inside = (month >= _month_index(p.start)) & (month <= _month_index(p.end))
                units_of_pairs = np.unique(pair[inside]) // judges
                values.append(np.bincount(units_of_pairs, minlength=self.units.count).astype(float))
            out[m.name] = np.concatenate(values) if values else np.zeros(0)
        return out

    def _unit_of(self, keys: list[np.ndarray], rows: int) -> np.ndarray:
        """The unit index of rows given by their group keys."""
        if not self.group:
            return np.zeros(rows, dtype=np.int64)
        if len(self.group) == 1:
            return pd.Index(self.units.keys[self.group[0]]).get_indexer(keys[0]).astype(np.int64)
        units = pd.MultiIndex.from_arrays([self.units.keys[g] for g in self.group])
        return units.get_indexer(pd.MultiIndex.from_arrays(keys)).astype(np.int64)


def _monthly(con: duckdb.DuckDBPyConnection, table: str, sums: dict[str, str], where: str, params: list,
             group: list[str]) -> tuple[dict, np.ndarray, Groups]:
    """Each unit's sums per month (rows ordered by unit, then month) and the units."""
    keys = "".join(f"c.{g}, " for g in group)
    sql = f"""SELECT {"".join(f"c.{g}::VARCHAR AS {g}_key, " for g in group)}
            (year(c.month) * 12 + month(c.month) - 1)::INTEGER AS month_index,
            {', '.join(f"{sql} AS {name}" for name, sql in sums.items())}
        FROM {table} c WHERE {where} GROUP BY {keys}c.month ORDER BY {keys}c.month"""
    result = con.execute(sql, params)
    amounts = {d[0] for d in result.description if str(d[1]) in ("DOUBLE", "FLOAT") or str(d[1]).startswith("DECIMAL")}
    cols = result.fetchnumpy()
    cols["amounts"] = amounts
    rows = len(cols["month_index"])
    if not group:
        return cols, np.zeros(rows, dtype=np.int64), Groups({}, np.array([None], dtype=object), 1)
    first = np.zeros(rows, dtype=bool)  # the first monthly row of each unit
    first[:1] = True
    values = {g: _objects(cols[g + "_key"]) for g in group}
    for v in values.values():
        first[1:] |= v[1:] != v[:-1]
    unit = np.cumsum(first) - 1
    keys = {g: v[first] for g, v in values.items()}
    return cols, unit, Groups(keys, np.array([None], dtype=object), int(first.sum()))


def _names(con: duckdb.DuckDBPyConnection, group: list[str], keys: dict[str, np.ndarray]) -> np.ndarray:
    """The display name of each unit: the court's name, the division, the judge's latest name."""
    last = group[-1]
    if last in ("division", "team"):
        return keys[last]
    if last == "court_code":
        names = shared_reads.read(("court_names",), lambda: dict(con.execute(
            "SELECT court_code::VARCHAR, court_name FROM courts").fetchall()))
        return np.array([names.get(c) for c in keys["court_code"]], dtype=object)
    names = shared_reads.read(("judge_names",), lambda: {(c, j): n for c, j, n in con.execute(
        "SELECT court_code::VARCHAR, judge_id, judge_name FROM judges").fetchall()})
    return np.array([names.get(k) for k in zip(keys["court_code"], keys["judge_id"])], dtype=object)


def _objects(a) -> np.ndarray:
    """A fetched column as an object array with None for NULL."""
    if isinstance(a, np.ma.MaskedArray):
        out = a.data.astype(object)
        out[a.mask] = None
        return out
    return np.asarray(a, dtype=object)
