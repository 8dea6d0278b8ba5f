"""python -m report deliver --db DB [--now YYYY-MM-DDTHH:MM] [--outbox DIR] [--dry-run]: sends
what subscriptions are due, once (delivery/). python -m report subscriptions add|list|end|resend:
the office's subscriptions from the command line."""
from __future__ import annotations

import argparse
import datetime as dt
import sys

from metrics.db import DatabaseError, connect


def add_parsers(sub) -> None:
    d = sub.add_parser("deliver", help="send what subscriptions are due (each message once)")
    d.add_argument("--db", required=True)
    d.add_argument("--now", help="the run's clock, YYYY-MM-DDTHH:MM (default: now)")
    d.add_argument("--outbox", help="write the mails as .eml files into this folder instead of sending them")
    d.add_argument("--dry-run", action="store_true", help="list what would be sent; send and record nothing")
    d.add_argument("--workers", type=int, help="processes that build the messages (default: one per core)")
    s = sub.add_parser("subscriptions", help="subscriptions: add, list, end, resend")
    ss = s.add_subparsers(dest="action", required=True)
    a = ss.add_parser("add")
    a.add_argument("--user", required=True, action="append", help="an account (repeat for a group)")
    a.add_argument("--kind", required=True)
    a.add_argument("--channel", default="email")
    a.add_argument("--address", default="", help="an e-mail address or webhook URL (default: the user's e-mail)")
    a.add_argument("--lang", default="zh", choices=("zh", "en"))
    a.add_argument("--by", default=None)
    ss.add_parser("list")
    e = ss.add_parser("end")
    e.add_argument("id", type=int)
    e.add_argument("--by", default=None)
    r = ss.add_parser("resend", help="send a failed or uncertain message again at the next run")
    r.add_argument("key")
    r.add_argument("--by", default=None)


def _now(text: str | None) -> dt.datetime:
    if not text:
        return dt.datetime.now().replace(microsecond=0)
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise SystemExit(f"python -m report deliver: --now 应为 YYYY-MM-DDTHH:MM / must look like "
                         f"2026-12-07T08:00: {text!r}") from None


def run(a: argparse.Namespace) -> int:
    from . import log, subscriptions
    from security import audit
    from security.users import load_users

    if a.command == "deliver":
        from .run import deliver

        now = _now(a.now)
        try:
            con = connect(a.db)
        except DatabaseError as e:
            print(f"python -m report deliver: {e}", file=sys.stderr)
            return 2
        out = deliver(con, now, a.outbox, a.dry_run, db_path=a.db, workers=a.workers)
        for line in out.planned:
            print(line)
        for line in out.failed + out.uncertain:
            print(line, file=sys.stderr)
        print(out.summary())
        if not a.dry_run and not out.busy:
            audit.record(audit.command_line_user(), "delivery_run",
                         f'{{"sent": {len(out.sent)}, "failed": {len(out.failed)}, '
                         f'"uncertain": {len(out.uncertain)}, "skipped": {len(out.skipped)}}}')
        return 1 if out.failed or out.uncertain else 0
    by = getattr(a, "by", None) or audit.command_line_user()
    try:
        if a.action == "add":
            users = load_users().users
            for name in a.user:
                sid = subscriptions.add(users.get(name), name, a.kind, a.channel, a.address, a.lang, by)
                print(f"{sid}\t{name}\t{a.kind}\t{a.channel}")
        elif a.action == "list":
            for s in subscriptions.active():
                print(f"{s.id}\t{s.username}\t{s.kind}\t{s.channel}\t{s.address}\t{s.lang}")
        elif a.action == "end":
            subscriptions.end(a.id, by)
        else:
            log.resend(a.key, by)
    except (subscriptions.SubscriptionError, LookupError) as e:
        print(f"python -m report subscriptions: {e}", file=sys.stderr)
        return 2
    return 0
