"""The letters-and-visits list (涉诉信访登记表, spec v3): imported on its own into a database
that holds cases (`python -m data visits`), merged into table `visits` by visit_no.

Table `visits` always exists in a database this code builds (empty when no list was imported):
a case import carries the stored visits over (`carry`), a visits import or refresh copies the
whole database (store.rebuilding), so every import keeps the others' tables.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import duckdb

from metrics.facts import FactsState, facts_state, write_facts, write_visit_facts
from schema import records
from schema.cells import csv_writer

from . import store, visit_rules
from .profiles import Profile, apply_values
from .reader import UnusableFile, read_table

REC = records.VISITS
COLUMNS = [c.name for c in REC.columns]


@dataclass
class VisitsResult:
    rows_read: int
    accepted: int
    rejected: int
    added: int
    updated: int
    rejects_path: str

    @property
    def changed(self) -> bool:
        return self.accepted > 0


def create(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(records.VISITS_DDL)


def carry(con: duckdb.DuckDBPyConnection, has_old: bool) -> None:
    """Table `visits` of a new build: the stored visits of database `old` when it has them."""
    create(con)
    if has_old and con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'old' "
                               "AND table_name = 'visits'").fetchone()[0]:
        con.execute(f"INSERT INTO visits SELECT {', '.join(COLUMNS)} FROM old.visits")


# when the visits list last arrived and from which file: the header and the versions say it
NOTE_KEYS = ("visits_imported_at", "visits_source")


def note_import(con: duckdb.DuckDBPyConnection, source: str) -> None:
    at = dt.datetime.now().isoformat(timespec="seconds")
    con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                    [["visits_imported_at", at], ["visits_source", source if len(source) <= 200 else source[:199] + "…"]])


def carry_note(con: duckdb.DuckDBPyConnection, has_old: bool) -> None:
    """A new build's meta keeps the stored database's note of its visits list (after write_meta)."""
    if has_old:
        con.execute("INSERT OR REPLACE INTO meta SELECT key, value FROM old.meta WHERE key IN (SELECT unnest(?))",
                    [list(NOTE_KEYS)])


def _write_rejects(con: duckdb.DuckDBPyConnection, path: str) -> int:
    rows = con.execute("SELECT row_no, visit_no, reason FROM visit_checked WHERE reason IS NOT NULL "
                       "ORDER BY row_no").fetchall()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv_writer(f)
        w.writerow(["row", "visit_no", "reason"])
        w.writerows([r, v or "", reason] for r, v, reason in rows)
    return len(rows)


def import_visits(visits_path: str, db_path: str, rejects_path: str | None = None,
                  today: dt.date | None = None, profile: Profile | None = None,
                  shown_as: str | None = None) -> VisitsResult:
    """Check the file's rows, write the rejects, merge the accepted rows into the stored visits
    and rebuild the facts, atomically. Nothing accepted: the database stays byte-identical.
    `profile`: a saved mapping of a source system's headers and words onto the list's
    (data/profiles.py, record = "visits"); `shown_as`: the file's own name, for the database's note
    of where its visits came from."""
    if profile is not None and profile.record != "visits":
        raise UnusableFile(f"导入配置 {profile.name} 是案件表的配置，不能用于信访登记表 / "
                           f"profile {profile.name} maps a case list, not a visits list")
    if not os.path.isfile(db_path):  # before reading the file: no database, no rejects file
        raise FileNotFoundError(f"数据库不存在 / database not found: {db_path}")
    today = today or dt.date.today()
    rejects_path = rejects_path or os.path.join(os.path.dirname(os.path.abspath(db_path)), "visit_rejects.csv")
    raw = apply_values(read_table(visits_path, REC.columns_of(), profile.columns if profile else None), profile)
    with duckdb.connect() as check:
        check.execute("ATTACH ? AS stored (READ_ONLY)", [os.path.abspath(db_path)])
        check.execute("USE stored")
        visit_rules.check_rows(check, raw, today)
        rejected = _write_rejects(check, rejects_path)
        accepted_rows = check.execute(
            "SELECT v_visit_no, v_court_code, v_received_date, v_form, v_petitioner_id, v_case_no, v_skip_level, "
            "v_hearing, v_closed_date, v_outcome FROM visit_checked WHERE reason IS NULL ORDER BY row_no").fetchall()
    rows_read = raw.num_rows
    if not accepted_rows:
        return VisitsResult(rows_read, 0, rejected, 0, 0, rejects_path)
    with store.rebuilding(db_path) as con:
        create(con)  # an older database gains the table
        keys = [r[0] for r in accepted_rows]
        con.execute("CREATE TEMP TABLE incoming_keys(visit_no VARCHAR)")
        con.executemany("INSERT INTO incoming_keys VALUES (?)", [[k] for k in keys])
        updated = con.execute("SELECT count(*) FROM visits WHERE visit_no IN (SELECT visit_no FROM incoming_keys)"
                              ).fetchone()[0]
        con.execute("DELETE FROM visits WHERE visit_no IN (SELECT visit_no FROM incoming_keys)")
        con.executemany(f"INSERT INTO visits VALUES ({', '.join('?' * len(COLUMNS))})", accepted_rows)
        note_import(con, shown_as or os.path.basename(visits_path))
        if facts_state(con) is FactsState.CURRENT:  # the case facts do not depend on visits
            write_visit_facts(con)
        else:
            write_facts(con)  # the same facts writer as an import or refresh
    return VisitsResult(rows_read, len(accepted_rows), rejected, len(accepted_rows) - updated, updated, rejects_path)
