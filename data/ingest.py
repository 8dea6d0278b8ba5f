"""Import a case list and court list into the database (new, or updated by case_no)."""
from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from metrics.db import damage_of
from schema import codes
from schema.cells import csv_writer

from . import archive, judges, store, validate, visits
from .profiles import Profile, apply_values
from .reader import UnusableFile, iter_batches, load_csv, read_table

CYCLE_REASON = "原审案号形成循环引用 / origin_case_no links form a cycle"


@dataclass
class IngestResult:
    rows_read: int
    accepted: int
    rejected: int
    added: int
    updated: int
    rejects_path: str

    @property
    def changed(self) -> bool:
        """False when no row was accepted: the database was left exactly as it was (spec v2)."""
        return self.accepted > 0


def _clean_courts(table: pa.Table, path: str) -> list[tuple]:
    """Validated court rows (code, name, level, parent, population); UnusableFile when broken."""
    name = os.path.basename(path)
    rows = []
    seen = set()
    for r in table.to_pylist():
        n = r["row_no"]
        code, cname, level = r["court_code"], r["court_name"], r["level"]
        for col, value in r.items():
            if isinstance(value, str) and (len(value) > validate.MAX_TEXT or re.search(validate.CONTROL_RE, value)):
                raise UnusableFile(f"{name}: 第{n}行{codes.COURT_COLUMNS[col][0]}过长或含有控制字符 / "
                                   f"row {n}: {col} is longer than {validate.MAX_TEXT} characters or holds a control character")
        if not code or not cname or not level:
            raise UnusableFile(f"{name}: 第{n}行缺少法院代码、名称或层级 / row {n}: court_code, court_name and level are required")
        if code in seen:
            raise UnusableFile(f"{name}: 法院代码重复：{code} / duplicate court_code {code}")
        seen.add(code)
        level = codes.COURT_LEVEL_ALIASES.get(level, level)
        if level not in codes.COURT_LEVELS:
            raise UnusableFile(f"{name}: 第{n}行法院层级无效：{r['level']} / row {n}: unknown level {r['level']}")
        pop = r["population"]
        if pop is not None:
            if not re.fullmatch(validate.INT_RE, pop):
                raise UnusableFile(f"{name}: 第{n}行常住人口无效：{pop} / row {n}: population must be a whole number ≥ 0")
            pop = int(pop.split(".")[0]) or None
        rows.append((code, cname, level, r["parent_code"], pop))
    return rows


def check_court_tree(rows: list[tuple], name: str) -> None:
    parents = {r[0]: r[3] for r in rows}
    for code, parent in parents.items():
        if parent is not None and parent not in parents:
            raise UnusableFile(f"{name}: 上级法院代码不在名录中：{parent} / parent_code {parent} is not in the court list")
    if validate.cycle_members({c: p for c, p in parents.items() if p}):
        raise UnusableFile(f"{name}: 上级法院关系形成循环 / parent_code links form a cycle")


def _merge_courts(new: list[tuple], old: list[tuple]) -> list[tuple]:
    by_code = {r[0]: r for r in old}
    by_code.update({r[0]: r for r in new})
    return list(by_code.values())


def _reject_cycles(con: duckdb.DuckDBPyConnection, has_old: bool) -> None:
    """Reject accepted rows lying on a cycle of origin links (with the stored cases).

    Only a link whose case is some link's origin and whose origin has a link itself can lie
    on a cycle, so only those few are walked in Python. Rejecting a row brings back the
    stored version of its case (when updating), which may close another cycle: repeat.
    """
    stored = (
        "UNION ALL SELECT case_no, origin_case_no FROM old.cases WHERE origin_case_no IS NOT NULL "
        "AND case_no NOT IN (SELECT case_no FROM checked WHERE reason IS NULL)"
        if has_old else ""
    )
    while True:
        rows = con.execute(f"""
            WITH e AS (
                SELECT case_no, origin_case_no FROM checked
                WHERE reason IS NULL AND origin_case_no IS NOT NULL {stored}
            )
            SELECT case_no, origin_case_no FROM e
            WHERE origin_case_no IN (SELECT case_no FROM e) AND case_no IN (SELECT origin_case_no FROM e)
        """).fetchall()
        on_cycle = validate.cycle_members(dict(rows))
        if not on_cycle:
            return
        cyc = pa.table({"case_no": pa.array(sorted(on_cycle), pa.string())})
        con.register("cyc", cyc)
        n = con.execute(
            "UPDATE checked SET reason = ? WHERE reason IS NULL AND case_no IN (SELECT case_no FROM cyc)",
            [CYCLE_REASON],
        ).fetchone()[0]
        con.unregister("cyc")
        if not n:  # cycles made only of stored cases cannot arise, but never loop forever
            return


