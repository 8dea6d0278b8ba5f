"""What the database holds, for the pages and the briefing: courts, divisions, years, counts, meta."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from . import measures, shared_reads


EARLIEST = dt.date(1950, 1, 1)


def meta(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> dict[str, str]:
    """What the meta table says, with a data date the pages can use: a stored date after today
    (or missing, or not a date) reads as today, the stored text kept as `data_date_stored`.
    Imports reject such dates (spec v2), but an older database may still hold one."""
    m = dict(con.execute("SELECT key, value FROM meta").fetchall())
    today = today or dt.date.today()
    try:
        stored = dt.date.fromisoformat(m.get("data_date") or "")
    except ValueError:
        stored = None
    usable = today if stored is None or stored > today else max(stored, EARLIEST)
    if stored != usable:
        m["data_date_stored"] = m.get("data_date") or ""
    m["data_date"] = usable.isoformat()
    return m


def _clamp(day: dt.date | None, today: dt.date) -> dt.date | None:
    """A stored date the pages can use (as meta does): none stays none, a date after today reads as today."""
    return None if day is None else min(max(day, EARLIEST), today)


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                            "AND table_name = ?", [name]).fetchone()[0])


def court_dates(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> pd.DataFrame:
    """Each court of the list with its data-through date (数据截至: from the import that last
    brought its cases, table `court_data`), its cases, when it was last imported and from which
    file. A court without cases has no date. A database written before the table: every court
    with cases is taken to reach the data date. Columns: court_code, court_name, level,
    parent_code, through, cases, last_import, source."""
    today = today or dt.date.today()
    m = meta(con, today)
    if _has_table(con, "court_data"):
        dates = "SELECT court_code, through, imported_at, source FROM court_data"
        params: list = []
    else:
        dates = "SELECT DISTINCT court_code::VARCHAR AS court_code, ?::DATE AS through, ? AS imported_at, ? AS source FROM cases"
        params = [m["data_date"], m.get("built_at"), m.get("source")]
    df = con.execute(f"""
        WITH d AS ({dates}), n AS (SELECT court_code::VARCHAR AS court_code, count(*) AS cases FROM cases GROUP BY 1)
        SELECT c.court_code::VARCHAR AS court_code, c.court_name, c.level, c.parent_code::VARCHAR AS parent_code,
               CASE WHEN coalesce(n.cases, 0) > 0 THEN d.through END AS through, coalesce(n.cases, 0) AS cases,
               d.imported_at AS last_import, d.source
        FROM courts c LEFT JOIN d ON d.court_code = c.court_code::VARCHAR LEFT JOIN n ON n.court_code = c.court_code::VARCHAR
        ORDER BY c.court_code""", params).df()
    df["through"] = [_clamp(d.date() if hasattr(d, "date") else d, today) if not pd.isna(d) else None
                     for d in df["through"]]
    return df


@dataclass(frozen=True)
class ScopeDates:
    """How complete a scope's data is: `through`, the date all its courts with data have reached
    (its periods and 同比 are computed up to it); the courts whose data reaches further (`ahead`,
    code → date) and the courts with no data yet (`missing`, codes)."""
    through: dt.date
    ahead: dict[str, dt.date]
    missing: tuple[str, ...]
    latest: dt.date

    @property
    def mixed(self) -> bool:
        return bool(self.ahead)


def scope_dates(dates: pd.DataFrame, court: str | None, district: bool, fallback: dt.date) -> ScopeDates:
    """The ScopeDates of the courts in a scope (one court, a court with its district, or every
    court when `court` is None), from a court_dates frame; `fallback` (the data date) when none
    of them has data."""
    if court is not None:
        codes = {court}
        if district:
            parents = dict(zip(dates["court_code"], dates["parent_code"]))
            frontier = {court}
            while frontier:
                frontier = {c for c, p in parents.items() if p in frontier} - codes
                codes |= frontier
        dates = dates[dates["court_code"].isin(codes)]
    known = {c: d for c, d in zip(dates["court_code"], dates["through"]) if d is not None}
    missing = tuple(c for c in dates["court_code"] if c not in known)
    if not known:
        return ScopeDates(fallback, {}, missing, fallback)
    through = min(known.values())
    return ScopeDates(through, {c: d for c, d in known.items() if d > through}, missing, max(known.values()))


def courts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("""
        SELECT court_code::VARCHAR AS court_code, court_name, level, parent_code::VARCHAR AS parent_code, population
        FROM courts ORDER BY court_code""").df()


def court_levels(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(shared_reads.read(("court_levels",), lambda: dict(con.execute(
        "SELECT court_code::VARCHAR, level FROM courts").fetchall())))


def scope_level(con: duckdb.DuckDBPyConnection, court: str | None) -> str | None:
    """The court level whose ranges judge a whole scope: the scope's court, or with every court
    the top court's (the one court without a parent; None when there is not exactly one)."""
    if court is not None:
        return court_levels(con).get(court)
    tops = con.execute("SELECT level FROM courts WHERE parent_code IS NULL").fetchall()
    return tops[0][0] if len(tops) == 1 else None


