"""The period as parameters (metrics/named.py): every `?` and p_start / p_end outside quoted text
named, in order, and the query answers as with the period's one-row CTE."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from metrics.named import with_period

START, END = dt.date(2026, 4, 1), dt.date(2026, 6, 30)


def test_placeholders_and_days_are_named_in_order():
    sql, params = with_period("SELECT ? AS a, p_start AS s, ? AS b WHERE p_end > p_start", [1, 2], START, END)
    assert sql == "SELECT $q1 AS a, $p_start AS s, $q2 AS b WHERE $p_end > $p_start"
    assert params == {"q1": 1, "q2": 2, "p_start": START, "p_end": END}


def test_quoted_text_is_left_alone():
    sql, params = with_period("""SELECT 'p_start?' AS "p_end?", ? AS x, 'it''s ?' AS y""", ["v"], START, END)
    assert sql == """SELECT 'p_start?' AS "p_end?", $q1 AS x, 'it''s ?' AS y"""
    assert params == {"q1": "v"}  # no day the statement does not use: DuckDB refuses an unused parameter
    assert duckdb.connect().execute(sql, params).fetchone() == ("p_start?", "v", "it's ?")


def test_a_missing_or_extra_parameter_is_refused():
    with pytest.raises(ValueError, match="2 placeholders for 1 parameters"):
        with_period("SELECT ?, ?", [1], START, END)
    with pytest.raises(ValueError, match="0 placeholders for 1 parameters"):
        with_period("SELECT p_start", [1], START, END)


def test_same_answer_as_the_one_row_cte():
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT DATE '2026-01-01' + INTERVAL (i) DAY AS d, i FROM range(365) r(i)")
    condition = "d BETWEEN p_start AND p_end AND i % ? = 0"
    with_cte = con.execute(f"WITH p AS (SELECT ?::DATE AS p_start, ?::DATE AS p_end) "
                           f"SELECT count(*) FROM t, p WHERE {condition}", [START, END, 3]).fetchone()
    named = con.execute(*with_period(f"SELECT count(*) FROM t WHERE {condition}", [3], START, END)).fetchone()
    assert named == with_cte == (31,)
