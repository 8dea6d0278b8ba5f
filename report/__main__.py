"""python -m report briefing --db PATH --period 2026Q3 [--cumulative] [--court 示01 [--with-subordinates]]
[--category 民事] --out briefing.docx [--xlsx pack.xlsx] [--lang en]: the 数据会商 briefing and its Excel pack.
python -m report actions add|list|close: the meetings' action items (report/actions_cli.py).
python -m report deliver / subscriptions: subscriptions sent by mail, bot or outbox (delivery/cli.py)."""
from __future__ import annotations

import argparse
import sys

from metrics import BadPeriod, Period, Scope, UnknownScope, check_scope
from metrics.db import DatabaseError, connect
from metrics.evaluation import ConfigError, load_config
from metrics.facts import STALE_NOTE, FactsState, facts_state
from schema.pipes import run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m report")
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("briefing", help="数据会商报告 (.docx) and its Excel pack")
    b.add_argument("--db", required=True)
    b.add_argument("--period", required=True)
    b.add_argument("--cumulative", action="store_true")
    b.add_argument("--court")
    b.add_argument("--with-subordinates", action="store_true")
    b.add_argument("--category")
    b.add_argument("--out", required=True)
    b.add_argument("--xlsx")
    b.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the briefing")
    from delivery import cli as deliver_cli

    from . import actions_cli

    actions_cli.add_parsers(sub)
    deliver_cli.add_parsers(sub)
    a = ap.parse_args(argv)
    if a.command == "actions":
        return actions_cli.run(a)
    if a.command in ("deliver", "subscriptions"):
        return deliver_cli.run(a)
    from .briefing import build, to_docx, to_xlsx

    try:
        period = Period.parse(a.period, a.cumulative)
        con = connect(a.db)
        scope = Scope(court=a.court, with_subordinates=a.with_subordinates, category=a.category)
        check_scope(con, scope)
        config = load_config()  # a bad value in the evaluation file: its key and file, not a traceback
        if facts_state(con) is not FactsState.CURRENT:
            print(f"python -m report: {STALE_NOTE.format(db=a.db)}", file=sys.stderr)
    except (BadPeriod, UnknownScope, DatabaseError, ConfigError) as e:
        print(f"python -m report: {e}", file=sys.stderr)
        return 2
    briefing = build(con, scope, period, config, lang=a.lang)
    with open(a.out, "wb") as f:
        f.write(to_docx(briefing))
    if a.xlsx:
        with open(a.xlsx, "wb") as f:
            f.write(to_xlsx(briefing))
    print(f"{briefing.title}: {a.out}" + (f", {a.xlsx}" if a.xlsx else ""))
    return 0


if __name__ == "__main__":
    run(main)
