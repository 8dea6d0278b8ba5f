"""Where the application's own state lives: one SQLite file (audit log, sign-in sessions) next
to the case database by default, or SPZX_STATE."""
from __future__ import annotations

import os

DEFAULT_STATE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "app_state.sqlite")


def state_path() -> str:
    return os.environ.get("SPZX_STATE", DEFAULT_STATE)
