"""Fresh data without a person: files dropped into a folder are imported as they arrive.

`python -m data watch DIR --db FILE [--profile NAME] [--courts FILE] [--once]` looks at DIR
every --interval seconds (or once, for cron). A file is taken when it has stopped growing
(the same size and time at two looks, --settle seconds apart for --once), so a copy still
in progress is never read half-written. Each file is imported on its own, in the order it
arrived, in a child process with the import limits (data/sandbox.py), then moved:

    DIR/done/<time>-<name>            with <time>-<name>.rejects.csv beside it
    DIR/failed/<time>-<name>          with <time>-<name>.error.txt saying why

and recorded in the audit log as user `watch`. A file whose header is that of the
letters-and-visits list (data/recognise.py) is imported as one (`python -m data visits`, a
--profile of record = "visits" applying to it), any other as a case list. The dashboard's
header says when case data last arrived and from which file (the database's meta).
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import time
from collections.abc import Callable

from .reader import UnusableFile
from . import archive, profiles
from .sandbox import ingest_isolated, preview_isolated, visits_isolated

TAKEN = (".csv", ".txt", ".xlsx", ".xlsm", ".xls", ".parquet", ".pq", ".zip")


def _candidates(folder: str) -> dict[str, tuple[int, int]]:
    """Files that may be case lists: name -> (size, mtime); hidden, partial and lock files left alone."""
    out = {}
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if name.startswith((".", "~$")) or not name.lower().endswith(TAKEN) or os.path.islink(path):
            continue  # a link could point at any file the service may read: only files put here are taken
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode):
            continue
        out[name] = (st.st_size, st.st_mtime_ns)
    return out


def _move(folder: str, name: str, where: str, stamp: str) -> str:
    """DIR/name to DIR/where/<stamp>-name, never over a file already there."""
    os.makedirs(os.path.join(folder, where), exist_ok=True)
    target = os.path.join(folder, where, f"{stamp}-{name}")
    n = 1
    while os.path.lexists(target):
        n += 1
        target = os.path.join(folder, where, f"{stamp}-{n}-{name}")
    shutil.move(os.path.join(folder, name), target)
    return target


def list_of(path: str, db: str, profile: str | None) -> str:
    """cases or visits, by the file's header (read in a limited child, as the import reads it);
    a .zip holds case lists."""
    if archive.is_zip(path):
        return "cases"
    return preview_isolated(path, db, profile, os.path.basename(path)).get("kind") or "cases"


def profile_record(profile: str | None) -> str | None:
    """The list a profile maps (cases or visits); None without one."""
    return profiles.load(profile).record if profile else None


def import_one(folder: str, name: str, db: str, courts: str | None, profile: str | None,
               record: Callable[[str, str], None]) -> bool:
    """Import DIR/name and file it under done/ or failed/; True when it was imported."""
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
    os.makedirs(os.path.join(folder, "done"), exist_ok=True)
    rejects = os.path.join(folder, "done", f"{stamp}-{name}.rejects.csv")
    try:
        path = os.path.join(folder, name)
        kind = list_of(path, db, profile)
        if kind == "visits":
            r = visits_isolated(path, db, rejects, profile if profile_record(profile) == "visits" else None, name)
        else:
            r = ingest_isolated(path, courts, db, rejects, profile if profile_record(profile) == "cases" else None)
    except UnusableFile as e:
        target = _move(folder, name, "failed", stamp)
        with open(target + ".error.txt", "w", encoding="utf-8") as f:
            f.write(f"{e}\n")
        record("import", f"failed: {name}: {e}")
        print(f"{name}: 导入失败，数据库未改动 / import failed, database unchanged: {e}", flush=True)
        return False
    _move(folder, name, "done", stamp)
    record("import", f"{name}: read {r.rows_read}, accepted {r.accepted}, rejected {r.rejected} "
                     f"({'visits list, ' if kind == 'visits' else ''}watch)")
    print(f"{name}: 读取 {r.rows_read} 行 = 接收 {r.accepted} + 拒绝 {r.rejected} / rows read {r.rows_read} = "
          f"accepted {r.accepted} + rejected {r.rejected}" + ("" if r.changed else "  数据库未改动 / database unchanged"),
          flush=True)
    return r.changed


def watch(folder: str, db: str, courts: str | None = None, profile: str | None = None, interval: float = 30,
          settle: float = 5, once: bool = False, record: Callable[[str, str], None] | None = None) -> int:
    """Import files as they settle; with `once`, one look (files unchanged for `settle` seconds).
    Returns how many files were imported."""
    if record is None:
        from security import audit

        def record(event: str, detail: str) -> None:
            audit.record("watch", event, detail)

    if not os.path.isdir(folder):
        raise UnusableFile(f"{folder}: 文件夹不存在 / folder not found")
    seen = _candidates(folder) if not once else {}
    imported = 0
    while True:
        if once:
            now = time.time_ns()
            ready = [n for n, (_size, mtime) in _candidates(folder).items() if now - mtime >= settle * 1e9]
        else:
            time.sleep(interval)
            current = _candidates(folder)
            ready = [n for n, look in current.items() if seen.get(n) == look]
            seen = current
        for name in sorted(ready, key=lambda n: os.stat(os.path.join(folder, n)).st_mtime_ns):
            imported += import_one(folder, name, db, courts, profile, record)
            seen.pop(name, None)
        if once:
            return imported
