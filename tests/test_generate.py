"""`data.demo`: the synthetic demo province, built like an import and passing its rules.

One 20k-case database is generated for the module (real DuckDB files in tmp_path); a few
tests generate small extra ones (determinism, progress, a short span).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re

import duckdb
import pytest

from data import store
from schema import codes
from data.demo import generate
from data.ingest import ingest

N = 20_000
SEED = 11
END = dt.date(2026, 9, 30)


def query(path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def one(path, sql: str, params: list | None = None):
    return query(path, sql, params)[0][0]


def rows_hash(path) -> str:
    fields = ", ".join(f"{f}::VARCHAR" for f in store.CASE_FIELDS)
    rows = query(path, f"SELECT {fields} FROM cases ORDER BY case_no")
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("generate") / "demo.duckdb"
    n = generate(str(path), cases=N, seed=SEED, end=END, progress=False)
    return path, n


@pytest.fixture(scope="module")
def db(demo):
    return demo[0]


def test_count_near_target_and_returned(demo):
    path, n = demo
    assert n == one(path, "SELECT count(*) FROM cases")
    assert abs(n / N - 1) <= 0.10


def test_deterministic_for_a_seed(db, tmp_path):
    again = tmp_path / "again.duckdb"
    other = tmp_path / "other.duckdb"
    generate(str(again), cases=N, seed=SEED, end=END, progress=False)
    generate(str(other), cases=N, seed=SEED + 1, end=END, progress=False)
    assert rows_hash(again) == rows_hash(db)
    assert rows_hash(other) != rows_hash(db)


def test_progress_lines_on_stderr(tmp_path, capsys):
    generate(str(tmp_path / "p.duckdb"), cases=2_000, seed=1, end=END, progress=True)
    err = capsys.readouterr().err
    for step in range(1, 7):
        assert f"[{step}/6]" in err
    generate(str(tmp_path / "q.duckdb"), cases=2_000, seed=1, end=END, progress=False)
    assert capsys.readouterr().err == ""


def test_short_span_still_near_target(tmp_path):
    path = tmp_path / "short.duckdb"
    n = generate(str(path), cases=5_000, seed=3, end=dt.date(2023, 6, 30), progress=False)
    assert abs(n / 5_000 - 1) <= 0.10
    assert one(path, "SELECT max(greatest(filed_date, closed_date)) FROM cases") <= dt.date(2023, 6, 30)


def test_meta(db):
    meta = dict(query(db, "SELECT key, value FROM meta"))
    assert meta["kind"] == "demo"
    assert meta["data_date"] == END.isoformat()
    assert "示范省" in meta["source"]


def test_courts_and_judges(db):
    levels = dict(query(db, "SELECT level, count(*) FROM courts GROUP BY level"))
    assert levels["高级"] == 1 and levels["中级"] == 4 and 15 <= levels["基层"] <= 25
    assert query(db, "SELECT court_name FROM courts WHERE court_code = '示'") == [("示范省高级人民法院",)]
    for code, name, level, parent, pop in query(
        db, "SELECT court_code::VARCHAR, court_name, level, parent_code::VARCHAR, population FROM courts"
    ):
        assert name.endswith("人民法院")
        if level == "基层":
            assert re.fullmatch(r"示0[1-4]\d\d", code) and parent == code[:3]
            assert 200_000 <= pop <= 1_500_000
        if level == "中级":
            assert re.fullmatch(r"示0[1-4]", code) and parent == "示" and name.endswith("中级人民法院")
    judges = query(db, "SELECT judge_id, count(DISTINCT (court_code, division, judge_name)) FROM cases GROUP BY 1")
    assert 150 <= len(judges) <= 400
    assert all(k == 1 and re.fullmatch(r"J\d{7}", j) for j, k in judges)  # one court, division and name each
    divisions = {d for (d,) in query(db, "SELECT DISTINCT division FROM cases")}
    assert {"民一庭", "民二庭", "刑事审判庭", "行政庭", "执行局", "审判监督庭", "立案庭", "诉讼服务中心"} <= divisions
    assert any(d.endswith("人民法庭") for d in divisions)


def test_category_shares(db):
    shares = dict(query(db, """
        SELECT category::VARCHAR, count(*) / sum(count(*)) OVER () FROM cases WHERE counted GROUP BY 1
    """))
    assert 0.60 <= shares["民事"] <= 0.70
    assert 0.20 <= shares["执行"] <= 0.30
    assert 0.02 <= shares["刑事"] <= 0.10
    assert 0.01 <= shares["行政"] <= 0.02
    by_type = dict(query(db, "SELECT case_type::VARCHAR, count(*) FROM cases GROUP BY 1"))
    assert 0.10 <= by_type["民诉前调"] / by_type["民初"] <= 0.20
    assert by_type["民初"] > 0.8 * (shares["民事"] * one(db, "SELECT count(*) FROM cases WHERE counted"))
    for t in ("民终", "民申", "刑初", "刑终", "行初", "行终", "执", "执恢", "执异", "执复"):
        assert by_type.get(t, 0) > 0, t
    levels = dict(query(db, """
        SELECT case_type::VARCHAR || '@' || level, count(*) FROM cases JOIN courts USING (court_code) GROUP BY 1
    """))
    assert levels.get("民终@中级", 0) > 0 and levels.get("民申@高级", 0) > 0
    assert not any(k.startswith("民诉前调@") and not k.endswith("基层") for k in levels)


def shares_of(db, case_type: str) -> dict[str, float]:
    return dict(query(db, """
        SELECT closing_method::VARCHAR, count(*) / sum(count(*)) OVER () FROM cases
        WHERE case_type = ? AND closed_date IS NOT NULL GROUP BY 1
    """, [case_type]))


def test_closing_mixes(db):
    civil = shares_of(db, "民初")
    assert 0.38 <= civil["判决"] <= 0.52
    assert 0.18 <= civil["调解"] <= 0.32
    assert 0.18 <= civil["撤诉"] <= 0.27
    enforcement = shares_of(db, "执")
    assert 0.35 <= enforcement["执行完毕"] <= 0.50
    assert 0.30 <= enforcement["终本"] <= 0.45
    assert 0.55 <= shares_of(db, "民诉前调")["调解成功"] <= 0.70
    appeal = shares_of(db, "民终")
    assert appeal["维持"] > 0.6 and 0.01 <= appeal["改判"] <= 0.12 and 0.005 <= appeal["发回重审"] <= 0.08
    procedures = dict(query(db, """
        SELECT procedure::VARCHAR, count(*) / sum(count(*)) OVER () FROM cases WHERE case_type = '民初' GROUP BY 1
    """))
    assert procedures["简易程序"] > procedures["普通程序"] > 0.1 and procedures["小额诉讼程序"] > 0.05
    assert one(db, "SELECT count(DISTINCT procedure) FROM cases WHERE case_type = '刑初'") == 3


def test_import_accepts_every_row_unchanged(db, tmp_path):
    """Exported as a case list, a court list and a judges list, the demo imports with no rejects,
    identically (the derived leader flag included)."""
    cases_csv, courts_csv, judges_csv = tmp_path / "cases.csv", tmp_path / "courts.csv", tmp_path / "judges.csv"
    con = duckdb.connect(str(db), read_only=True)
    con.execute(f"COPY (SELECT {', '.join(store.CASE_FIELDS)} FROM cases) TO '{cases_csv}' (HEADER)")
    con.execute(f"COPY (SELECT {', '.join(codes.COURT_COLUMNS)} FROM courts) TO '{courts_csv}' (HEADER)")
    con.execute(f"COPY (SELECT {', '.join(codes.JUDGE_COLUMNS)} FROM judge_list) TO '{judges_csv}' (HEADER)")
    con.close()
    imported = tmp_path / "imported.duckdb"
    result = ingest(str(cases_csv), str(courts_csv), str(imported), str(tmp_path / "rejects.csv"),
                    judges_path=str(judges_csv))
    n = one(db, "SELECT count(*) FROM cases")
    assert (result.rejected, result.accepted) == (0, n)
    con = duckdb.connect(str(imported))
    con.execute(f"ATTACH '{db}' AS demo (READ_ONLY)")
    for a, b in (("cases", "demo.cases"), ("demo.cases", "cases")):
        diff = con.execute(f"SELECT count(*) FROM (SELECT COLUMNS(*)::VARCHAR FROM {a} EXCEPT ALL "
                           f"SELECT COLUMNS(*)::VARCHAR FROM {b})").fetchone()[0]
        assert diff == 0
    con.close()


def test_dates_and_fields_consistent(db):
    assert one(db, """
        SELECT max(greatest(filed_date, closed_date, appeal_received_date, appeal_transferred_date)) FROM cases
    """) <= END
    assert one(db, "SELECT min(filed_date) FROM cases") >= dt.date(2023, 1, 1)
    assert one(db, "SELECT count(*) FROM cases WHERE closed_date < filed_date") == 0
    assert one(db, "SELECT count(*) FROM cases WHERE appeal_transferred_date < appeal_received_date") == 0
    assert one(db, "SELECT count(*) FROM cases WHERE (closed_date IS NULL) <> (closing_method IS NULL)") == 0
    assert one(db, "SELECT count(*) FROM cases WHERE amount_recovered > amount_applied") == 0
    assert one(db, "SELECT count(*) FROM cases WHERE closing_method = '执行完毕' "
                   "AND amount_recovered <> amount_applied") == 0
    assets = one(db, "SELECT avg(has_assets::INTEGER) FROM cases WHERE case_type = '执'")
    assert 0.45 <= assets <= 0.65
    assert one(db, "SELECT count(*) FROM cases WHERE category <> '执行' AND amount_applied > 0") == 0
    assert one(db, "SELECT count(*) FROM cases WHERE extended_days > 0") > 0
    assert one(db, "SELECT count(*) FROM cases WHERE deducted_days > 0") > 0
    hearing = one(db, "SELECT avg(hearing::INTEGER) FROM cases WHERE instance = 'appeal'")
    assert 0.5 <= hearing <= 0.9


def test_case_numbers(db):
    bad = query(db, """
        SELECT case_no FROM cases
        WHERE case_no <> '(' || year(filed_date) || ')' || court_code || case_type
                         || regexp_extract(case_no, '([0-9]+)号$', 1) || '号'
        LIMIT 3
    """)
    assert bad == []
    gaps = query(db, """
        SELECT court_code, case_type, year(filed_date) y, count(*) n,
               min(regexp_extract(case_no, '([0-9]+)号$', 1)::INTEGER) lo,
               max(regexp_extract(case_no, '([0-9]+)号$', 1)::INTEGER) hi
        FROM cases GROUP BY ALL HAVING lo <> 1 OR hi <> n
    """)
    assert gaps == []
    # serials follow the filing order within a court, type and year
    assert one(db, """
        SELECT count(*) FROM (
            SELECT filed_date, lag(filed_date) OVER (PARTITION BY court_code, case_type, year(filed_date)
                                                     ORDER BY regexp_extract(case_no, '([0-9]+)号$', 1)::INTEGER) prev
            FROM cases) WHERE prev > filed_date
    """) == 0


def test_case_number_parts_by_hand():
    """Serials count from 1 per court, type and year of filing, by filing day and then id."""
    import numpy as np

    from data.demo import case_number_parts

    day = lambda d: (np.datetime64(d) - np.datetime64("1970-01-01")).astype(np.int32)  # noqa: E731
    court = np.array([0, 0, 0, 0, 1, 0], np.int16)
    ctype = np.array([2, 2, 2, 2, 2, 3], np.int8)
    filed = np.array([day("2025-03-01"), day("2025-01-05"), day("2025-03-01"), day("2026-01-02"),
                      day("2025-01-01"), day("2025-01-01")], np.int32)
    ids = np.array([5, 1, 2, 3, 4, 0], np.int32)
    year, serial = case_number_parts(court, ctype, filed, ids)
    assert year.tolist() == [2025, 2025, 2025, 2026, 2025, 2025]
    # court 0 type 2 in 2025: 01-05 (id 1), 03-01 (id 2), 03-01 (id 5); 2026 starts again at 1
    assert serial.tolist() == [3, 1, 2, 1, 1, 1]
    # ids too large to pack with the rest into 63 bits: the same numbers by the slower sort
    wide = ids.astype(np.int64) + (1 << 60)
    assert [v.tolist() for v in case_number_parts(court, ctype, filed, wide)] == [year.tolist(), serial.tolist()]


def test_case_numbers_unique_and_origins_linked_by_number(db):
    """Origins are linked by row number when generated: each must be the case its number names."""
    assert one(db, "SELECT count(*) - count(DISTINCT case_no) FROM cases") == 0
    assert one(db, "SELECT count(origin_case_no) - count(origin_court) FROM cases") == 0
    assert one(db, """
        SELECT count(*) FROM cases c JOIN cases o ON o.case_no = c.origin_case_no
        WHERE c.origin_court IS DISTINCT FROM o.court_code OR c.origin_judge_id IS DISTINCT FROM o.judge_id
           OR c.origin_division IS DISTINCT FROM o.division OR c.origin_enterprise IS DISTINCT FROM o.enterprise
    """) == 0


def test_origins_exist_and_link_sensibly(db):
    assert one(db, """
        SELECT count(*) FROM cases WHERE origin_case_no IS NOT NULL
        AND origin_case_no NOT IN (SELECT case_no FROM cases)
    """) == 0
    assert one(db, "SELECT count(*) FROM cases WHERE case_type <> '执' AND instance NOT IN ('first', 'mediation') "
                   "AND origin_case_no IS NULL") == 0
    # an appeal is filed at the court above, after its first instance was judged and the appeal sent up
    wrong = query(db, """
        SELECT a.case_no FROM cases a
        JOIN cases f ON f.case_no = a.origin_case_no JOIN courts c ON c.court_code = f.court_code
        WHERE a.instance = 'appeal' AND NOT (
            f.instance = 'first' AND f.category = a.category AND f.closing_method = '判决'
            AND a.court_code::VARCHAR = c.parent_code::VARCHAR
            AND f.closed_date < f.appeal_received_date AND f.appeal_transferred_date < a.filed_date)
        LIMIT 3
    """)
    assert wrong == []
    # children are filed after their origin was filed
    assert one(db, """
        SELECT count(*) FROM cases c JOIN cases o ON o.case_no = c.origin_case_no WHERE c.filed_date < o.filed_date
    """) == 0
    # appeals are ~8-12% of civil first-instance judgments; enforcement follows ~30-40% of judgments and mediations
    rates = query(db, """
        SELECT avg(has_appeal_desc::INTEGER) FILTER (WHERE closing_method = '判决'),
               avg(has_exec_desc::INTEGER) FILTER (WHERE closing_method IN ('判决', '调解'))
        FROM cases WHERE case_type = '民初' AND closed_date <= DATE '2025-12-31'
    """)[0]
    assert 0.07 <= rates[0] <= 0.14 and 0.28 <= rates[1] <= 0.45
    assert one(db, "SELECT count(*) FROM cases WHERE case_type = '执恢' AND origin_case_no IS NOT NULL") > 0


def test_remanded_appeals_have_a_new_first_instance(db):
    remanded = query(db, """
        SELECT a.case_no, a.case_type::VARCHAR,
               (SELECT list(c.case_type::VARCHAR) FROM cases c WHERE c.origin_case_no = a.case_no)
        FROM cases a WHERE a.instance IN ('appeal', 'retrial') AND a.closing_method = '发回重审'
          AND a.closed_date <= ?::DATE - 60
    """, [END])
    assert any(t == "民终" for _, t, _ in remanded)
    for case_no, t, children in remanded:
        assert children and t[0] + "初" in children, case_no
    # the new first instance is back at the court that first heard the case
    assert one(db, """
        SELECT count(*) FROM cases r JOIN cases a ON a.case_no = r.origin_case_no
        JOIN cases f ON f.case_no = r.root_case_no
        WHERE r.instance = 'first' AND a.closing_method = '发回重审' AND r.court_code <> f.court_code
    """) == 0


def test_old_pending_cases(db):
    over = dict(query(db, """
        SELECT k, count(*) FROM (
            SELECT CASE WHEN ?::DATE - filed_date - deducted_days > 1095 THEN 36
                        WHEN ?::DATE - filed_date - deducted_days > 548 THEN 18
                        WHEN ?::DATE - filed_date - deducted_days > 365 THEN 12 END k
            FROM cases WHERE counted AND closed_date IS NULL) WHERE k IS NOT NULL GROUP BY k
    """, [END, END, END]))
    assert over.get(12, 0) > 0 and over.get(18, 0) > 0
    # one or two judges carry many of them
    top = query(db, """
        SELECT judge_id, count(*) FROM cases WHERE closed_date IS NULL AND ?::DATE - filed_date > 365
        GROUP BY 1 ORDER BY 2 DESC LIMIT 3
    """, [END])
    assert top[0][1] >= 8 and top[0][1] >= 2.5 * top[2][1]


def test_december_rush_and_spring_festival(db):
    by_month = dict(query(db, """
        SELECT month(closed_date), count(*) FROM cases
        WHERE closed_date BETWEEN DATE '2023-01-01' AND DATE '2025-12-31' GROUP BY 1
    """))
    assert by_month[12] > 1.15 * by_month[11]
    assert by_month[1] < by_month[11]
    filed = dict(query(db, """
        SELECT month(filed_date), count(*) FROM cases
        WHERE counted AND filed_date BETWEEN DATE '2024-01-01' AND DATE '2025-12-31' GROUP BY 1
    """))
    assert min(filed, key=filed.get) in (1, 2)  # Spring Festival: the quietest filing month
    years = dict(query(db, "SELECT year(filed_date), count(*) FROM cases WHERE counted GROUP BY 1"))
    assert years[2023] < years[2024] < years[2025]


def test_courts_differ(db):
    """Per-court and per-judge quality differs; one court gets worse from 2023 to 2026, one better."""
    relative = dict(query(db, """
        WITH court AS (SELECT court_code::VARCHAR c, year(closed_date) y, avg(duration_days) d FROM cases
                       WHERE case_type = '民初' AND closed_date IS NOT NULL GROUP BY 1, 2),
             province AS (SELECT year(closed_date) y, avg(duration_days) d FROM cases
                          WHERE case_type = '民初' AND closed_date IS NOT NULL GROUP BY 1)
        SELECT c || '@' || y, court.d / province.d FROM court JOIN province USING (y)
    """))  # 民初 days to close against the province's, by year closed
    assert relative["示0203@2026"] > 1.2 * relative["示0203@2023"]
    assert relative["示0301@2026"] < 0.95 * relative["示0301@2023"]
    mediation = [r[1] for r in query(db, """
        SELECT court_code, avg((closing_method = '调解')::INTEGER) FROM cases
        WHERE case_type = '民初' AND closed_date IS NOT NULL GROUP BY 1 HAVING count(*) > 200
    """)]
    assert max(mediation) - min(mediation) > 0.08
