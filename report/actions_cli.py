"""python -m report actions add|list|close: the meetings' action items on the command line
(spec: issue 23's contract). The state is the application's (SPZX_STATE / SPZX_STATE_URL); the
command line acts with the operator's full reach and is named in the audit log as cli:USER."""
from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys

from followup.actions import ActionError, add_item, check_unit, close_item, standings, visible_items
from followup.model import STATUSES, Unit
from followup.text import TextError
from metrics.catalogue import BY_ID
from metrics.db import DatabaseError, connect
from metrics.engine import UnknownScope
from metrics.numbers import value
from schema.cells import csv_writer

COLUMNS = ["id", "meeting", "indicator", "court_code", "division", "judge_id", "target", "due", "owner",
           "value_at_creation", "value_now", "status"]


def add_parsers(sub) -> None:
    a = sub.add_parser("actions", help="整改事项 / the meetings' action items")
    acts = a.add_subparsers(dest="action", required=True)
    add = acts.add_parser("add", help="设定整改事项 / set an action item (prints its id)")
    add.add_argument("--db", required=True)
    add.add_argument("--meeting", required=True)
    add.add_argument("--indicator", required=True)
    add.add_argument("--court", required=True)
    add.add_argument("--with-subordinates", action="store_true")
    who = add.add_mutually_exclusive_group()
    who.add_argument("--division")
    who.add_argument("--judge")
    add.add_argument("--target", required=True, help="range | VALUE")
    add.add_argument("--due", required=True, help="YYYY-MM-DD")
    add.add_argument("--owner")
    add.add_argument("--note", default="")
    ls = acts.add_parser("list", help="整改台账 / list the items with their status")
    ls.add_argument("--db", required=True)
    ls.add_argument("--court")
    ls.add_argument("--with-subordinates", action="store_true")
    ls.add_argument("--status", choices=STATUSES)
    ls.add_argument("--format", choices=("csv", "table"))
    close = acts.add_parser("close", help="销号 / close an item")
    close.add_argument("id", type=int)
    close.add_argument("--note", required=True)


def _user() -> str:
    return f"cli:{getpass.getuser()}"


def run(a: argparse.Namespace) -> int:
    try:
        if a.action == "close":
            close_item(None, a.id, a.note, _user())
            print(a.id)
            return 0
        con = connect(a.db)
        if a.action == "add":
            try:
                due = dt.date.fromisoformat(a.due)
            except ValueError:
                raise ActionError(f"期限应为 YYYY-MM-DD / the deadline must look like 2026-12-31: {a.due!r}") from None
            unit = Unit(a.court, a.with_subordinates, a.division, a.judge)
            print(add_item(con, meeting=a.meeting, indicator=a.indicator, unit=unit, target=a.target, due=due,
                           owner=a.owner, note=a.note, by=_user()))
            return 0
        if a.with_subordinates and not a.court:
            raise ActionError("--with-subordinates 需要 --court / needs --court")
        if a.court:
            check_unit(con, Unit(a.court, a.with_subordinates))  # a mistyped court is said so, not listed as empty
        rows = []
        for s in standings(con, visible_items(con, None, a.court, a.with_subordinates)):
            if a.status and s.status != a.status:
                continue
            i = s.item
            rows.append([str(i.id), i.meeting, i.indicator, i.unit.court, i.unit.division or "", i.unit.judge_id or "",
                         i.target, i.due.isoformat(), i.owner or "", value(i.value_at_creation, BY_ID[i.indicator].kind),
                         value(s.value_now, BY_ID[i.indicator].kind), s.status])
    except (ActionError, TextError, UnknownScope, DatabaseError) as e:
        print(f"python -m report actions: {e}", file=sys.stderr)
        return 2
    if (a.format or ("table" if sys.stdout.isatty() else "csv")) == "csv":
        w = csv_writer(sys.stdout, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(rows)
    else:
        widths = [max(len(h), *(len(r[k]) for r in rows)) if rows else len(h) for k, h in enumerate(COLUMNS)]
        for r in [COLUMNS] + rows:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths)))
    return 0