def write_rejects(con: duckdb.DuckDBPyConnection, path: str, several: bool) -> int:
    """row,case_no,reason (spec/cli.md); with several files a fourth column names each row's file."""
    rows = con.execute("""
        SELECT c.row_no, c.case_no_written, c.reason, f.name FROM checked c JOIN files f USING (file_no)
        WHERE c.reason IS NOT NULL ORDER BY c.file_no, c.row_no""").fetchall()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv_writer(f)
        w.writerow(["row", "case_no", "reason"] + (["file"] if several else []))
        w.writerows([r, c or "", reason] + ([name] if several else []) for r, c, reason, name in rows)
    return len(rows)


def _apply_values_sql(con: duckdb.DuckDBPyConnection, profile: Profile | None, file_no: int) -> None:
    """apply_values on the rows of one file already in `raw_in`: the profile's words replaced by the format's."""
    if profile is None:
        return
    for col, words in profile.values.items():
        if not words or col not in codes.CASE_COLUMNS:
            continue
        con.register("profile_words", pa.table({"word": pa.array(list(words), pa.string()),
                                                "meant": pa.array(list(words.values()), pa.string())}))
        con.execute(f"UPDATE raw_in SET {col} = w.meant, plain = NULL FROM profile_words w "
                    f"WHERE raw_in.file_no = ? AND raw_in.{col} = w.word", [file_no])
        con.unregister("profile_words")


def load_cases(con: duckdb.DuckDBPyConnection, paths: list[str], profile: Profile | None,
               shown_as: list[str] | None = None) -> tuple[int | None, list[str]]:
    """Every case list (a .zip unpacked to the files it holds) into temp table `raw_in` with
    `file_no`: a UTF-8 CSV by DuckDB's own reader (reader.load_csv), any other file one batch
    at a time: (rows read, the files' names for messages). One CSV alone makes `raw_in` a view
    of its reading (reader.load_csv), the rows read None: count them in `checked`. DuckDB keeps
    the table within its memory limit, spilling to disk, so a file of any size fits."""
    one = paths[0] if len(paths) == 1 and not archive.is_zip(paths[0]) else None
    tried = None  # the file DuckDB's reader has already turned down
    if one is not None and not (profile and any(profile.values.values())):
        # one CSV and no words to replace: raw_in a view of DuckDB's reading, counted later (None)
        shown = shown_as[0] if shown_as else os.path.basename(one)
        if load_csv(con, one, codes.CASE_COLUMNS, profile.columns if profile else None, "raw_in", 0,
                    view=True) is not None:
            return None, [shown]
        tried = one
    columns = ", ".join(f"{c} VARCHAR" for c in codes.CASE_COLUMNS)
    # plain: the row holds no control character (known from the CSV reader's one test per row; NULL: not known)
    con.execute(f"CREATE TEMP TABLE raw_in(row_no BIGINT, {columns}, file_no INTEGER, plain BOOLEAN)")
    names: list[str] = []
    rows = 0
    with tempfile.TemporaryDirectory(prefix="spzx-unpack-") as tmp:
        for k, path in enumerate(paths):
            own = shown_as[k] if shown_as and k < len(shown_as) else os.path.basename(path)
            parts = archive.unpack(path, tmp, own) if archive.is_zip(path) else [(path, own)]
            for file, shown in parts:
                fast = None if file == tried else load_csv(con, file, codes.CASE_COLUMNS,
                                                           profile.columns if profile else None, "raw_in", len(names))
                if fast is not None:
                    _apply_values_sql(con, profile, len(names))
                    rows += fast
                    names.append(shown)
                    continue
                for batch in iter_batches(file, codes.CASE_COLUMNS, profile.columns if profile else None):
                    chunk = apply_values(pa.Table.from_batches([batch]), profile)
                    chunk = chunk.append_column("file_no", pa.array([len(names)] * chunk.num_rows, pa.int32()))
                    con.register("chunk_in", chunk)
                    con.execute("INSERT INTO raw_in BY NAME SELECT * FROM chunk_in")
                    con.unregister("chunk_in")
                    rows += chunk.num_rows
                names.append(shown)
    return rows, names


