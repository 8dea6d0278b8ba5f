"""What a run will send: each subscription's due messages, built as its recipient. Pure reading
(the case database, the log's past), so it can run in worker processes side by side; the
sending, which writes the log, stays in one process (delivery/run.py)."""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import sys
import traceback
import types
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

import duckdb

from security.users import User, load_users

from . import log
from .kinds import KINDS
from .message import Message
from .model import Occurrence, Subscription
from .recipient import Recipient

MIN_PER_WORKER = 40  # fewer subscriptions than this per worker: starting workers costs more than it saves
BATCH = 8  # subscriptions a worker is given at a time


@dataclass
class Planned:
    sub: Subscription
    occurrences: list[tuple[Occurrence, Message | None, str]] = field(default_factory=list)  # (due, message, error)
    problem: str = ""        # the subscription could not be looked at
    permanent: bool = False  # and will not be until the office acts


def plan_one(con: duckdb.DuckDBPyConnection, sub: Subscription, user: User | None, now: dt.datetime,
             shared: dict) -> Planned:
    out = Planned(sub)
    if user is None or sub.kind not in KINDS or not KINDS[sub.kind].allowed(user.access.rule):
        out.problem = (f"用户“{sub.username}”已不存在 / no user {sub.username!r}" if user is None else
                       f"用户“{sub.username}”的角色不能订阅 {sub.kind} / the user's role cannot have {sub.kind}")
        out.permanent = True
        return out
    kind = KINDS[sub.kind]
    r = Recipient(sub, user, con, now, log.past(sub.id, now), shared)
    try:
        due = kind.due(r)
    except Exception as e:  # noqa: BLE001 - told to the office; one subscription's fault stops no other's
        out.problem = f"{type(e).__name__}: {e}"
        return out
    named = {o.name for o in due}
    due += [Occurrence(p.occurrence, p.detail) for p in log.resends(sub.id) if p.occurrence not in named]
    for occ in due:
        if occ.quiet:
            out.occurrences.append((occ, None, ""))
            continue
        try:
            out.occurrences.append((occ, kind.build(r, occ), ""))
        except Exception as e:  # noqa: BLE001 - one recipient's failure stops no other's
            out.occurrences.append((occ, None, f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}"))
    return out


def plan(con: duckdb.DuckDBPyConnection, subs: list[Subscription], now: dt.datetime, db_path: str | None = None,
         workers: int | None = None) -> Iterator[Planned]:
    """Every subscription's plan, as they come. With the database's path, in worker processes
    when there are enough subscriptions: readers who see alike go to the same worker, so a pack
    is made once, and the costly packs go first, in small batches, so that every worker shares them."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    workers = min(workers, len(subs) // MIN_PER_WORKER)
    users = load_users().users
    if not db_path or workers < 2:
        shared: dict = {}
        yield from (plan_one(con, s, users.get(s.username), now, shared) for s in subs)
        return
    alike = sorted(subs, key=lambda s: _affinity(s, users.get(s.username)))
    batches = [alike[j:j + BATCH] for j in range(0, len(alike), BATCH)]
    # spawned, not forked: a fork would copy this process's database connection and its threads
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_start,
                             initargs=(db_path, dict(os.environ))) as pool:
        with _plain_main():
            parts = pool.map(_plan_batch, batches, [now] * len(batches))  # submits all: the workers start here
        for part in parts:
            yield from part  # sent while the workers build the next ones


@contextmanager
def _plain_main():
    """A spawned worker imports the caller's main module again unless it has none; the workers
    need nothing of it (and under a test runner or an embedding app it may be any script)."""
    caller = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = caller


def _affinity(sub: Subscription, user: User | None) -> tuple:
    return (not sub.kind.startswith("pack_"), repr(user.access) if user else "", sub.lang, sub.kind)


_worker: dict = {}


def _start(db_path: str, env: dict) -> None:
    from metrics.db import connect

    os.environ.update(env)
    _worker.update(con=connect(db_path), users=load_users().users, shared={})


def _plan_batch(subs: list[Subscription], now: dt.datetime) -> list[Planned]:
    return [plan_one(_worker["con"], s, _worker["users"].get(s.username), now, _worker["shared"]) for s in subs]
