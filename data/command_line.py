"""`python -m data ingest` and `python -m data visits` typed at a terminal: the work done in the
import page's limited child (data/sandbox.py: the same memory and time bound, a one-line message
when it is hit, never a traceback or an abort), and recorded in the audit log as the page records
its imports (the same events and details), the user being the account that ran the command
(`cli:<name>`), in the state the server uses (SPZX_STATE / SPZX_STATE_URL)."""
from __future__ import annotations

import json
import os
import sys
import time

from .unusable import UnusableFile

FAILED = "导入失败，数据库未改动 / import failed, database unchanged"


def record(event: str, detail: str) -> bool:
    """One audit entry; False (and a line on stderr) when the log cannot be written."""
    from security import audit

    try:
        audit.record(audit.command_line_user(), event, detail)
        return True
    except Exception as e:  # a state that cannot be opened or written: said, never a traceback
        print(f"审计日志无法写入 / the audit log could not be written: {' '.join(str(e).split())[:300]}",
              file=sys.stderr)
        return False


def imported(args, argv: list[str]) -> int:
    """Run `ingest` or `visits` in the limited child and say its result as the command itself
    would (spec/cli.md: exit 0 once the file was processed, so an audit log that cannot be written
    is said on stderr, not in the exit code)."""
    from .ingest import IngestResult
    from .sandbox import child
    from .visits import VisitsResult

    visits = args.command == "visits"
    files = [args.shown_as] if visits and args.shown_as else (
        [args.visits_file] if visits else args.shown_as or args.cases_file)
    names = ", ".join(os.path.basename(f) for f in files)
    t0 = time.perf_counter()
    try:
        p = child(argv + ([] if args.json else ["--json"]), names, args.db, os.getcwd(), bound=True)
    except UnusableFile as e:  # out of memory or time, or killed
        print(f"{FAILED}: {e}", file=sys.stderr)
        record("import", f"failed: {names}: {e}")
        return 1
    except KeyboardInterrupt:  # Ctrl-C: the child was stopped with it, before its rename
        from .store import remove_leftovers

        remove_leftovers(args.db)
        print(f"{FAILED}: {names}: 已中断 / interrupted", file=sys.stderr)
        record("import", f"failed: {names}: interrupted")
        return 130
    last = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else f"exit {p.returncode}"
    if p.returncode not in (0, 1, 2) or "Traceback" in p.stderr:  # ended some other way: one line, no traceback
        why = f"{names}: 导入未完成 / the import did not finish ({last[-300:]})"
        print(f"{FAILED}: {why}", file=sys.stderr)
        record("import", f"failed: {why}")
        return 1
    if p.returncode != 0:  # the child's own refusal, as it wrote it
        sys.stdout.write(p.stdout)
        sys.stderr.write(p.stderr)
        why = last.split(": ", 1)[-1] if last.startswith(FAILED) else last
        why = why.removeprefix(f"{names}: ")  # the child's message may name the file already
        record("import", f"failed: {names}: {why}")
        return p.returncode
    *before, line = p.stdout.strip().splitlines() or [""]
    for text in before:  # anything the import said before its result
        print(text)
    sys.stderr.write(p.stderr)
    r = (VisitsResult if visits else IngestResult)(**json.loads(line))
    print(line if args.json else visits_summary(r) if visits else ingest_summary(r, time.perf_counter() - t0))
    profile = _profile_name(args.profile) if args.profile else None
    detail = (f"{names}: read {r.rows_read}, accepted {r.accepted}, rejected {r.rejected}"
              + (f", profile {profile}" if profile else "") + (", visits list" if visits else ""))
    record("import", detail)
    return 0


def ingest_summary(r, seconds: float) -> str:
    """The line `ingest` prints (spec/cli.md)."""
    counts = (f"读取 {r.rows_read} 行 = 接收 {r.accepted} + 拒绝 {r.rejected} / rows read {r.rows_read} = "
              f"accepted {r.accepted} + rejected {r.rejected}")
    if not r.changed:
        return (f"{counts}  没有接收任何行，数据库未改动 / no row accepted, database unchanged  "
                f"拒绝明细 rejects: {r.rejects_path}")
    return (f"{counts}  (新增 added {r.added}, 更新 updated {r.updated})  "
            f"拒绝明细 rejects: {r.rejects_path}  {seconds:.1f}s")


def visits_summary(r) -> str:
    """The line `visits` prints (spec/cli.md)."""
    if not r.accepted:
        return (f"读取 {r.rows_read} 行，接受 0 行，拒绝 {r.rejected} 行（明细：{r.rejects_path}），数据库未改动 / "
                f"{r.rows_read} rows read, 0 accepted, {r.rejected} rejected (see {r.rejects_path}); database unchanged")
    return (f"读取 {r.rows_read} 行，接受 {r.accepted} 行（新增 {r.added}，更新 {r.updated}），拒绝 {r.rejected} 行"
            f"（明细：{r.rejects_path}） / {r.rows_read} rows read, {r.accepted} accepted ({r.added} new, "
            f"{r.updated} updated), {r.rejected} rejected (see {r.rejects_path})")



def _profile_name(profile: str) -> str:
    from .profiles import load

    try:
        return load(profile).name
    except UnusableFile:
        return profile
