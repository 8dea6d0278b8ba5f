"""Reads of the database that no period changes, kept while one data version is served.

A scope's monthly sums (metrics/facts_sums.py) answer every period of that scope: a quarter, its
year to date, the same quarter a year earlier, the quarter before. A server asked for many periods
of the same scopes reads them once per data version instead of once per question. Only a caller
that names the data version it reads (`sharing`, the dashboard's server) keeps them; the command
line and the tests read afresh as before. Concurrent askers of one read wait for the first.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np

BUDGET_BYTES = 256 * 2**20  # the oldest reads go first beyond this (a province by judge is ~10 MB)

_version: ContextVar[Hashable | None] = ContextVar("shared_reads_version", default=None)
_kept: OrderedDict[tuple, tuple[object, int]] = OrderedDict()  # key → (value, bytes), oldest first
_kept_bytes = 0
_lock = threading.Lock()
_making: dict[tuple, threading.Lock] = {}


@contextmanager
def sharing(version: Hashable):
    """Within this block (this thread), reads are kept and shared under `version`."""
    token = _version.set(version)
    try:
        yield
    finally:
        _version.reset(token)


def read(key: tuple, make: Callable[[], object]) -> object:
    """`make()`'s value, kept under the current version and `key` when sharing, else made afresh.
    The value is shared between threads: nobody may change it."""
    version = _version.get()
    if version is None:
        return make()
    try:
        full = (version, *key)
        hash(full)
    except TypeError:  # an argument that cannot be a key: not kept
        return make()
    with _lock:
        if full in _kept:
            _kept.move_to_end(full)
            return _kept[full][0]
        making = _making.setdefault(full, threading.Lock())
    try:
        with making:  # one maker per key; the others wait and take its value
            with _lock:
                if full in _kept:
                    return _kept[full][0]
            value = make()
            _keep(full, value)
            return value
    finally:
        with _lock:
            _making.pop(full, None)


def _keep(full: tuple, value: object) -> None:
    global _kept_bytes
    size = _size(value)
    with _lock:
        _kept[full] = (value, size)
        _kept_bytes += size
        while _kept_bytes > BUDGET_BYTES and len(_kept) > 1:
            _, (_, gone) = _kept.popitem(last=False)
            _kept_bytes -= gone


def _size(value: object) -> int:
    if isinstance(value, np.ndarray):
        return value.nbytes + (8 * value.size if value.dtype == object else 0)
    if isinstance(value, dict):
        return sum(_size(v) for v in value.values()) + 64 * len(value)
    if isinstance(value, (tuple, list)):
        return sum(_size(v) for v in value) + 8 * len(value)
    if hasattr(value, "__dict__"):
        return _size(vars(value))
    return 64


def clear() -> None:
    global _kept_bytes
    with _lock:
        _kept.clear()
        _kept_bytes = 0
