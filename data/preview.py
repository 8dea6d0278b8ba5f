"""A look at a file before it is imported (the import page's mapping step): its header, the
mapping an import profile or the aliases propose, the words of 审理程序 and 结案方式 the format
does not know, and the verdict of every rule on its first rows, checked against the courts of
the database in use. Nothing is written. The page asks for it in a child process with the
import's limits (`python -m data preview`, data/sandbox.py): reading a file is what a crafted
file attacks."""
from __future__ import annotations

import datetime as dt
import os

import duckdb
import pandas as pd
import pyarrow as pa

from metrics.db import damage_of
from schema import codes, records

from . import validate
from .profiles import Profile, apply_values, columns_of, propose
from .reader import UnusableFile, read_table

ROWS = 20
REC_VISITS = records.VISITS
SAMPLE = 500  # rows read for the words to map


def proposed_mapping(header: list[str], profile: Profile | None, record: str = "cases") -> dict[str, str | None]:
    """Column -> the file's header holding it: the profile's, then the standard names, then aliases."""
    columns = columns_of(record)
    out: dict[str, str | None] = {c: None for c in columns}
    if profile:
        for h, col in profile.columns.items():
            if h in header:
                out[col] = h
    for h in header:
        for col, (zh, _k, _r) in columns.items():
            if out[col] is None and h.strip().lower() in (col, zh.lower()):
                out[col] = h
    for h, col in propose(header, record).items():
        if out[col] is None:
            out[col] = h
    return out


def verdicts(path: str, profile: Profile | None, db_path: str, rows: int = ROWS,
             today: dt.date | None = None) -> pd.DataFrame:
    """row, case_no, reason (blank when the row passes) for the first `rows` rows. Links between
    cases (cycles) and the cases already stored are judged only by the import itself."""
    raw = apply_values(read_table(path, codes.CASE_COLUMNS, profile.columns if profile else None, limit=rows), profile)
    con = duckdb.connect()
    try:
        courts: list[tuple] = []
        if os.path.isfile(db_path) and damage_of(db_path) is None:  # a damaged file: as if none
            con.execute("ATTACH ? AS db (READ_ONLY)", [db_path])
            courts = con.execute("SELECT court_code::VARCHAR, court_name, level, parent_code::VARCHAR, population "
                                 "FROM db.courts").fetchall()
        con.execute("CREATE TEMP TABLE court_list(court_code VARCHAR, court_name VARCHAR, level VARCHAR, "
                    "parent_code VARCHAR, population BIGINT)")
        if courts:
            con.executemany("INSERT INTO court_list VALUES (?, ?, ?, ?, ?)", courts)
        validate.load_lookups(con)
        con.execute("CREATE TEMP TABLE files AS SELECT 0 AS file_no, 'file' AS name")
        raw = raw.append_column("file_no", pa.array([0] * raw.num_rows, pa.int32()))
        validate.check_rows(con, raw, today or dt.date.today())
        return con.execute("SELECT row_no AS row, case_no_written AS case_no, coalesce(reason, '') AS reason "
                           "FROM checked ORDER BY row_no").df()
    finally:
        con.close()


def unknown_words(path: str, profile: Profile | None, rows: int = SAMPLE) -> dict[str, list[str]]:
    """Column -> the words of its first `rows` rows that neither the format nor its aliases know."""
    from .profiles import VOCABULARIES

    sample = read_table(path, codes.CASE_COLUMNS, profile.columns if profile else None, limit=rows)
    out = {}
    for col, vocabulary in VOCABULARIES.items():
        known = set(vocabulary) | set(codes.PROCEDURE_ALIASES if col == "procedure" else codes.CLOSING_ALIASES)
        out[col] = sorted({w for w in sample[col].to_pylist() if w and w not in known})
    return out


def visit_verdicts(path: str, profile: Profile | None, db_path: str, rows: int = ROWS,
                   today: dt.date | None = None) -> pd.DataFrame:
    """row, visit_no, reason for the first `rows` rows of a letters-and-visits list."""
    from . import visit_rules

    raw = apply_values(read_table(path, REC_VISITS.columns_of(), profile.columns if profile else None, limit=rows),
                       profile)
    con = duckdb.connect()
    try:
        if os.path.isfile(db_path) and damage_of(db_path) is None:  # a damaged file: as if none
            con.execute("ATTACH ? AS db (READ_ONLY)", [db_path])
            con.execute("CREATE TEMP TABLE courts AS SELECT court_code::VARCHAR AS court_code FROM db.courts")
        else:
            con.execute("CREATE TEMP TABLE courts(court_code VARCHAR)")
        visit_rules.check_rows(con, raw, today or dt.date.today())
        return con.execute("SELECT row_no AS row, visit_no, coalesce(reason, '') AS reason "
                           "FROM visit_checked ORDER BY row_no").df()
    finally:
        con.close()


def unknown_visit_words(path: str, profile: Profile | None, rows: int = SAMPLE) -> dict[str, list[str]]:
    """Code column of the visits list -> the words of its first rows neither the format nor its aliases know."""
    sample = read_table(path, REC_VISITS.columns_of(), profile.columns if profile else None, limit=rows)
    out = {}
    for c in REC_VISITS.columns:
        if c.kind == "code":
            known = set(c.values) | set(c.aliases)
            out[c.name] = sorted({w for w in sample[c.name].to_pylist() if w and w not in known})
    return out


def describe(path: str, profile: Profile | None, db_path: str, record: str | None = None) -> dict:
    """Everything the mapping step shows, as plain data (the child's answer, as JSON): which list
    the header is (`kind`, None when not recognised) and the look as a list of `record` (else the
    profile's list, else the list recognised, else cases)."""
    from .reader import read_header
    from .recognise import kind_of

    from .rejects import header_line

    header = read_header(path)
    kind = kind_of(header, renamed={profile.record: profile.columns} if profile else None)
    record = record or (profile.record if profile else None) or kind or "cases"
    result: dict = {"header": header, "kind": kind, "record": record,
                    "proposed": proposed_mapping(header, profile, record), "header_line": header_line(path)}
    try:
        if record == "visits":
            result["words"] = unknown_visit_words(path, profile)
            result["verdicts"] = visit_verdicts(path, profile, db_path).values.tolist()
            return result
        result["words"] = unknown_words(path, profile)
        result["verdicts"] = verdicts(path, profile, db_path).values.tolist()
    except UnusableFile as e:  # the mapping as it stands misses a required column: say so, keep the header
        result["problem"] = str(e)
    return result
