"""Command line: python -m data generate | ingest | visits | refresh | versions | rollback | watch | export-cases |
facts | load-facts (see README and spec/cli.md; the last three: data/exchange.py)."""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import errno
import json
import sys
import time

import duckdb
from schema.pipes import run


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m data", description="审判质效看板 data: build the demo or import case lists")
    sub = ap.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="write the synthetic demo province (示范省) database")
    g.add_argument("--db", required=True)
    g.add_argument("--cases", type=int, default=300_000)
    g.add_argument("--seed", type=int, default=2026)
    g.add_argument("--end", default="2026-09-30", help="last day of the data (YYYY-MM-DD)")
    g.add_argument("--quiet", action="store_true")
    i = sub.add_parser("ingest", help="import a case list and court list")
    i.add_argument("cases_file", nargs="+", help="one or more case lists, or a .zip of them: one atomic change")
    i.add_argument("--courts", help="the court list (required for a new database; without it the stored one is kept)")
    i.add_argument("--db", required=True)
    i.add_argument("--rejects")
    i.add_argument("--judges", help="the judges list (spec v2): replaces the stored one as a whole")
    i.add_argument("--profile", help="an import profile: config/profiles/NAME.toml, or the path of one")
    i.add_argument("--replace", action="store_true",
                   help="start a new database from these files instead of updating the stored one (kept as a "
                        "version for rollback); e.g. a court's first import over the demo")
    i.add_argument("--through", help="the date the files' data is complete to (数据截至, YYYY-MM-DD); default: "
                                     "the latest filing or closing in them")
    i.add_argument("--shown-as", action="append", help=argparse.SUPPRESS)  # the files' own names (the import page)
    i.add_argument("--json", action="store_true", help="print the result as one JSON line (for the import page)")
    r = sub.add_parser("refresh", help="rebuild the monthly facts after the measure definitions changed")
    r.add_argument("--db", required=True)
    r.add_argument("--if-stale", action="store_true", help="only when the facts are out of date")
    v = sub.add_parser("versions", help="list the earlier versions kept (newest first)")
    v.add_argument("--db", required=True)
    b = sub.add_parser("rollback", help="switch back to an earlier version (default: the newest kept)")
    b.add_argument("version", nargs="?")
    b.add_argument("--db", required=True)
    w = sub.add_parser("watch", help="import the files dropped into a folder, as they arrive (or once, for cron); "
                                         "a letters-and-visits list is known by its header")
    w.add_argument("folder")
    w.add_argument("--db", required=True)
    w.add_argument("--courts")
    w.add_argument("--profile")
    w.add_argument("--interval", type=float, default=30, help="seconds between looks")
    w.add_argument("--settle", type=float, default=5, help="with --once: seconds a file must be unchanged")
    w.add_argument("--once", action="store_true", help="look once and stop (for cron)")
    pv = sub.add_parser("preview", help="the mapping step's look at a file, as JSON (nothing is written)")
    pv.add_argument("file")
    pv.add_argument("--db", required=True)
    pv.add_argument("--profile")
    pv.add_argument("--record", choices=["cases", "visits"], help="look at the file as this list (default: recognised)")
    rs = sub.add_parser("rejects-sheet", help="the rejected rows with the files' own columns, as .xlsx (the import page)")
    rs.add_argument("files", nargs="+")
    rs.add_argument("--rejects", required=True, help="the rejects file the import wrote")
    rs.add_argument("--out", required=True)
    rs.add_argument("--lang", choices=["zh", "en"], default="zh")
    rs.add_argument("--labels", nargs=3, default=["行号", "原因", "文件"], metavar=("LINE", "REASON", "FILE"))
    rs.add_argument("--shown-as", action="append", default=[], help="each file's own name, in order")
    x = sub.add_parser("export-cases", help="write the cases and courts as Parquet, for another engine's facts build")
    x.add_argument("--db", required=True)
    x.add_argument("--parquet", required=True, help="folder: cases/ and courts/ are written in it")
    f = sub.add_parser("facts", help="compute the monthly facts from cases as Parquet, written as Parquet")
    f.add_argument("--engine", choices=["spark", "duckdb"], default="spark")
    f.add_argument("--cases", required=True, help="the folder export-cases wrote")
    f.add_argument("--out", required=True)
    f.add_argument("--master", default="local[*]", help="spark: where to run (default: this machine)")
    f.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE", help="spark: a setting")
    lf = sub.add_parser("load-facts", help="put facts computed by another engine into the database")
    lf.add_argument("--db", required=True)
    lf.add_argument("--parquet", required=True, help="the folder `facts` wrote")
    vs = sub.add_parser("visits", help="import a letters-and-visits list (spec v3) into an existing database")
    vs.add_argument("visits_file")
    vs.add_argument("--db", required=True)
    vs.add_argument("--rejects")
    vs.add_argument("--profile", help="an import profile of record = \"visits\" (name or .toml path)")
    vs.add_argument("--json", action="store_true", help="print the result as JSON (the import page)")
    vs.add_argument("--shown-as", help=argparse.SUPPRESS)  # the file's own name (the import page)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _limit_memory()
    _end_with_parent()
    if args.command in ("ingest", "visits"):
        from .sandbox import in_child

        if not in_child():  # a person at a terminal: the work in the page's limited child, recorded
            from .command_line import imported

            return imported(args, list(sys.argv[1:] if argv is None else argv))
    return COMMANDS[args.command](args)


