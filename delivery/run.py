"""One delivery run: every active subscription's due messages, built as its recipient and sent
once (delivery/log.py). `python -m report deliver` runs it; a timer runs that (README)."""
from __future__ import annotations

import datetime as dt
import os
import socket
import traceback
from dataclasses import dataclass, field

import duckdb

from metrics.access import AccessDenied
from security.users import load_users

from . import log
from .channels import Refused, Smtp, Uncertain, email, outbox, webhook
from .kinds import KINDS
from .recipient import Recipient
from .model import Subscription
from .subscriptions import active


@dataclass
class Outcome:
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # "key: why"
    uncertain: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)  # a dry run's messages
    busy: bool = False  # another sender is running

    def summary(self) -> str:
        if self.busy:
            return "另一个发送进程正在运行，本次不发送 / another sender is running: nothing sent"
        return (f"已发送 sent {len(self.sent)} · 失败 failed {len(self.failed)} · 待确认 uncertain "
                f"{len(self.uncertain)} · 无数据未发 skipped {len(self.skipped)}")


def _address(sub: Subscription, user) -> str:
    return sub.address or user.email or ""


class Sender:
    def __init__(self, outbox_dir: str | None):
        self.outbox_dir, self.smtp = outbox_dir, Smtp()

    def send(self, sub: Subscription, to: str, message, key: str, now: dt.datetime) -> None:
        if sub.channel == "webhook":
            webhook(message, to)
            return
        mail = email(message, to, key, now)
        if sub.channel == "outbox" or self.outbox_dir:
            outbox(mail, self.outbox_dir or os.environ.get("SPZX_OUTBOX", "outbox"), key)
        else:
            self.smtp.send(mail, to)

    def close(self) -> None:
        self.smtp.close()


def deliver(con: duckdb.DuckDBPyConnection, now: dt.datetime, outbox_dir: str | None = None,
            dry_run: bool = False, only: set[str] | None = None) -> Outcome:
    """Sends what is due at `now` (the run's clock: what is due, retry times, stale claims)."""
    out = Outcome()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    if not dry_run:
        if not log.take_runner(worker, now):
            out.busy = True
            return out
        out.uncertain += [f"{k}: 发送中断 / interrupted" for k in log.mark_stale(now)]
    users = load_users().users
    sender, shared = Sender(outbox_dir), {}
    try:
        for sub in active():
            if only and sub.username not in only:
                continue
            _one(con, sub, users.get(sub.username), now, sender, worker, dry_run, out, shared)
    finally:
        sender.close()
        if not dry_run:
            log.release_runner(worker)
    return out


def _one(con, sub: Subscription, user, now, sender: Sender, worker: str, dry_run: bool, out: Outcome,
         shared: dict) -> None:
    check = f"check:{now.date().isoformat()}"  # a subscription that cannot be looked at today: told once a day
    if user is None or sub.kind not in KINDS or not KINDS[sub.kind].allowed(user.access.rule):
        why = (f"用户“{sub.username}”已不存在 / no user {sub.username!r}" if user is None else
               f"用户“{sub.username}”的角色不能订阅 {sub.kind} / the user's role cannot have {sub.kind}")
        _fail_once(sub, check, why, now, out, dry_run, permanent=True)
        return
    kind = KINDS[sub.kind]
    r = Recipient(sub, user, con, now, log.past(sub.id, now), shared)
    try:
        due = kind.due(r)
    except (AccessDenied, duckdb.Error, KeyError, ValueError) as e:
        _fail_once(sub, check, f"{type(e).__name__}: {e}", now, out, dry_run)
        return
    for occ in due:
        key = log.key_of(sub.id, occ.name)
        if dry_run:
            message = None if occ.quiet else kind.build(r, occ)
            if message is not None:
                out.planned.append(f"{key} → {sub.channel} {_address(sub, user)}: {message.subject} "
                                   f"({len(message.attachments)} 附件 files)")
            continue
        if occ.quiet:
            log.settle(sub.id, occ.name, "quiet", now, occ.detail)
            continue
        try:
            message = kind.build(r, occ)
        except Exception as e:  # noqa: BLE001 - one recipient's failure stops no other's
            _fail_once(sub, occ.name, f"{type(e).__name__}: {e}", now, out, dry_run,
                       trace=traceback.format_exc(limit=3))
            continue
        attempts = log.claim(sub.id, occ.name, worker, now)
        if attempts is None:
            continue  # sent, being sent, or waiting for its retry time
        if message is None:
            log.settle(sub.id, occ.name, "skipped", now, occ.detail, "范围内没有数据 / the scope holds no data",
                       sub.username)
            out.skipped.append(key)
            continue
        try:
            sender.send(sub, _address(sub, user), message, key, now)
        except Refused as e:
            log.fail(sub.id, occ.name, attempts, str(e), now, e.permanent, sub.username)
            out.failed.append(f"{key}: {e}")
        except Uncertain as e:
            log.settle(sub.id, occ.name, "uncertain", now, occ.detail, str(e), sub.username)
            out.uncertain.append(f"{key}: {e}")
        else:
            log.settle(sub.id, occ.name, "sent", now, occ.detail)
            out.sent.append(key)


def _fail_once(sub: Subscription, occurrence: str, why: str, now, out: Outcome, dry_run: bool,
               permanent: bool = False, trace: str = "") -> None:
    key = log.key_of(sub.id, occurrence)
    out.failed.append(f"{key}: {why}")
    if dry_run:
        return
    claimed = log.claim(sub.id, occurrence, "check", now)
    if claimed is not None:
        log.fail(sub.id, occurrence, claimed, why + (f"\n{trace}" if trace else ""), now, permanent, sub.username)
