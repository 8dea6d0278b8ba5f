"""The build lock of a database file: held by every change of it (store.building) and by a
rollback (versions.rollback), so two cannot interleave."""
from __future__ import annotations

import contextlib
import fcntl
import os


@contextlib.contextmanager
def build_lock(db_path: str):
    """The exclusive lock every change of `db_path` holds, so two builds cannot interleave."""
    with open(os.path.abspath(db_path) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
