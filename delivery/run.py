"""One delivery run: every active subscription's due messages, built as its recipient and sent
once (delivery/log.py). `python -m report deliver` runs it; a timer runs that (README)."""
from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass, field

import duckdb

from security.users import load_users

from . import log
from .channels import Refused, Smtp, Uncertain, email, outbox, valid_address, webhook
from .model import Subscription
from .plan import Planned, plan
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

    def prepare(self, sub: Subscription, to: str, message, key: str, now: dt.datetime):
        """The message as its channel takes it, made before the claim: a bad address or header is
        refused here (permanently), before anything could have gone out."""
        if sub.channel == "webhook":
            return message
        if not valid_address(to):
            raise Refused(f"没有可用的邮件地址：{to!r} / no usable e-mail address: {to!r}", permanent=True)
        try:
            return email(message, to, key, now)
        except (ValueError, UnicodeError) as e:
            raise Refused(f"邮件无法生成 / the mail cannot be made: {e}", permanent=True) from None

    def send(self, sub: Subscription, to: str, prepared, key: str) -> None:
        if sub.channel == "webhook":
            webhook(prepared, to)
        elif sub.channel == "outbox" or self.outbox_dir:
            outbox(prepared, self.outbox_dir or os.environ.get("SPZX_OUTBOX", "outbox"), key)
        else:
            self.smtp.send(prepared, to)

    def close(self) -> None:
        self.smtp.close()


def deliver(con: duckdb.DuckDBPyConnection, now: dt.datetime, outbox_dir: str | None = None,
            dry_run: bool = False, only: set[str] | None = None, db_path: str | None = None,
            workers: int | None = None) -> Outcome:
    """Sends what is due at `now` (the run's clock: what is due, retry times, stale claims). With
    the database's path the messages are built in worker processes (delivery/plan.py)."""
    out = Outcome()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    if not dry_run:
        if not log.take_runner(worker):
            out.busy = True
            return out
        out.uncertain += [f"{k}: 发送中断 / interrupted" for k in log.mark_stale()]
    users = load_users().users
    sender = Sender(outbox_dir)
    try:
        subs = [s for s in active() if not only or s.username in only]
        for planned in plan(con, subs, now, db_path, workers):
            if not dry_run and not log.renew_runner(worker):
                out.failed.append("本次运行已被另一发送进程接替 / this run was taken over by another sender")
                break
            try:
                _send(planned, users.get(planned.sub.username), now, sender, worker, dry_run, out)
            except Exception as e:  # noqa: BLE001 - one subscription's fault stops no other's
                _fail_once(planned.sub, f"check:{now.date().isoformat()}", f"{type(e).__name__}: {e}", now, out,
                           dry_run)
    finally:
        sender.close()
        if not dry_run:
            log.release_runner(worker)
    return out


def _send(planned: Planned, user, now, sender: Sender, worker: str, dry_run: bool, out: Outcome) -> None:
    sub = planned.sub
    if planned.problem:  # told once a day
        _fail_once(sub, f"check:{now.date().isoformat()}", planned.problem, now, out, dry_run, planned.permanent)
        return
    for occ, message, error in planned.occurrences:
        key = log.key_of(sub.id, occ.name)
        if dry_run:
            if message is not None:
                out.planned.append(f"{key} → {sub.channel} {_address(sub, user)}: {message.subject} "
                                   f"({len(message.attachments)} 附件 files)")
            continue
        if occ.quiet:
            log.settle(sub.id, occ.name, "quiet", now, occ.detail)
            continue
        if error:
            _fail_once(sub, occ.name, error, now, out, dry_run)
            continue
        to = _address(sub, user)
        try:
            prepared = sender.prepare(sub, to, message, key, now) if message is not None else None
        except Refused as e:
            _fail_once(sub, occ.name, str(e), now, out, dry_run, permanent=True)
            continue
        attempts = log.claim(sub.id, occ.name, worker, now, occ.detail)
        if attempts is None:
            continue  # sent, being sent, or waiting for its retry time
        if message is None:
            log.settle(sub.id, occ.name, "skipped", now, occ.detail, "范围内没有数据 / the scope holds no data",
                       sub.username)
            out.skipped.append(key)
            continue
        try:
            sender.send(sub, to, prepared, key)
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
               permanent: bool = False) -> None:
    key = log.key_of(sub.id, occurrence)
    out.failed.append(f"{key}: {why.splitlines()[0]}")
    if dry_run:
        return
    claimed = log.claim(sub.id, occurrence, "check", now)
    if claimed is not None:
        log.fail(sub.id, occurrence, claimed, why, now, permanent, sub.username)
