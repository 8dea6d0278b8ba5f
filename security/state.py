"""Where the application's own state lives: one SQLite file (audit log, sign-in sessions) next
to the case database by default, or SPZX_STATE."""
from __future__ import annotations

import os
import sqlite3

DEFAULT_STATE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "app_state.sqlite")


def state_path() -> str:
    return os.environ.get("SPZX_STATE", DEFAULT_STATE)


def open_state(path: str | None = None, **kwargs) -> sqlite3.Connection:
    """A connection to the state database, created readable and writable by its owner only
    (it holds the audit log and the sign-in sessions)."""
    path = path or state_path()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    if not os.path.exists(path):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    return sqlite3.connect(path, timeout=10, **kwargs)