def has_district(con: duckdb.DuckDBPyConnection, court: str) -> bool:
    """Whether the court has courts below it."""
    return bool(con.execute("SELECT count(*) FROM courts WHERE parent_code = ?", [court]).fetchone()[0])


def district(con: duckdb.DuckDBPyConnection, court: str) -> set[str]:
    """The court and every court below it."""
    return {court} | {r[0] for r in con.execute("SELECT court_code::VARCHAR FROM court_tree WHERE ancestor = ?",
                                                [court]).fetchall()}


def divisions(con: duckdb.DuckDBPyConnection, court: str) -> list[str]:
    rows = con.execute("SELECT DISTINCT division FROM cases WHERE court_code = ? ORDER BY 1", [court]).fetchall()
    return [r[0] for r in rows]


def judges(con: duckdb.DuckDBPyConnection, court: str, division: str, category: str | None = None) -> pd.DataFrame:
    """The judges with cases in a court's division (of a category, when given): judge_id,
    judge_name (by name, then id)."""
    return con.execute("""
        SELECT judge_id, any_value(judge_name) AS judge_name FROM cases
        WHERE court_code = ? AND division = ? AND (?::VARCHAR IS NULL OR category = ?)
        GROUP BY judge_id ORDER BY judge_name, judge_id""", [court, division, category, category]).df()


def judge_division(con: duckdb.DuckDBPyConnection, court: str, judge_id: str, category: str | None = None) -> str | None:
    """The division where a judge handles most cases (of a category, when given): a judge's
    profile is of one division."""
    row = con.execute("SELECT division FROM cases WHERE court_code = ? AND judge_id = ? "
                      "AND (?::VARCHAR IS NULL OR category = ?) GROUP BY division ORDER BY count(*) DESC, division "
                      "LIMIT 1", [court, judge_id, category, category]).fetchone()
    return row[0] if row else None


def teams(con: duckdb.DuckDBPyConnection, court: str, division: str, category: str | None = None) -> list[str]:
    """The trial teams with cases in a court's division (of a category, when given); a case
    with no team ('') is in none."""
    rows = con.execute("SELECT DISTINCT team FROM cases WHERE court_code = ? AND division = ? AND team <> '' "
                       "AND (?::VARCHAR IS NULL OR category = ?) ORDER BY 1", [court, division, category, category])
    return [r[0] for r in rows.fetchall()]


def team_division(con: duckdb.DuckDBPyConnection, court: str, team: str, category: str | None = None) -> str | None:
    """The division where a team handles most cases (of a category, when given): a team's
    profile is of one division."""
    row = con.execute("SELECT division FROM cases WHERE court_code = ? AND team = ? AND team <> '' "
                      "AND (?::VARCHAR IS NULL OR category = ?) GROUP BY division ORDER BY count(*) DESC, division "
                      "LIMIT 1", [court, team, category, category]).fetchone()
    return row[0] if row else None


def first_year(con: duckdb.DuckDBPyConnection) -> int:
    """The first year with a filed case, within EARLIEST's year and the data date's."""
    last = dt.date.fromisoformat(meta(con)["data_date"]).year
    first = con.execute("SELECT year(min(filed_date)) FROM cases").fetchone()[0]
    return last if first is None else min(max(first, EARLIEST.year), last)


def summary(con: duckdb.DuckDBPyConnection) -> dict:
    """Courts, cases, judges, pending and the filing dates (数据概况). Pending counts as the
    indicator 未结 does (every type but 民诉前调); pending pre-filing mediations are counted apart."""
    row = con.execute(f"""
        SELECT (SELECT count(*) FROM courts), count(*), count(DISTINCT court_code::VARCHAR || judge_id),
               count(*) FILTER (WHERE {measures.open_on(None)} AND {measures.COUNTED}),
               count(*) FILTER (WHERE {measures.open_on(None)} AND NOT {measures.COUNTED}), min(filed_date), max(filed_date)
        FROM cases""").fetchone()
    return dict(zip(["courts", "cases", "judges", "pending", "pre_pending", "first_filed", "last_filed"], row))


def cases_by_year(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("""
        SELECT year(filed_date) AS year, category::VARCHAR AS category, count(*) AS n
        FROM cases GROUP BY ALL ORDER BY ALL""").df()


def cases_by_type(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT case_type::VARCHAR AS case_type, count(*) AS n FROM cases GROUP BY ALL ORDER BY n DESC").df()
