"""The demo province's letters and visits and remanded retrials (spec v3): they pass the visits
list's rules (exported and imported again with `python -m data visits`, nothing rejected), and
show the patterns the 访源 pages are for — repeat petitioners, 越级, hearings, visits pending
over 60 days, more visits on judged, appealed and long cases, courts that differ — and the
eleven spec-v3 indicators have values for the latest full year, by court too."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import sys

import duckdb
import pytest

from data.demo import generate
from data.demo.settings import VISIT_HOT_COURTS
from metrics import Period, Scope, compute
from metrics.facts import write_visit_facts
from schema import records

N = 150_000
SEED = 5
END = dt.date(2026, 9, 30)
YEAR = "2025"  # the latest full year of the data
ROOT = os.path.join(os.path.dirname(__file__), "..")
VISIT_IDS = ["visits_received", "visits_per_10k_closed", "visits_resolution_rate", "repeat_visit_rate",
             "skip_level_rate", "visits_hearing_rate", "visits_avg_days", "visits_overdue"]
REVISION_IDS = ["retrial_reverse_remand_ratio", "retrial_application_rate", "auto_performance_rate"]


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    p = str(tmp_path_factory.mktemp("demo_visits") / "demo.duckdb")
    generate(p, cases=N, seed=SEED, end=END, progress=False)
    return p


@pytest.fixture(scope="module")
def con(path):
    with duckdb.connect(path, read_only=True) as c:
        yield c


def one(con, sql: str, params: list | None = None):
    return con.execute(sql, params or []).fetchone()[0]


def visits_hash(p: str, table: str = "visits") -> str:
    with duckdb.connect(p, read_only=True) as c:
        rows = c.execute(f"SELECT COLUMNS(*)::VARCHAR FROM {table} ORDER BY visit_no").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_exported_visits_import_again_with_no_reject(path, con, tmp_path):
    """The demo's visits as a CSV list (是/否 for the booleans), imported by the command line into
    the demo emptied of visits: every row accepted and added, the same visits and facts_visits."""
    listing = tmp_path / "visits.csv"
    head = [c.name for c in records.VISITS.columns]
    rows = con.execute(f"SELECT {', '.join(head)} FROM visits ORDER BY visit_no").fetchall()
    yes_no = {True: "是", False: "否", None: ""}
    with open(listing, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(head)
        for r in rows:
            w.writerow(["" if v is None else yes_no[v] if isinstance(v, bool) else str(v) for v in r])
    copy = str(tmp_path / "copy.duckdb")
    shutil.copy(path, copy)
    with duckdb.connect(copy) as c:
        c.execute("DELETE FROM visits")
        write_visit_facts(c)
        assert one(c, "SELECT count(*) FROM facts_visits") == 0
    rejects = tmp_path / "rejects.csv"
    out = subprocess.run([sys.executable, "-m", "data", "visits", str(listing), "--db", copy, "--rejects",
                          str(rejects)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    with open(rejects, encoding="utf-8-sig") as f:
        assert list(csv.DictReader(f)) == []
    assert visits_hash(copy) == visits_hash(path)
    assert visits_hash(copy, "facts_visits") == visits_hash(path, "facts_visits")
    assert len(rows) > 1000


def test_about_one_visit_per_40_cases(con):
    visits, cases = one(con, "SELECT count(*) FROM visits"), one(con, "SELECT count(*) FROM cases")
    assert 1 / 50 <= visits / cases <= 1 / 32


def test_dates_values_and_ids_follow_the_rules(con):
    assert one(con, "SELECT min(received_date) FROM visits") >= dt.date(2023, 1, 1)
    assert one(con, "SELECT max(greatest(received_date, closed_date)) FROM visits") <= END
    assert one(con, "SELECT count(*) FROM visits WHERE closed_date < received_date") == 0
    assert one(con, "SELECT count(*) FROM visits WHERE (closed_date IS NULL) <> (outcome IS NULL)") == 0
    assert {f for (f,) in con.execute("SELECT DISTINCT form FROM visits").fetchall()} == set(records.VISIT_FORMS)
    outcomes = {o for (o,) in con.execute("SELECT DISTINCT outcome FROM visits WHERE outcome IS NOT NULL").fetchall()}
    assert outcomes == set(records.VISIT_OUTCOMES)
    assert one(con, "SELECT count(*) FROM visits WHERE court_code NOT IN (SELECT court_code::VARCHAR FROM courts)") == 0
    # pseudonymous petitioners: an id, never a name
    ids = [p for (p,) in con.execute("SELECT DISTINCT petitioner_id FROM visits").fetchall()]
    assert all(re.fullmatch(r"P\d{10}", p) for p in ids)
    assert one(con, "SELECT count(*) = count(DISTINCT visit_no) FROM visits")


def test_most_name_a_stored_case_some_none_some_an_older_one(con):
    total = one(con, "SELECT count(*) FROM visits")
    stored = one(con, "SELECT count(*) FROM visits v JOIN cases c USING (case_no)")
    blank = one(con, "SELECT count(*) FROM visits WHERE case_no IS NULL")
    older = one(con, "SELECT count(*) FROM visits WHERE case_no IS NOT NULL AND case_no NOT IN "
                     "(SELECT case_no FROM cases)")
    assert 0.75 <= stored / total <= 0.9
    assert blank / total >= 0.05 and older / total >= 0.02
    assert one(con, "SELECT max(substr(case_no, 2, 4)) FROM visits WHERE case_no NOT IN "
                    "(SELECT case_no FROM cases)") < "2023"
    # a case's visit registered where the case was handled unless it went over that court's head
    wrong = one(con, """SELECT count(*) FROM visits v JOIN cases c USING (case_no)
        WHERE NOT v.skip_level AND v.court_code <> c.court_code::VARCHAR""")
    assert wrong == 0


def test_repeat_petitioners_within_a_year(con):
    per = con.execute("""SELECT petitioner_id, count(*), max(received_date) - min(received_date)
        FROM visits GROUP BY 1""").fetchall()
    repeaters = [(n, span) for _p, n, span in per if n >= 3]
    assert len(repeaters) >= 20
    assert max(n for _p, n, _s in per) <= 6
    assert all(span <= 365 for _n, span in repeaters)
    rate = compute(con, Period.parse(YEAR), None, Scope(), ["repeat_visit_rate"]).iloc[0]["value"]
    assert 0.1 <= rate <= 0.45


def test_skip_level_visits_registered_above_the_case_court(con):
    skipped = con.execute("""SELECT v.court_code, c.court_code::VARCHAR FROM visits v JOIN cases c USING (case_no)
        WHERE v.skip_level""").fetchall()
    total = one(con, "SELECT count(*) FROM visits")
    assert 0.03 <= len(skipped) / total <= 0.12
    parent = dict(con.execute("SELECT court_code::VARCHAR, parent_code::VARCHAR FROM courts").fetchall())
    for registered, handled in skipped:
        above = []
        while parent.get(handled):
            handled = parent[handled]
            above.append(handled)
        assert registered in above
    assert one(con, "SELECT count(*) FROM visits WHERE skip_level AND case_no IS NULL") == 0


def test_hearings_on_a_share_of_closed_visits(con):
    assert one(con, "SELECT count(*) FROM visits WHERE hearing AND closed_date IS NULL") == 0
    share = one(con, "SELECT avg(hearing::INT) FROM visits WHERE closed_date IS NOT NULL")
    assert 0.04 <= share <= 0.25


def test_some_pending_some_over_60_days(con):
    pending = one(con, "SELECT count(*) FROM visits WHERE closed_date IS NULL")
    overdue = one(con, "SELECT count(*) FROM visits WHERE closed_date IS NULL AND ? - received_date > 60", [END])
    assert pending > overdue >= 3


def test_more_visits_on_judged_appealed_and_long_cases(con):
    def rate(cond: str) -> float:
        return one(con, f"""SELECT count(v.visit_no) / count(DISTINCT c.case_no) FROM cases c
            LEFT JOIN visits v USING (case_no) WHERE c.counted AND {cond}""")
    assert rate("c.closing_method = '判决'") > 3 * rate("c.closing_method IN ('调解', '撤诉')")
    assert rate("c.has_appeal_desc") > 1.5 * rate("c.instance = 'first' AND NOT c.has_appeal_desc")
    assert rate("coalesce(c.closed_date, DATE '2026-09-30') - c.filed_date > 365") > \
        2 * rate("coalesce(c.closed_date, DATE '2026-09-30') - c.filed_date <= 365")


def test_visits_in_many_courts_and_the_ranking_differs(con):
    per_court = compute(con, Period.parse(YEAR), "court", Scope(), ["visits_per_10k_closed"])
    basic = one(con, "SELECT list(court_code::VARCHAR) FROM courts WHERE level = '基层'")
    values = {r.court_code: r.value for r in per_court.itertuples() if r.court_code in basic and r.value == r.value}
    assert len(values) >= 15
    assert max(values.values()) >= 2.5 * min(values.values())
    hot = [c for c, f in VISIT_HOT_COURTS.items() if f > 1]
    ranked = sorted(values, key=values.get, reverse=True)
    assert sum(c in ranked[:8] for c in hot) >= 2
    courts_named = one(con, "SELECT count(DISTINCT c.court_code) FROM visits v JOIN cases c USING (case_no)")
    assert courts_named >= 20
    teams = compute(con, Period.parse(YEAR), "team", Scope(), ["visits_received"])
    assert (teams[teams["team"] != ""]["value"] > 0).sum() >= 30


def test_remanded_retrials_each_with_its_new_first_instance(con):
    remanded = con.execute("""SELECT case_no FROM cases WHERE instance = 'retrial' AND closing_method = '发回重审'
        AND closed_date <= DATE '2026-08-01'""").fetchall()
    assert len(remanded) >= 3
    for (case_no,) in remanded:
        assert one(con, "SELECT count(*) FROM cases WHERE origin_case_no = ? AND instance = 'first'", [case_no]) == 1


def test_the_eleven_new_indicators_have_values_for_the_latest_year(con):
    period = Period.parse(YEAR)
    province = compute(con, period, None, Scope(), VISIT_IDS + REVISION_IDS).set_index("indicator")["value"]
    assert province.notna().all(), province[province.isna()]
    assert 100 <= province["visits_per_10k_closed"] <= 400
    assert 0.65 <= province["visits_resolution_rate"] <= 0.92  # most closed visits 化解息诉
    assert 10 <= province["visits_avg_days"] <= 60
    assert 0.5 <= province["retrial_reverse_remand_ratio"] <= 12  # few retrials: a wide range
    assert 0.002 <= province["retrial_application_rate"] <= 0.03
    assert 0.4 <= province["auto_performance_rate"] <= 0.85
    by_court = compute(con, period, "court", Scope(), VISIT_IDS + REVISION_IDS)
    value = {(r.court_code, r.indicator): r.value for r in by_court.itertuples()}
    levels = dict(con.execute("SELECT court_code::VARCHAR, level FROM courts").fetchall())
    for court, level in levels.items():
        for ind in ["visits_received", "visits_per_10k_closed", "repeat_visit_rate", "visits_overdue"]:
            assert value[(court, ind)] == value[(court, ind)], (court, ind)  # not NaN
        if level != "高级":  # the high court tries no civil first instance in the demo
            assert value[(court, "auto_performance_rate")] == value[(court, "auto_performance_rate")], court
        if level == "基层":  # petitions go to the court above; they count for the decision's court
            assert value[(court, "retrial_application_rate")] >= 0, court
    upper = [c for c, lv in levels.items() if lv != "基层"]
    assert sum(value[(c, "retrial_application_rate")] > 0 for c, lv in levels.items() if lv == "基层") >= 15
    ratios = [value[(c, "retrial_reverse_remand_ratio")] for c in upper]
    assert sum(v == v for v in ratios) >= 2  # retrials are tried at the courts above, a few a year


def test_visits_deterministic_for_a_seed(tmp_path):
    a, b, c = (str(tmp_path / f"{x}.duckdb") for x in "abc")
    generate(a, cases=5_000, seed=7, end=END, progress=False)
    generate(b, cases=5_000, seed=7, end=END, progress=False)
    generate(c, cases=5_000, seed=8, end=END, progress=False)
    assert visits_hash(a) == visits_hash(b) and visits_hash(a, "facts_visits") == visits_hash(b, "facts_visits")
    assert visits_hash(a) != visits_hash(c)


def test_courts_differ_on_the_visit_ranges(con):
    """Against the shipped illustrative ranges, the demo's courts fall on both sides (the 访源治理
    page and the big screen show a picture, not one colour)."""
    from metrics.evaluation import load_config

    config = load_config()
    by_court = compute(con, Period.parse(YEAR), "court", Scope(), VISIT_IDS)
    for ind in ["visits_per_10k_closed", "visits_resolution_rate", "repeat_visit_rate", "skip_level_rate"]:
        low, high = config.range_for(ind)
        values = by_court[by_court["indicator"] == ind]["value"].dropna()
        inside = values.between(low, high).sum()
        assert 0 < inside < len(values), (ind, inside, len(values))