def _carried_dates(con: duckdb.DuckDBPyConnection) -> str:
    """A SELECT of the stored database's court dates (attached as `old`): its table `court_data`,
    or for a database written before it, every court with cases on its data date."""
    has = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'old' AND table_name = 'court_data'"
                      ).fetchone()[0]
    if has:
        return "SELECT court_code, through, imported_at, source FROM old.court_data"
    return ("SELECT DISTINCT c.court_code::VARCHAR AS court_code, TRY_CAST(d.value AS DATE) AS through, b.value AS "
            "imported_at, s.value AS source FROM old.cases c LEFT JOIN old.meta d ON d.key = 'data_date' "
            "LEFT JOIN old.meta b ON b.key = 'built_at' LEFT JOIN old.meta s ON s.key = 'source'")


def _write_court_data(con: duckdb.DuckDBPyConnection, has_old: bool, imported_at: str, through: dt.date) -> None:
    """Each court of this import reaches `through`, the import's data-through date: the one the
    importer states, else the latest filing or closing of its accepted rows (one date for the
    import: its exports are taken together, and a small court's last case does not make its data
    end early). A date only moves forward: a correction of old cases does not take a court back.
    The other courts keep theirs."""
    new = """
        SELECT c.court_code, ?::DATE AS through, ? AS imported_at,
               string_agg(DISTINCT files.name, ', ' ORDER BY files.name) AS source
        FROM (SELECT DISTINCT court_code, file_no FROM checked WHERE reason IS NULL) c JOIN files USING (file_no)
        GROUP BY c.court_code"""
    params = [through, imported_at]
    rows = new if not has_old else f"""
        WITH n AS ({new}), o AS ({_carried_dates(con)})
        SELECT n.court_code, greatest(n.through, coalesce(o.through, n.through)) AS through, n.imported_at, n.source
        FROM n LEFT JOIN o USING (court_code)
        UNION ALL SELECT * FROM o WHERE o.court_code NOT IN (SELECT court_code FROM n)"""
    store.write_court_data(con, rows, params)


