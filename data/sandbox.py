"""Imports, and the import page's look at a file, run in a child process with memory and time
limits, so that no file, however it was made, can take the server's process down with it: the
worst a file can do is end its own child, which then reports a clear message and leaves the
database as it was (the atomic swap).

Limits: SPZX_IMPORT_MEMORY_MB (address space of the child, default 4096) and
SPZX_IMPORT_MINUTES (default 30). The child takes the memory limit itself, at its start
(data/__main__.py), since a preexec_fn in the threaded server could deadlock. The command
line's `ingest` and `visits` run their work in the same child (`child`), so a person at a
terminal gets the same bound and a one-line message instead of a traceback or an abort.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

from . import store
from .ingest import IngestResult
from .reader import UnusableFile
from .visits import VisitsResult

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_OUT_OF_MEMORY = ("MemoryError", "Out of Memory", "bad_alloc", "failed to map", "Cannot allocate memory",
                  "Memory allocation", "memory allocation of")  # the last two: OpenBLAS, Rust


def memory_limit() -> int:
    """SPZX_IMPORT_MEMORY_MB in bytes, or this process's own limit when lower (a child cannot raise it)."""
    import resource

    limit = int(os.environ.get("SPZX_IMPORT_MEMORY_MB", "4096")) << 20
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    return limit if hard == resource.RLIM_INFINITY else min(limit, hard)


def time_limit() -> float:
    return float(os.environ.get("SPZX_IMPORT_MINUTES", "30")) * 60


CHILD = "SPZX_IMPORT_CHILD"  # set for the child: it does the work itself, under the limit


def in_child() -> bool:
    return os.environ.get(CHILD) == "1"


def child(args: list[str], name: str, db_path: str, cwd: str = ROOT, bound: bool = False) -> subprocess.CompletedProcess:
    """`python -m data ARGS` in a limited child; the finished process (any exit code of its own),
    or UnusableFile when it ran out of memory or time or was killed (an abort included). `cwd`:
    where relative paths in ARGS start (the command line's own folder); `bound`: the child ends
    when this process ends (the command line, killed: its import stops too)."""
    env = dict(os.environ, SPZX_LIMIT_MEMORY_MB=str(memory_limit() >> 20), PYTHONIOENCODING="utf-8", **{CHILD: "1"})
    env.pop("SPZX_IMPORT_PARENT", None)
    if bound:
        env["SPZX_IMPORT_PARENT"] = str(os.getpid())
    env["PYTHONPATH"] = os.pathsep.join([ROOT] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    try:
        p = subprocess.run([sys.executable, "-m", "data", *args], cwd=cwd, env=env, capture_output=True,
                           encoding="utf-8", errors="replace", timeout=time_limit())
    except subprocess.TimeoutExpired:
        store.remove_leftovers(db_path)
        raise UnusableFile(f"{name}: 导入超过 {time_limit() / 60:g} 分钟，已停止 / the import took longer than "
                           f"{time_limit() / 60:g} minutes and was stopped") from None
    if p.returncode == 0:
        return p
    store.remove_leftovers(db_path)  # a child killed mid-build leaves its unfinished file
    if p.returncode == 1 and _last_line(p.stderr).startswith("导入失败"):
        return p
    if p.returncode < 0 or any(sign.lower() in p.stderr.lower() for sign in _OUT_OF_MEMORY):
        raise UnusableFile(f"{name}: 读取此文件超出导入的内存上限（{memory_limit() >> 20} MB），已停止；请拆分文件或另存为 CSV / "
                           f"reading this file went past the import's memory limit ({memory_limit() >> 20} MB) and was "
                           "stopped; split it or save it as CSV")
    return p


def _last_line(text: str) -> str:
    return text.strip().splitlines()[-1] if text.strip() else ""


def _run(args: list[str], name: str, db_path: str) -> str:
    """`python -m data ARGS` in a limited child; its stdout, or UnusableFile saying why it failed."""
    p = child(args, name, db_path)
    if p.returncode == 0:
        return p.stdout
    message = _last_line(p.stderr)
    if p.returncode == 1 and message.startswith("导入失败"):
        raise UnusableFile(message.split(": ", 1)[-1])
    raise UnusableFile(f"{name}: 导入未完成 / the import did not finish ({message[-300:] or f'exit {p.returncode}'})")


def ingest_isolated(cases_path: str | list[str], courts_path: str | None, db_path: str, rejects_path: str,
                    profile: str | None = None, shown_as: list[str] | None = None,
                    judges_path: str | None = None, replace: bool = False, through=None) -> IngestResult:
    """`ingest` in a child process; UnusableFile (database untouched) when the file cannot be used,
    or when the child ran out of memory or time or was killed. `shown_as`: the files' own names
    (for messages, the rejects and the database's record of its source)."""
    paths = [cases_path] if isinstance(cases_path, str) else list(cases_path)
    args = ["ingest", *paths, "--db", db_path, "--rejects", rejects_path, "--json"]
    if courts_path:
        args += ["--courts", courts_path]
    if profile:
        args += ["--profile", profile]
    if judges_path:
        args += ["--judges", judges_path]
    if replace:
        args.append("--replace")
    if through is not None:
        args += ["--through", through.isoformat()]
    for name in shown_as or []:
        args += ["--shown-as", name]
    out = _run(args, ", ".join(shown_as or [os.path.basename(p) for p in paths]), db_path)
    return IngestResult(**json.loads(out.strip().splitlines()[-1]))


def visits_isolated(path: str, db_path: str, rejects_path: str, profile: str | None = None,
                    shown_as: str | None = None) -> VisitsResult:
    """`visits` (the letters-and-visits list) in a child process, as `ingest_isolated`."""
    args = ["visits", path, "--db", db_path, "--rejects", rejects_path, "--json"]
    if profile:
        args += ["--profile", profile]
    if shown_as:
        args += ["--shown-as", shown_as]
    out = _run(args, shown_as or os.path.basename(path), db_path)
    return VisitsResult(**json.loads(out.strip().splitlines()[-1]))


def preview_isolated(path: str, db_path: str, profile: str | None = None, shown_as: str | None = None,
                     record: str | None = None) -> dict:
    """The mapping step's look at a file (data/preview.py `describe`), read in a limited child;
    `record`: look at it as that list (default: the list its header is)."""
    args = ["preview", path, "--db", db_path] + (["--profile", profile] if profile else [])
    args += ["--record", record] if record else []
    look = json.loads(_run(args, shown_as or os.path.basename(path), db_path))
    if shown_as and "problem" in look:  # the reader names the file it read: the upload's own name instead
        look["problem"] = look["problem"].replace(os.path.basename(path), shown_as)
    return look


def rejects_sheet_isolated(paths: list[str], shown_as: list[str], rejects_path: str, out: str, lang: str,
                           labels: tuple[str, str, str], db_path: str) -> dict:
    """The workbook of rejected rows (data/rejects.py `fix_sheet`), the files read again in a limited child."""
    args = ["rejects-sheet", *paths, "--rejects", rejects_path, "--out", out, "--lang", lang, "--labels", *labels]
    for name in shown_as:
        args += ["--shown-as", name]
    return json.loads(_run(args, ", ".join(shown_as), db_path).strip().splitlines()[-1])
