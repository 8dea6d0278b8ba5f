"""Answers kept for one script run: what a page asks many times while it is drawn, and what cannot
change within one run (who is signed in: checked once per run, as ui/session.py promises), read
once. A run is a whole page's or a fragment's; every run starts afresh, so a user signed out in
another tab is seen by the next click, a fragment's too.
"""
from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TypeVar

from streamlit.runtime.scriptrunner import get_script_run_ctx

T = TypeVar("T")
_here = threading.local()  # the run this thread draws, and what it asked


def _this_run() -> object | None:
    """The current run's own object, or None outside a run (the warming thread, a download made
    on its click). Streamlit gives each run a new `cursors` dict when it starts
    (ScriptRunContext.reset; tests/test_per_run.py holds whole runs to that), and a fragment's
    run a copy of its own (streamlit/runtime/fragment.py)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return None if ctx is None else ctx.cursors


def per_run(fn: Callable[..., T]) -> Callable[..., T]:
    """fn's answer by its (hashable) arguments, computed once per run; outside a run, every time."""
    @functools.wraps(fn)
    def once(*args):
        run = _this_run()
        if run is None:
            return fn(*args)
        kept = getattr(_here, "kept", None)
        if kept is None or kept[0] is not run:
            kept = _here.kept = (run, {})
        key = (fn, args)
        if key not in kept[1]:
            kept[1][key] = fn(*args)
        return kept[1][key]
    return once