def ingest(cases_path: str | list[str], courts_path: str | None, db_path: str, rejects_path: str | None = None,
           today: dt.date | None = None, profile: Profile | None = None,
           shown_as: list[str] | None = None, judges_path: str | None = None, replace: bool = False,
           through: dt.date | None = None) -> IngestResult:
    """Import; raises UnusableFile (database untouched) when a file cannot be used at all.
    Several case lists (or a .zip of them) import as one change: duplicates are judged across
    them in the order given, and one unusable file stops them all.
    Without a court list (courts_path None) the stored one is kept. A date after `today`
    (the day of the import) rejects its row; when no row is accepted nothing changes. A
    `profile` maps a source system's headers and words onto the format (data/profiles.py);
    `shown_as`, the files' own names where they were saved under others (the import page).
    A judges list (`judges_path`, spec v2) replaces the stored one as a whole (data/judges.py).
    `replace`: a new database of these files alone (a court's first import over the demo: no
    synthetic case, judge or data date is carried into real data; the stored court list only when
    no court list is given; a stored file that cannot be read is replaced as if there were none:
    the way back from a damaged database); the stored database is kept as a version. `through`: the date the
    files' data is complete to (数据截至), when the importer knows it; not after `today`, nor
    before a date the accepted rows hold."""
    today = today or dt.date.today()
    if through is not None and through > today:
        raise UnusableFile(f"数据截至日期 {through} 晚于今天 / the data-through date {through} is after today")
    new_courts: list[tuple] = []
    if courts_path is not None:
        new_courts = _clean_courts(read_table(courts_path, codes.COURT_COLUMNS), courts_path)
        check_court_tree(new_courts, os.path.basename(courts_path))  # the list on its own, before any write
    new_judges = judges.clean(read_table(judges_path, codes.JUDGE_COLUMNS), judges_path) if judges_path else None
    paths = [cases_path] if isinstance(cases_path, str) else list(cases_path)
    rejects_path = rejects_path or os.path.join(os.path.dirname(os.path.abspath(db_path)), "rejects.csv")
    with store.building(db_path) as con:
        store.bound_memory(con, db_path)
        rows_read, file_names = load_cases(con, paths, profile, shown_as)
        # only now, under the build lock: an import that ran while this one waited counts as old
        stored = os.path.exists(db_path)
        if stored and replace and damage_of(db_path) is not None:  # a damaged file replaced: nothing of it to carry
            stored = False
        has_old = stored and not replace  # its cases, judges and dates are carried over
        old_courts: list[tuple] = []
        if stored:
            try:
                con.execute("ATTACH ? AS old (READ_ONLY)", [os.path.abspath(db_path)])
                old_courts = con.execute(
                    "SELECT court_code::VARCHAR, court_name, level, parent_code::VARCHAR, population FROM old.courts"
                ).fetchall()
            except duckdb.Error as e:
                raise UnusableFile(
                    f"{os.path.basename(db_path)}: 无法读取现有数据库 / cannot read the existing database "
                    f"({' '.join(str(e).split())})"
                ) from None
        # replacing: the new court list alone, or without one the stored list (its cases are not carried)
        courts = (new_courts or old_courts) if replace else _merge_courts(new_courts, old_courts)
        if not courts:
            raise UnusableFile("新数据库需要法院名录 / a new database needs a court list")
        check_court_tree(courts, os.path.basename(courts_path or db_path))  # with the stored courts it keeps
        if new_judges is not None:
            judges.check_courts(new_judges, {c[0] for c in courts}, judges_path)
        con.execute("CREATE TEMP TABLE court_list(court_code VARCHAR, court_name VARCHAR, level VARCHAR, parent_code VARCHAR, population BIGINT)")
        con.executemany("INSERT INTO court_list VALUES (?, ?, ?, ?, ?)", courts)
        validate.load_lookups(con)
        con.execute("CREATE TEMP TABLE files(file_no INTEGER, name VARCHAR)")
        con.executemany("INSERT INTO files VALUES (?, ?)", list(enumerate(file_names)))
        validate.check_rows(con, "raw_in", today)
        if rows_read is None:  # raw_in was a view
            rows_read = con.execute("SELECT count(*) FROM checked").fetchone()[0]
            con.execute("DROP VIEW raw_in")
            con.execute("DROP TABLE csv_cells")
        _reject_cycles(con, has_old)
        try:
            rejected = write_rejects(con, rejects_path, several=len(file_names) > 1)
        except OSError as e:
            raise UnusableFile(f"{rejects_path}: 无法写入拒绝明细 / cannot write the rejects file ({e.strerror})") from None
        fields = ", ".join(store.CASE_FIELDS)
        # views, not copies: write_cases reads them once into its own table
        con.execute(f"CREATE TEMP VIEW incoming AS SELECT {fields} FROM checked WHERE reason IS NULL")
        accepted = con.execute("SELECT count(*) FROM incoming").fetchone()[0]
        if not accepted:
            raise store.Abandon()  # spec v2: nothing accepted, nothing changes (not even the court list)
        updated = 0
        if has_old:
            updated = con.execute(
                "SELECT count(*) FROM old.cases WHERE case_no IN (SELECT case_no FROM incoming)"
            ).fetchone()[0]
            old_fields = store.stored_case_fields(con, "old")
            con.execute(f"""
                CREATE TEMP VIEW merged AS
                SELECT {fields} FROM incoming
                UNION ALL
                SELECT {old_fields} FROM old.cases WHERE case_no NOT IN (SELECT case_no FROM incoming)
            """)
        else:  # the accepted rows of checked where they are, numbered by their row in it
            con.execute(f"CREATE TEMP VIEW merged AS SELECT rowid AS k, {fields} FROM checked WHERE reason IS NULL")
        store.create_types(con)
        store.write_courts(con)
        judges.write(con, new_judges, has_old)
        visits.carry(con, stored)  # a case import keeps the stored visits (a replace too: spec v3)
        store.write_cases(con, "merged", keyed=not has_old)
        imported_at = dt.datetime.now().isoformat(timespec="seconds")
        latest = con.execute("SELECT max(greatest(filed_date, coalesce(closed_date, filed_date))) FROM checked "
                             "WHERE reason IS NULL").fetchone()[0]
        if through is not None and latest > through:
            raise UnusableFile(f"数据截至日期 {through} 早于文件中的日期 {latest} / the data-through date {through} is "
                               f"before a date the files hold ({latest})")
        _write_court_data(con, has_old, imported_at, through or latest)
        source = ", ".join(file_names)
        store.write_meta(con, source=source if len(source) <= 200 else source[:199] + "…", kind="import",
                         built_at=imported_at)
        visits.carry_note(con, stored)
        if stored:
            con.execute("DETACH old")
    if not accepted:
        return IngestResult(rows_read, 0, rejected, 0, 0, rejects_path)
    return IngestResult(rows_read, accepted, rejected, accepted - updated, updated, rejects_path)