def _generate(args) -> int:
    """generate: the synthetic demo province."""
    from .demo import generate

    try:
        end = dt.date.fromisoformat(args.end)
    except ValueError:
        print(f"--end: 日期格式应为 YYYY-MM-DD / expected YYYY-MM-DD: {args.end}", file=sys.stderr)
        return 2
    if args.cases < 1000:
        print("--cases: 至少 1000 / at least 1000", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    n = generate(args.db, cases=args.cases, seed=args.seed, end=end, progress=not args.quiet)
    print(f"示范省演示数据已生成 / demo database written: {args.db}  {n:,} 件 cases  {time.perf_counter() - t0:.1f}s")
    return 0


def _ingest(args) -> int:
    """ingest: a case list (and court list, judges list) into the database."""
    from .ingest import ingest
    from .profiles import load as load_profile
    from .reader import UnusableFile

    try:
        through = dt.date.fromisoformat(args.through) if args.through else None
    except ValueError:
        print(f"--through: 日期格式应为 YYYY-MM-DD / expected YYYY-MM-DD: {args.through}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    try:
        profile = load_profile(args.profile) if args.profile else None
        r = ingest(args.cases_file, args.courts, args.db, args.rejects, profile=profile, shown_as=args.shown_as,
                   judges_path=args.judges, replace=args.replace, through=through)
    except UnusableFile as e:
        print(f"导入失败，数据库未改动 / import failed, database unchanged: {e}", file=sys.stderr)
        return 1
    except (OSError, duckdb.Error) as e:  # a full disk, a folder that cannot be written
        print(f"导入失败，数据库未改动 / import failed, database unchanged: {_disk_message(e)}", file=sys.stderr)
        return 1
    from .command_line import ingest_summary

    print(json.dumps(dataclasses.asdict(r)) if args.json else ingest_summary(r, time.perf_counter() - t0))
    return 0


def _refresh(args) -> int:
    """refresh: rebuild the monthly facts."""
    from .store import refresh_facts

    t0 = time.perf_counter()
    try:
        rebuilt = refresh_facts(args.db, only_if_stale=args.if_stale)
    except (FileNotFoundError, OSError) as e:
        print(f"python -m data refresh: {e}", file=sys.stderr)
        return 2
    print(f"汇总表已重建 / facts rebuilt: {args.db}  {time.perf_counter() - t0:.1f}s" if rebuilt
          else f"汇总表已是最新 / facts are current: {args.db}")
    return 0


def _watch(args) -> int:
    """watch: import the files dropped into a folder."""
    from .reader import UnusableFile
    from .watch import watch

    try:
        n = watch(args.folder, args.db, args.courts, args.profile, args.interval, args.settle, args.once)
    except UnusableFile as e:
        print(f"python -m data watch: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    print(f"已导入 {n} 个文件 / {n} files imported")
    return 0


def _preview(args) -> int:
    """preview: the mapping step's look at a file, as JSON."""
    from .preview import describe
    from .profiles import load as load_profile
    from .reader import UnusableFile

    try:
        print(json.dumps(describe(args.file, load_profile(args.profile) if args.profile else None, args.db,
                                  args.record), ensure_ascii=False, default=str))
    except UnusableFile as e:
        print(f"导入失败，数据库未改动 / import failed, database unchanged: {e}", file=sys.stderr)
        return 1
    return 0


def _rejects_sheet(args) -> int:
    """rejects-sheet: the rejected rows with the files' own columns, as .xlsx."""
    from .rejects import fix_sheet

    print(json.dumps(fix_sheet(args.files, args.shown_as, args.rejects, args.out, args.lang, tuple(args.labels)),
                     ensure_ascii=False))
    return 0


def _exchange(args) -> int:
    from . import exchange

    t0 = time.perf_counter()
    try:
        if args.command == "export-cases":
            n = exchange.export_cases(args.db, args.parquet)
            print(f"已导出 / exported {n:,} 件 cases: {args.parquet}  {time.perf_counter() - t0:.1f}s")
        elif args.command == "load-facts":
            exchange.load_facts(args.db, args.parquet)
            print(f"汇总表已载入 / facts loaded: {args.db}  {time.perf_counter() - t0:.1f}s")
        elif args.engine == "duckdb":
            exchange.build_duckdb(args.cases, args.out)
            print(f"汇总表已计算 / facts computed (duckdb): {args.out}  {time.perf_counter() - t0:.1f}s")
        else:
            from . import spark_facts

            exchange.check_cases_folder(args.cases)
            conf = dict(c.split("=", 1) for c in args.conf)
            with spark_facts.session(args.master, conf) as spark:
                spark_facts.build(spark, args.cases, args.out)
            print(f"汇总表已计算 / facts computed (spark): {args.out}  {time.perf_counter() - t0:.1f}s")
    except (FileNotFoundError, exchange.StaleFacts, ValueError) as e:
        print(f"python -m data {args.command}: {e}", file=sys.stderr)
        return 2
    return 0


def _limit_memory() -> None:
    """SPZX_LIMIT_MEMORY_MB, set by data/sandbox.py for its child: the limit is taken here, by the
    child itself (a preexec_fn in the threaded server could deadlock)."""
    import os
    import resource

    limit = os.environ.get("SPZX_LIMIT_MEMORY_MB")
    if limit:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = int(limit) << 20 if hard == resource.RLIM_INFINITY else min(int(limit) << 20, hard)  # never raised
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _end_with_parent() -> None:
    """SPZX_IMPORT_PARENT, set by the command line for its child (data/command_line.py): the child
    is killed when that process ends, so that killing the command stops its import too."""
    import os

    parent = os.environ.get("SPZX_IMPORT_PARENT")
    if not parent or not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != int(parent):  # it ended before the line above
        os._exit(1)


def _versions(args) -> int:
    from . import versions

    if args.command == "versions":
        kept = versions.list_versions(args.db)
        if not kept:
            print("没有保留的早期版本 / no earlier version is kept")
        for v in kept:
            print(f"{v.name}  {v.kind:<7} {v.cases if v.cases is not None else '?':>10} 件 cases  "
                  f"数据截至 data date {v.data_date}  来源 source {v.source}  生成于 built {v.built_at}")
        return 0
    from .command_line import record

    try:
        chosen = versions.rollback(args.db, args.version)
    except (versions.NoSuchVersion, OSError) as e:
        print(f"python -m data rollback: {e}", file=sys.stderr)
        record("rollback", f"failed: {args.version or 'newest'}: {' '.join(str(e).split())}")
        return 2
    recorded = record("rollback", f"{chosen.name}: {chosen.kind} {chosen.source} ({chosen.cases} cases), command line")
    print(f"已回退到版本 / rolled back to {chosen.name} ({chosen.kind}, {chosen.source}, 数据截至 data date {chosen.data_date}); "
          "被替换的版本已保留 / the version replaced is kept")
    return 0 if recorded else 3


def _disk_message(e: BaseException) -> str:
    text = " ".join(str(e).split())
    if isinstance(e, duckdb.OutOfMemoryException) or "Out of Memory" in text:  # not the disk: the import's memory
        return f"内存不足，已停止；请拆分文件或另存为 CSV / out of memory, stopped; split the file or save it as CSV ({text[:200]})"
    if getattr(e, "errno", None) == errno.ENOSPC or "No space left" in text:
        return f"磁盘空间不足 / no space left on the disk ({text[:200]})"
    return f"无法写入 / cannot write ({text[:200]})"


# One function a subcommand.
def _visits(args) -> int:
    """`data visits`: the letters-and-visits list merged into the stored database (spec v3)."""
    from .profiles import load as load_profile
    from .reader import UnusableFile
    from .visits import import_visits

    try:
        profile = load_profile(args.profile) if args.profile else None
        r = import_visits(args.visits_file, args.db, args.rejects, profile=profile, shown_as=args.shown_as)
    except FileNotFoundError as e:
        print(f"python -m data visits: {e}", file=sys.stderr)
        return 2
    except UnusableFile as e:
        print(f"导入失败，数据库未改动 / import failed, database unchanged: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"导入失败，数据库未改动 / import failed, database unchanged: {_disk_message(e)}", file=sys.stderr)
        return 1
    from .command_line import visits_summary

    print(json.dumps(dataclasses.asdict(r)) if args.json else visits_summary(r))
    return 0


COMMANDS = {
    "generate": _generate, "ingest": _ingest, "refresh": _refresh, "versions": _versions, "rollback": _versions,
    "watch": _watch, "preview": _preview, "rejects-sheet": _rejects_sheet,
    "export-cases": _exchange, "facts": _exchange, "load-facts": _exchange, "visits": _visits,
}


if __name__ == "__main__":
    run(main)
