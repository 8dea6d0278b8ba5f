"""python -m metrics: the indicators of spec/indicators.md as CSV, JSON or a table (spec/cli.md)."""
from __future__ import annotations

import argparse
import json
import sys

from .catalogue import BY_ID
from .db import DatabaseError, connect
from .engine import BY_CHOICES, Scope, UnknownScope, check_scope, compute
from .evaluation import ConfigError, load_config
from . import inventory
from .facts import STALE_NOTE, FactsState, facts_state
from .numbers import number as _num, value as _value
from .periods import BadPeriod, Period
from .score import score_table
from schema.cells import csv_writer
from schema.pipes import run

_GROUP_OUT = {"court": ["court_code"], "division": ["court_code", "division"], "judge": ["court_code", "judge_id"],
              "team": ["court_code", "team"], "month": ["month"], "quarter": ["quarter"]}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        print(f"python -m metrics: {message}", file=sys.stderr)
        raise SystemExit(2)


def rows_for_output(df, by: str | None) -> tuple[list[str], list[list[str]]]:
    group = _GROUP_OUT.get(by, [])
    header = group + ["indicator", "numerator", "denominator", "value"]
    src = {"month": "label", "quarter": "label"}
    rows = []
    for r in df.to_dict("records"):
        kind = BY_ID[r["indicator"]].kind
        rows.append([str(r[src.get(g, g)]) for g in group]
                    + [r["indicator"], _num(r["numerator"]), _num(r["denominator"]), _value(r["value"], kind)])
    return header, rows


def score_rows(df, by: str | None) -> tuple[list[str], list[list[str]]]:
    """The rows of `python -m metrics score` (spec/cli.md, Composite score)."""
    group = _GROUP_OUT.get(by, [])
    header = group + ["indicator", "value", "low", "high", "weight", "score"]
    rows = []
    for r in df.to_dict("records"):
        kind = BY_ID[r["indicator"]].kind if r["indicator"] in BY_ID else "ratio"
        rows.append([str(r[g]) for g in group] + [r["indicator"], _value(r["value"], kind)]
                    + [_value(r[c], "ratio") for c in ("low", "high", "weight", "score")])
    return header, rows


def _scope_args(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--db", required=True)
    ap.add_argument("--period", required=True, help="2025 | 2025Q3 | 2025-07")
    ap.add_argument("--cumulative", action="store_true", help="年初累计: from January 1")
    ap.add_argument("--court")
    ap.add_argument("--with-subordinates", action="store_true")
    ap.add_argument("--category")
    ap.add_argument("--enterprise", action="store_true", help="涉企案件 / cases with an enterprise party")
    ap.add_argument("--format", choices=("csv", "json", "table"))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    scoring = bool(argv) and argv[0] == "score"
    if scoring:
        ap = _Parser(prog="python -m metrics score", description="综合得分 / composite score")
        _scope_args(ap)
        ap.add_argument("--by", choices=("court", "division", "judge", "team"))
        ap.add_argument("--evaluation", help="评价配置文件 / evaluation file (default: config/evaluation.toml)")
        a = ap.parse_args(argv[1:])
    else:
        ap = _Parser(prog="python -m metrics", description="审判质效指标 / trial-quality indicators")
        _scope_args(ap)
        ap.add_argument("--by", choices=BY_CHOICES)
        ap.add_argument("--indicator", action="append", default=[])
        a = ap.parse_args(argv)
    fmt = a.format or ("table" if sys.stdout.isatty() else "csv")
    try:
        unknown = [i for i in getattr(a, "indicator", []) if i not in BY_ID]
        if unknown:
            raise UnknownScope(f"未知指标 / unknown indicator: {', '.join(unknown)}")
        if a.with_subordinates and not a.court:
            raise UnknownScope("--with-subordinates 需要 --court / needs --court")
        period = Period.parse(a.period, a.cumulative)
        config = load_config(a.evaluation) if scoring else None
        con = connect(a.db)
        scope = Scope(court=a.court, with_subordinates=a.with_subordinates, category=a.category,
                      enterprise=a.enterprise)
        check_scope(con, scope)
        if facts_state(con) is not FactsState.CURRENT:
            print(f"python -m metrics: {STALE_NOTE.format(db=a.db)}", file=sys.stderr)
        if note := _dates_note(con, scope, period):
            print(f"python -m metrics: {note}", file=sys.stderr)
        if scoring:
            header, rows = score_rows(score_table(con, period, a.by, scope, config), a.by)
        else:
            header, rows = rows_for_output(compute(con, period, a.by, scope, a.indicator or None), a.by)
    except (BadPeriod, UnknownScope, DatabaseError, ConfigError) as e:
        print(f"python -m metrics: {e}", file=sys.stderr)
        return 2
    if fmt == "csv":
        w = csv_writer(sys.stdout, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    elif fmt == "json":
        json.dump([dict(zip(header, r)) for r in rows], sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
        print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
        for r in rows:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths)))
    return 0


def _dates_note(con, scope: Scope, period: Period) -> str | None:
    """When the scope's courts have data up to different dates and the period runs past the
    earliest: which courts reach further (the figures are printed for the period as asked)."""
    import datetime as dt

    dates = inventory.court_dates(con)
    found = inventory.scope_dates(dates, scope.court, scope.with_subordinates,
                                  dt.date.fromisoformat(inventory.meta(con)["data_date"]))
    if not found.mixed or period.end <= found.through:
        return None
    ahead = ", ".join(f"{c} {d}" for c, d in sorted(found.ahead.items()))
    return (f"各法院数据截至日期不同 / the courts' data end on different dates: {found.through} for most, {ahead}; "
            f"{period.label} 超出 {found.through}，未报送的月份计为空 / runs past {found.through}: months a court has "
            f"not sent count as empty")


if __name__ == "__main__":
    run(main)
