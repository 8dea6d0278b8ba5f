"""Cases out to Parquet and monthly facts back in: the database's side of a facts build by another engine.

  python -m data export-cases --db data/court.duckdb --parquet DIR
      writes DIR/cases/ and DIR/courts/ (Parquet files; the database is only read)
  python -m data facts --engine spark|duckdb --cases DIR --out FACTS
      computes FACTS/facts/, facts_origin/, judges/ and facts_info/ (data/spark_facts.py)
  python -m data load-facts --db data/court.duckdb --parquet FACTS
      puts them in the database (atomic swap, as `refresh`), if their version is this code's

The facts version (metrics/facts.py) travels with the files in FACTS/facts_info/: facts computed from
other measure declarations are refused, so the dashboard never takes them for current.
"""
from __future__ import annotations

import os

import duckdb

from metrics import facts

from . import store
from .validate import sql_literal  # COPY's file name takes no parameter

TABLES = ("facts", "facts_origin", "judges")


class StaleFacts(Exception):
    """Facts computed from other measure declarations than this code's."""


def parquet_files(folder: str, table: str) -> str:
    """The Parquet files of one table written by export_cases or by an engine's facts build."""
    return os.path.join(folder, table, "*.parquet")


def export_cases(db_path: str, folder: str) -> int:
    """Write tables `cases` and `courts` of a stored database as Parquet under `folder`; returns the case count."""
    if not os.path.isfile(db_path):
        raise FileNotFoundError(f"数据库不存在 / database not found: {db_path}")
    os.makedirs(folder, exist_ok=True)
    with duckdb.connect(db_path, read_only=True) as con:
        for table in ("cases", "courts"):
            target = os.path.join(folder, table)
            # one file per thread: written in parallel, read in parallel by the other engine
            con.execute(f"COPY (SELECT * FROM {table}) TO {sql_literal(target)} "
                        "(FORMAT parquet, PER_THREAD_OUTPUT true, OVERWRITE_OR_IGNORE true)")
        return con.execute("SELECT count(*) FROM cases").fetchone()[0]


def facts_version(folder: str) -> str | None:
    """The version stamped on facts written under `folder` (None: no stamp, e.g. an unfinished build)."""
    files = parquet_files(folder, "facts_info")
    with duckdb.connect() as con:
        try:
            row = con.execute("SELECT max(version) FROM read_parquet(?)", [files]).fetchone()
        except duckdb.IOException:
            return None
    return row[0] if row else None


def load_facts(db_path: str, folder: str) -> None:
    """Replace the fact tables of a stored database by the ones computed under `folder`."""
    found, wanted = facts_version(folder), facts.version()
    if found is None:
        raise StaleFacts(f"{folder} 下没有完整的汇总表 / no finished facts under {folder} (no facts_info)")
    if found != wanted:
        raise StaleFacts(f"汇总表版本 {found} 与本程序的 {wanted} 不同，请用本版本重新计算 / the facts under {folder} "
                         f"are version {found}, this code's are {wanted}: compute them again with this code")
    with store.rebuilding(db_path) as con:
        facts.write_facts(con, parquet={t: parquet_files(folder, t) for t in TABLES})


def check_cases_folder(folder: str) -> None:
    """Raise FileNotFoundError unless `folder` holds the cases and courts export-cases writes."""
    import glob

    for table in ("cases", "courts"):
        if not glob.glob(parquet_files(folder, table)):
            raise FileNotFoundError(f"{folder} 下没有 {table} 的 Parquet 文件，请先运行 python -m data export-cases / "
                                    f"no {table} Parquet files under {folder}: write them with python -m data export-cases")


def build_duckdb(cases: str, out: str) -> None:
    """The facts from Parquet cases by DuckDB, written as the Spark job writes them (to compare and time
    the two engines on the same input)."""
    import shutil

    check_cases_folder(cases)
    stamp = os.path.join(out, "facts_info")
    shutil.rmtree(stamp, ignore_errors=True)  # no stamp while the tables are rewritten
    with duckdb.connect() as con:
        con.execute("SET temp_directory = ?", [os.path.join(out, ".spill")])
        for table in ("cases", "courts"):
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet({sql_literal(parquet_files(cases, table))})")
        for table, sql in list(facts.selects(facts.DUCKDB).items()) + [("facts_info", "SELECT ? AS version")]:
            folder = os.path.join(out, table)
            shutil.rmtree(folder, ignore_errors=True)
            os.makedirs(folder)
            target = sql_literal(os.path.join(folder, "part-0.parquet"))
            con.execute(f"COPY ({sql}) TO {target} (FORMAT parquet)", [facts.version()] if table == "facts_info" else [])
