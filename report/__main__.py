"""python -m report briefing --db PATH --period 2026Q3 [--cumulative] [--court 示01 [--with-subordinates]]
[--category 民事] [--out briefing.docx] [--pdf briefing.pdf] [--xlsx pack.xlsx] [--lang en]: the 数据会商
briefing as Word and as PDF, and its Excel pack (at least one of the three files).
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
    b = sub.add_parser("briefing", help="数据会商报告 (.docx, PDF) and its Excel pack")
    b.add_argument("--db", required=True)
    b.add_argument("--period", required=True)
    b.add_argument("--cumulative", action="store_true")
    b.add_argument("--court")
    b.add_argument("--with-subordinates", action="store_true")
    b.add_argument("--category")
    b.add_argument("--out", help="the Word briefing (.docx)")
    b.add_argument("--pdf", help="the briefing as PDF")
    b.add_argument("--xlsx", help="the Excel pack")
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
    if not (a.out or a.pdf or a.xlsx):
        b.error("--out, --pdf 或 --xlsx 至少一项 / one of --out, --pdf, --xlsx is required")
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
    files = [(a.out, to_docx), (a.pdf, _to_pdf), (a.xlsx, to_xlsx)]
    for path, write in files:
        if path:
            with open(path, "wb") as f:
                f.write(write(briefing))
    print(f"{briefing.title}: " + ", ".join(path for path, _ in files if path))
    return 0


def _to_pdf(briefing) -> bytes:
    from .pdf import to_pdf  # WeasyPrint loads only when a PDF is asked for

    return to_pdf(briefing)


if __name__ == "__main__":
    run(main)
