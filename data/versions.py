"""Earlier versions of the database, kept so an import can be undone.

Every build that replaces the database (import, refresh, generate, rollback) first keeps the
file it replaces in the folder `<db>.versions/` as `<time it was replaced>.duckdb`: a hard
link, so keeping it costs no time and no space until the file would otherwise be deleted.
Nothing ever writes into a database file in place (every change is a new file and a rename),
so a kept version never changes. The newest SPZX_KEEP_VERSIONS (default 5) are kept.

A version counts only once the rename that replaced it has happened: `keep` links it under a
pending name (`<time>.duckdb.pending`, never listed), `promote` names it a version after the
rename. A kill between the two leaves the pending file; `settle` (at the next build, rollback or
server start) removes it when it is still the database in use (the rename never happened) and
promotes it otherwise — so kills cannot fill the kept five with copies of the current database.

`rollback` puts a kept version back the same way: under the build lock, by rename, the
version replaced being kept in turn (a rollback can itself be undone). By default it puts back the
newest version that reads; a damaged file it replaces is set aside as `<time>.damaged` instead.
"""
from __future__ import annotations

import datetime as dt
import filecmp
import os
import shutil
from dataclasses import dataclass

import duckdb

from metrics.db import damage_of

from .lock import build_lock


def keep_count() -> int:
    return max(0, int(os.environ.get("SPZX_KEEP_VERSIONS", "5")))


def folder(db_path: str) -> str:
    return os.path.abspath(db_path) + ".versions"


@dataclass(frozen=True)
class Version:
    name: str  # the time it was replaced, YYYYMMDDTHHMMSSffffff: what `rollback` takes
    path: str
    kind: str  # demo | import | refresh …, from the version's own meta
    source: str
    built_at: str
    data_date: str
    cases: int | None
    current: bool
    visits_source: str = ""  # the file of the last visits list imported into it, if any  # the same file as the database in use (the version last rolled back to)


PENDING = ".duckdb.pending"


def keep(db_path: str) -> str | None:
    """Keep the database file about to be replaced (called under the build lock) under a pending
    name; returns that path for `promote` once the rename is done (None: nothing kept)."""
    db_path = os.path.abspath(db_path)
    settle(db_path)
    if not os.path.isfile(db_path) or keep_count() == 0:
        return None
    os.makedirs(folder(db_path), exist_ok=True)
    name = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
    # a damaged file (a rollback or an import over it) is set aside, not kept as a version: it would
    # push a good one out of the last N (never listed nor pruned; the admin may look at it, then delete it)
    damaged = damage_of(db_path) is not None
    target = os.path.join(folder(db_path), f"{name}.damaged" if damaged else name + PENDING)
    try:
        os.link(db_path, target)
    except OSError:  # another file system, or no hard links: a copy
        shutil.copy2(db_path, target)
    return None if damaged else target


def promote(db_path: str, pending: str | None) -> None:
    """The rename has replaced the database: the pending file becomes a version; then prune."""
    if pending is None:
        return
    os.replace(pending, pending[:-len(PENDING)] + ".duckdb")
    _prune(db_path)


def _prune(db_path: str) -> None:
    for old in list_versions(db_path, with_meta=False)[keep_count():]:
        os.remove(old.path)


def _still_in_use(db_path: str, pending: str) -> bool:
    """Whether `pending` is the database in use: the same file (a hard link) or, for a copy,
    the same bytes."""
    try:
        return os.path.samefile(db_path, pending) or filecmp.cmp(db_path, pending, shallow=False)
    except OSError:
        return False


def settle(db_path: str) -> bool:
    """Pending files left by a build or rollback killed around its rename: removed when the
    rename never happened, promoted when it did. Call under the build lock. Returns whether
    there were any."""
    db_path = os.path.abspath(db_path)
    where = folder(db_path)
    pending = sorted(f for f in os.listdir(where) if f.endswith(PENDING)) if os.path.isdir(where) else []
    for file in pending:
        path = os.path.join(where, file)
        if _still_in_use(db_path, path):
            os.remove(path)
        else:
            os.replace(path, path[:-len(PENDING)] + ".duckdb")
    if pending:
        _prune(db_path)
    return bool(pending)


def list_versions(db_path: str, with_meta: bool = True) -> list[Version]:
    """Kept versions, newest first."""
    where = folder(db_path)
    if not os.path.isdir(where):
        return []
    out = []
    try:
        in_use = os.stat(db_path).st_ino
    except OSError:
        in_use = None
    for file in sorted((f for f in os.listdir(where) if f.endswith(".duckdb")), reverse=True):
        path = os.path.join(where, file)
        meta, cases = {}, None
        if with_meta and damage_of(path) is not None:  # cut short or overwritten: never offered as good
            meta = {"kind": "unreadable"}
        elif with_meta:
            try:
                with duckdb.connect(path, read_only=True) as con:
                    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
                    cases = con.execute("SELECT count(*) FROM cases").fetchone()[0]
            except duckdb.Error:
                meta = {"kind": "unreadable"}
        out.append(Version(file[:-len(".duckdb")], path, meta.get("kind", ""), meta.get("source", ""),
                           meta.get("built_at", ""), meta.get("data_date", ""), cases, os.stat(path).st_ino == in_use,
                           meta.get("visits_source", "")))
    return out


class NoSuchVersion(Exception):
    pass


def rollback(db_path: str, name: str | None = None) -> Version:
    """Put version `name` (default: the newest kept) back in place atomically; returns it. The
    choice is made under the build lock, so an import running meanwhile cannot prune it away."""
    db_path = os.path.abspath(db_path)
    with build_lock(db_path):
        settle(db_path)  # what a killed build left, before choosing
        kept = list_versions(db_path)
        if not kept:
            raise NoSuchVersion("没有可回退的版本 / no earlier version is kept")
        # by default the newest that reads, other than the file in use (a damaged file is rolled back from)
        newest = next((v for v in kept if v.kind != "unreadable" and not v.current), kept[0])
        chosen = newest if name is None else next((v for v in kept if v.name == name), None)
        if chosen is None:
            raise NoSuchVersion(f"没有版本 {name} / no version {name}; kept: {', '.join(v.name for v in kept)}")
        if chosen.kind == "unreadable":
            raise NoSuchVersion(f"版本 {chosen.name} 无法读取，不能回退到它 / version {chosen.name} cannot be read")
        tmp = db_path + ".building"
        if os.path.exists(tmp):
            os.remove(tmp)
        try:
            os.link(chosen.path, tmp)
        except OSError:
            shutil.copy2(chosen.path, tmp)
        pending = keep(db_path)
        os.replace(tmp, db_path)
        promote(db_path, pending)
    return chosen
