"""Each court's data-through date (数据截至): kept from its own import, so one court sending later
data does not move the other courts' periods, 同比 or pending counts."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys

import duckdb
import pytest

from data.demo import generate
from data.ingest import ingest
from metrics import inventory
from metrics.api import indicator_table
from metrics.engine import Scope
from metrics.periods import Period
from report.briefing import build
from tests.helpers import ROOT, pending, case, write_cases, write_courts

TODAY = dt.date(2026, 12, 4)


def _rows(court: str, months: list[int], serial0: int) -> list[dict]:
    """Cases of one basic court filed in the given months of 2026 (closed a month later when that is
    on or before the file's last month, else pending), and a few of 2025 for 同比."""
    last = max(months)
    rows = []
    for i, m in enumerate(months):
        filed = dt.date(2026, m, 5)
        if m < last:
            rows.append(case("民初", serial0 + i, year=2026, court=court, filed_date=filed.isoformat(),
                             closed_date=dt.date(2026, m + 1, 3).isoformat()))
        else:
            rows.append(pending("民初", serial0 + i, year=2026, court=court, filed_date=filed.isoformat()))
        rows.append(case("民初", serial0 + 100 + i, year=2025, court=court, filed_date=f"2025-{m:02d}-05",
                         closed_date=f"2025-{m:02d}-20"))
    return rows


@pytest.fixture(scope="module")
def two_dates(tmp_path_factory):
    """示0102 sent January–September 2026, then 示0103 sent January–November: two imports."""
    d = tmp_path_factory.mktemp("dates")
    courts = write_courts(d / "courts.csv")
    db = str(d / "two.duckdb")
    a = write_cases(d / "城关.csv", _rows("示0102", list(range(1, 10)), 1))
    b = write_cases(d / "河口.csv", _rows("示0103", list(range(1, 12)), 1))
    ingest(str(a), str(courts), db, str(d / "ra.csv"), today=TODAY)
    ingest(str(b), None, db, str(d / "rb.csv"), today=TODAY)
    return db


def test_each_court_keeps_the_date_of_its_own_import(two_dates):
    with duckdb.connect(two_dates, read_only=True) as con:
        dates = inventory.court_dates(con, TODAY).set_index("court_code")
        assert dates.loc["示0102", "through"] == dt.date(2026, 9, 5)
        assert dates.loc["示0102", "source"] == "城关.csv"
        assert dates.loc["示0103", "through"] == dt.date(2026, 11, 5)
        assert dates.loc["示0103", "source"] == "河口.csv"
        assert dates.loc["示0102", "cases"] == 18 and dates.loc["示0103", "cases"] == 22
        assert dates.loc["示0201", "through"] is None and dates.loc["示0201", "cases"] == 0  # no data yet
        # the database's own data date is still the latest (the command line's and the versions' record)
        assert inventory.meta(con, TODAY)["data_date"] == "2026-11-05"


def test_a_scope_counts_up_to_the_date_all_its_courts_have_reached(two_dates):
    with duckdb.connect(two_dates, read_only=True) as con:
        dates = inventory.court_dates(con, TODAY)
    province = inventory.scope_dates(dates, None, False, dt.date(2026, 11, 5))
    assert province.through == dt.date(2026, 9, 5)
    assert province.ahead == {"示0103": dt.date(2026, 11, 5)} and province.mixed
    assert set(province.missing) == {"示", "示01", "示02", "示0201"}
    district = inventory.scope_dates(dates, "示01", True, dt.date(2026, 11, 5))
    assert (district.through, district.ahead) == (dt.date(2026, 9, 5), {"示0103": dt.date(2026, 11, 5)})
    alone = inventory.scope_dates(dates, "示0103", False, dt.date(2026, 11, 5))
    assert (alone.through, alone.mixed) == (dt.date(2026, 11, 5), False)
    west = inventory.scope_dates(dates, "示02", True, dt.date(2026, 11, 5))  # nobody has sent: the data date
    assert (west.through, west.missing) == (dt.date(2026, 11, 5), ("示02", "示0201"))


def test_the_year_compared_with_last_year_stops_where_every_court_has_data(two_dates):
    """A page asks for 2026 up to the scope's date: 示0102's January–August closings against the
    same months of 2025, not against the whole of January–October 2025."""
    with duckdb.connect(two_dates, read_only=True) as con:
        dates = inventory.scope_dates(inventory.court_dates(con, TODAY), "示01", True, dt.date(2026, 11, 5))
        period = Period.parse("2026", True).to_date(dates.through)
        assert (period.start, period.end) == (dt.date(2026, 1, 1), dt.date(2026, 8, 31))
        t = indicator_table(con, period, Scope(court="示0102"), None, ["received"]).set_index("indicator")
        assert t.loc["received", "value"] == 8  # filed January–August 2026
        assert t.loc["received", "yoy_value"] == 8  # January–August 2025, not the ten months 示0103 sent


def test_the_briefing_of_a_mixed_scope_says_so_and_stops_at_the_common_date(two_dates):
    with duckdb.connect(two_dates, read_only=True) as con:
        b = build(con, Scope(court="示01", with_subordinates=True), Period.parse("2026Q4", True))
        assert b.data_date == dt.date(2026, 9, 5)
        assert b.period_text == "2026年1—8月"
        assert "东川市河口区人民法院 2026-11-05" in b.dates_note and "2026-09-05" in b.dates_note
        one = build(con, Scope(court="示0103"), Period.parse("2026Q4", True))
        assert one.data_date == dt.date(2026, 11, 5) and one.dates_note is None
        en = build(con, Scope(court="示01", with_subordinates=True), Period.parse("2026Q4", True), lang="en")
        assert "different dates" in en.dates_note


def _metrics(db: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "metrics", "--db", db, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_the_command_line_prints_the_period_asked_and_names_the_later_courts(two_dates):
    late = _metrics(two_dates, "--period", "2026Q4", "--indicator", "received", "--by", "court")
    assert late.returncode == 0
    assert "示0103 2026-11-05" in late.stderr and "2026-09-05" in late.stderr
    assert late.stdout.splitlines() == ["court_code,indicator,numerator,denominator,value",
                                        "示0102,received,0,,0", "示0103,received,2,,2"]
    within = _metrics(two_dates, "--period", "2026-08", "--indicator", "received")
    assert within.returncode == 0 and within.stderr == ""
    one = _metrics(two_dates, "--period", "2026Q4", "--court", "示0103", "--indicator", "received")
    assert one.stderr == ""


def test_a_database_from_before_the_dates_carries_its_data_date_to_its_courts(two_dates, tmp_path):
    """An older database has no court_data: its courts read as of its data date, and keep it
    through the next import of another court."""
    import shutil

    old = str(tmp_path / "before.duckdb")
    shutil.copy(two_dates, old)
    with duckdb.connect(old) as con:
        con.execute("DROP TABLE court_data")
    with duckdb.connect(old, read_only=True) as con:
        assert set(inventory.court_dates(con, TODAY).dropna(subset=["through"])["through"]) == {dt.date(2026, 11, 5)}
    ingest(str(write_cases(tmp_path / "岭南.csv", _rows("示0201", [1, 2, 3], 1))), None, old, str(tmp_path / "r.csv"),
           today=TODAY)
    with duckdb.connect(old, read_only=True) as con:
        dates = inventory.court_dates(con, TODAY).set_index("court_code")
    assert dates.loc["示0201", "through"] == dt.date(2026, 3, 5)
    assert dates.loc["示0102", "through"] == dt.date(2026, 11, 5)  # the old database's date, carried


def test_the_demo_gives_every_court_its_end_date(tmp_path):
    db = str(tmp_path / "demo.duckdb")
    generate(db, cases=3000, end=dt.date(2026, 9, 30), progress=False)
    with duckdb.connect(db, read_only=True) as con:
        dates = inventory.court_dates(con, TODAY)
    with_cases = dates[dates["cases"] > 0]
    assert len(with_cases) > 10 and set(with_cases["through"]) == {dt.date(2026, 9, 30)}


def test_a_replacing_import_carries_nothing_of_the_stored_database(two_dates, tmp_path):
    """A court's first import over the demo starts a new database: none of the stored cases,
    courts or dates are kept in it (the stored file stays as a version)."""
    import shutil

    from data import versions

    db = str(tmp_path / "replaced.duckdb")
    shutil.copy(two_dates, db)
    courts = write_courts(tmp_path / "courts.csv", [("示", "示范省高级人民法院", "高级", "", ""),
                                                    ("示0102", "东川市城关区人民法院", "基层", "示", "")])
    ingest(str(write_cases(tmp_path / "own.csv", _rows("示0102", [1, 2], 500))), str(courts), db,
           str(tmp_path / "r.csv"), today=TODAY, replace=True)
    with duckdb.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == 4
        assert [r[0] for r in con.execute("SELECT court_code::VARCHAR FROM courts ORDER BY 1").fetchall()] == ["示", "示0102"]
        assert con.execute("SELECT court_code, through FROM court_data").fetchall() == [("示0102", dt.date(2026, 2, 5))]
    assert len(versions.list_versions(db)) >= 1


def test_a_replacing_import_without_a_court_list_keeps_only_the_court_list(two_dates, tmp_path):
    import shutil

    db = str(tmp_path / "kept_courts.duckdb")
    shutil.copy(two_dates, db)
    ingest(str(write_cases(tmp_path / "own.csv", _rows("示0201", [1, 2], 700))), None, db, str(tmp_path / "r.csv"),
           today=TODAY, replace=True)
    with duckdb.connect(db, read_only=True) as con:
        assert con.execute("SELECT DISTINCT court_code::VARCHAR FROM cases").fetchall() == [("示0201",)]
        assert con.execute("SELECT count(*) FROM courts").fetchone()[0] == 6
        assert con.execute("SELECT count(*) FROM judge_list").fetchone()[0] == 0


def test_a_correction_of_old_cases_does_not_take_a_court_back(two_dates, tmp_path):
    """Re-sending one 2025 case of 示0103 (an update) leaves its date, and the province's, where they were."""
    import shutil

    db = str(tmp_path / "corrected.duckdb")
    shutil.copy(two_dates, db)
    fix = [case("民初", 101, year=2025, court="示0103", filed_date="2025-01-05", closed_date="2025-01-25")]
    r = ingest(str(write_cases(tmp_path / "fix.csv", fix)), None, db, str(tmp_path / "r.csv"), today=TODAY)
    assert r.updated == 1
    with duckdb.connect(db, read_only=True) as con:
        dates = inventory.court_dates(con, TODAY).set_index("court_code")
    assert dates.loc["示0103", "through"] == dt.date(2026, 11, 5) and dates.loc["示0103", "source"] == "fix.csv"


def test_the_files_of_one_import_share_its_date(tmp_path):
    """Two courts' exports imported together: the small court whose last case is older still
    reaches the import's date, so it does not cut the province's months short."""
    courts = write_courts(tmp_path / "courts.csv")
    db = str(tmp_path / "one.duckdb")
    big = write_cases(tmp_path / "big.csv", _rows("示0102", list(range(1, 10)), 1))
    small = write_cases(tmp_path / "small.csv", _rows("示0201", [1, 2, 3], 1))
    ingest([str(big), str(small)], str(courts), db, str(tmp_path / "r.csv"), today=TODAY)
    with duckdb.connect(db, read_only=True) as con:
        dates = inventory.court_dates(con, TODAY).set_index("court_code")
    assert dates.loc["示0201", "through"] == dates.loc["示0102", "through"] == dt.date(2026, 9, 5)


def test_the_importer_may_state_the_date_the_data_is_complete_to(tmp_path):
    from data.reader import UnusableFile

    courts = write_courts(tmp_path / "courts.csv")
    db = str(tmp_path / "stated.duckdb")
    rows = write_cases(tmp_path / "a.csv", _rows("示0102", list(range(1, 10)), 1))
    with pytest.raises(UnusableFile, match="早于文件中的日期 2026-09-05"):
        ingest(str(rows), str(courts), db, str(tmp_path / "r.csv"), today=TODAY, through=dt.date(2026, 8, 31))
    with pytest.raises(UnusableFile, match="晚于今天"):
        ingest(str(rows), str(courts), db, str(tmp_path / "r.csv"), today=TODAY, through=dt.date(2026, 12, 5))
    ingest(str(rows), str(courts), db, str(tmp_path / "r.csv"), today=TODAY, through=dt.date(2026, 9, 30))
    with duckdb.connect(db, read_only=True) as con:
        assert inventory.court_dates(con, TODAY).set_index("court_code").loc["示0102", "through"] == dt.date(2026, 9, 30)
    cli = subprocess.run([sys.executable, "-m", "data", "ingest", str(rows), "--db", db, "--through", "2026-10-31",
                          "--rejects", str(tmp_path / "r2.csv")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert cli.returncode == 0, cli.stderr
    with duckdb.connect(db, read_only=True) as con:
        assert inventory.court_dates(con, TODAY).set_index("court_code").loc["示0102", "through"] == dt.date(2026, 10, 31)
