"""Answers shared by every session of the server process.

A cached query is keyed by what decides its answer (the period, the scope, the level, the data
version), never by who asked: two leaders looking at the same court share one computation, and
sessions asking the same thing at once wait for the one computing it. Answers are kept pickled,
so that each asker gets a copy of its own (pages add columns to what they get), and found by the
arguments' own hash (st.cache_data's hashing of every argument cost more than a small answer's
copy, on every ask). Each answer asked is remembered (the last ASKS_KEPT of them), so that when
the data changes (an import, a rollback, a settings file saved) `warm` computes them again for
the new version in the background, before the next click asks; the seeds (every court × the
latest periods, ui/queries.py) are computed the same way when a server starts.

SPZX_COMPUTATIONS_LOG names a file that gets one line per computation (the query's name):
bench/load.py counts them to show that a meeting's forty openings of one view compute it once.
"""
from __future__ import annotations

import functools
import os
import pickle
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from metrics import shared_reads
from metrics.evaluation import config_path
from metrics.ownership import ownership_path
from ui.database import version

ASKS_KEPT = 400
_asks: OrderedDict[tuple, None] = OrderedDict()  # (query, its arguments) in the order last asked
_asks_lock = threading.Lock()


def _stamp(path: str) -> str:
    try:
        stat = os.stat(path)
        return f"{stat.st_mtime_ns}:{stat.st_size}"
    except OSError:
        return ""


def versions() -> tuple:
    """Every answer's key's last part: the database file's version, the evaluation file's (the
    settings page changes ranges and weights while the server runs) and the ownership file's."""
    return version(), _stamp(config_path()), _stamp(ownership_path())


def _count(name: str) -> None:
    path = os.environ.get("SPZX_COMPUTATIONS_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as f:  # one short append: whole lines from any thread
            f.write(name + "\n")


def shared(max_entries: int) -> Callable:
    """A query function cached for every session by its arguments plus the data's version, whose
    asks are remembered for `warm`. The arguments must be what decides the answer."""
    def wrap(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def computing(*args):
            _count(fn.__name__)
            with shared_reads.sharing(args[-1]):  # the data version: reads no period changes are kept
                return fn(*args[:-1])

        cached = _Kept(computing, max_entries)

        @functools.wraps(fn)
        def ask(*args):
            _remember(ask, args)
            now = versions()
            _maybe_warm(now)
            return cached(*args, now)

        ask.cached = cached
        return ask
    return wrap


class _Kept:
    """A function's answers by their arguments (hashable), the last `max_entries`, kept pickled; one
    computation per key at a time, whoever else asks waits for it."""

    def __init__(self, compute: Callable, max_entries: int):
        self._compute, self._max = compute, max_entries
        self._kept: OrderedDict[tuple, bytes] = OrderedDict()
        self._making: dict[tuple, threading.Event] = {}
        self._lock = threading.Lock()

    def __call__(self, *args):
        try:
            hash(args)
        except TypeError:  # not a key: computed for this asker alone
            return self._compute(*args)
        while True:
            with self._lock:
                kept = self._kept.get(args)
                if kept is not None:
                    self._kept.move_to_end(args)
                else:
                    making = self._making.get(args)
                    mine = making is None
                    if mine:
                        making = self._making[args] = threading.Event()
            if kept is not None:
                return pickle.loads(kept)  # outside the lock: sessions unpickle side by side
            if not mine:  # kept once this is set, or its maker failed: ask again (and make it then)
                making.wait()
                continue
            try:
                value = self._compute(*args)
                kept = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
                with self._lock:
                    self._kept[args] = kept
                    while len(self._kept) > self._max:
                        self._kept.popitem(last=False)
                return value  # the maker's own: the kept copy is the pickle
            finally:
                with self._lock:
                    del self._making[args]
                making.set()


def _remember(ask: Callable, args: tuple) -> None:
    try:
        hash(args)
    except TypeError:  # not a key a later version could be asked by
        return
    with _asks_lock:
        _asks[(ask, args)] = None
        _asks.move_to_end((ask, args))
        if len(_asks) > ASKS_KEPT:
            _asks.popitem(last=False)


# ---- warming ---------------------------------------------------------------------------------

_warmed_for: tuple | None = None
_warm_lock = threading.Lock()
_seeds: Callable[[], Iterable[tuple[Callable, tuple]]] | None = None
BUSY_SHARE = 0.5  # the warming thread rests as long as it worked: clicks keep at least half the GIL


def seed_with(seeds: Callable[[], Iterable[tuple[Callable, tuple]]]) -> None:
    """What a new data version warms besides what was asked before: (shared query, arguments)."""
    global _seeds
    _seeds = seeds


def _maybe_warm(now: tuple) -> None:
    """At most one warming thread per data version `now`, started by the first ask that sees it."""
    global _warmed_for
    if now == _warmed_for:
        return
    with _warm_lock:
        if now == _warmed_for:
            return
        _warmed_for = now
    if os.environ.get("SPZX_WARM", "1") == "0":
        return
    threading.Thread(target=_warm, args=(now,), name="spzx-warm", daemon=True).start()


def _warm(for_version: tuple) -> None:
    try:
        _warm_all(for_version)
    except Exception as e:  # the data went away or changed under it: the next ask warms what is there
        print(f"缓存预热中止 / warming stopped: {e!r}", file=sys.stderr, flush=True)


def _warm_all(for_version: tuple) -> None:
    started, cpu, done = time.monotonic(), time.thread_time(), 0
    with _asks_lock:
        asked = list(reversed(_asks))  # the most recent first
    todo = asked + list(_seeds() if _seeds else [])
    seen = set()
    for ask, args in todo:
        if (ask, args) in seen:
            continue
        seen.add((ask, args))
        if versions() != for_version:  # replaced again: the next ask warms the newer one
            return
        began = time.perf_counter()
        try:
            ask.cached(*args, for_version)
            done += 1
        except Exception:  # a warm answer is a bonus: the page asking it meets the error itself
            continue
        time.sleep((time.perf_counter() - began) * BUSY_SHARE / (1 - BUSY_SHARE))
    print(f"缓存预热 / answers warmed: {done} in {time.monotonic() - started:.0f} s "
          f"({time.thread_time() - cpu:.1f} s CPU in this thread)", file=sys.stderr, flush=True)
