"""Letters and visits written into a generated demo database, for the 访源治理 page's browser tests
(added to the demo's own, so that every role's scope, the demo head's division too, surely holds
visits pending over 60 days and repeat petitioners): about one visit per 30 counted cases, naming its case, received
some weeks after it closed (or was filed), petitioners drawn from a small pool (so some repeat),
some skip-level, some heard, some still pending (more in 示0101 民一庭, the demo head's division); and two per court naming
no case, one pending over 60 days."""
from __future__ import annotations

import duckdb

from metrics.facts import write_visit_facts
from metrics.inventory import meta

_NAMED = """
    SELECT 'XF' || lpad(row_number() OVER (ORDER BY case_no)::VARCHAR, 8, '0') AS visit_no,
           court_code::VARCHAR AS court_code,
           least(coalesce(closed_date, filed_date) + 20 + h % 40, ?::DATE) AS received_date,
           CASE WHEN h % 3 = 0 THEN '来信' ELSE '来访' END AS form,
           'P' || lpad((h % 400)::VARCHAR, 5, '0') AS petitioner_id, case_no,
           h % 7 = 0 AS skip_level, h % 5 = 0 AS hearing, h
    FROM (SELECT *, (hash(case_no) // 30 % 100000)::INTEGER AS h FROM cases WHERE counted AND (hash(case_no) % 30 = 0
          OR court_code::VARCHAR = '示0101' AND division = '民一庭' AND hash(case_no) % 10 = 0))"""
_COURT_ONLY = """
    SELECT 'XFC' || lpad(row_number() OVER (ORDER BY court_code)::VARCHAR, 7, '0'), court_code::VARCHAR,
           ?::DATE - (10 + 80 * n)::INTEGER, '电话', 'Q' || court_code::VARCHAR || n, NULL::VARCHAR,
           false, false, NULL::DATE, NULL::VARCHAR
    FROM courts CROSS JOIN range(2) r(n)"""


def add_visits(db: str) -> int:
    """Writes the visits and their facts into `db`; returns how many."""
    with duckdb.connect(db) as con:
        day = meta(con)["data_date"]
        con.execute(f"""INSERT INTO visits
            SELECT visit_no, court_code, received_date, form, petitioner_id, case_no, skip_level, hearing,
                   CASE WHEN h % 9 <> 0 AND received_date + 10 + h % 50 <= ?::DATE
                        THEN received_date + 10 + h % 50 END,
                   CASE WHEN h % 9 <> 0 AND received_date + 10 + h % 50 <= ?::DATE
                        THEN CASE WHEN h % 4 = 0 THEN '依法终结' ELSE '化解息诉' END END
            FROM ({_NAMED})""", [day, day, day])
        con.execute(f"INSERT INTO visits {_COURT_ONLY}", [day])
        write_visit_facts(con)
        return con.execute("SELECT count(*) FROM visits").fetchone()[0]
