"""Monthly facts: the base aggregates of every indicator, summed per unit and calendar month.

Every period the project computes is a run of whole months, and every base aggregate is
either an event placed in one month (a case closed, received, its appeal transferred) or a
stock at a month end (pending, pending over 12 months) that is a running sum of such events:

  pending at the end of month m      = Σ_{months ≤ m} (received − closed)
  carried over into a period from s  = Σ_{months < s} (received − closed)
  pending over 12 months at day d    = pending cases with filed + deducted + 366 ≤ d, i.e.
                                       Σ_{months ≤ m} (over12m_in − over12m_out), where a case
                                       enters in the month of filed + deducted + 366 and leaves
                                       in the month of max(that day, closed_date).

So the table `facts` (unit × month, built at load time) answers every indicator exactly with
small sums, whatever the size of `cases`. `engine` computes from it, and falls back to scanning
`cases` for a database built without it. Each base aggregate is defined once, here (MONTHLY).
"""
from __future__ import annotations

import duckdb

# The date that places a case's event in a month.
EVENT_DATE = {
    "closed": "closed_date",
    "received": "filed_date",
    "transfer": "appeal_transferred_date",
}
COUNTED = "counted"
FIRST = "instance = 'first'"

# name -> (event, value summed or None to count, condition on the case)
MONTHLY: dict[str, tuple[str, str | None, str]] = {
    "received": ("received", None, COUNTED),
    "closed": ("closed", None, COUNTED),
    "closed_within_limit": ("closed", None, f"{COUNTED} AND net_days <= limit_days + extended_days"),
    "closed_days_sum": ("closed", "duration_days", COUNTED),
    "transfer_days_sum": ("transfer", "appeal_transferred_date - appeal_received_date", FIRST),
    "transferred": ("transfer", None, FIRST),
    "first_closed": ("closed", None, FIRST),
    "appeal_reversed": ("closed", None, "instance = 'appeal' AND closing_method = '改判'"),
    "appeal_remanded": ("closed", None, "instance = 'appeal' AND closing_method = '发回重审'"),
    "appeal_closed": ("closed", None, "instance = 'appeal'"),
    "appeal_heard": ("closed", None, "instance = 'appeal' AND hearing"),
    "civil_closed": ("closed", None, "case_type = '民初'"),
    "civil_mediated": ("closed", None, "case_type = '民初' AND closing_method = '调解'"),
    "civil_withdrawn": ("closed", None, "case_type = '民初' AND closing_method = '撤诉'"),
    "first_judged": ("closed", None, f"{FIRST} AND closing_method = '判决'"),
    "first_judged_appealed": ("closed", None, f"{FIRST} AND closing_method = '判决' AND has_appeal_desc"),
    "first_accepted": ("closed", None, f"{FIRST} AND NOT has_review_desc"),
    "first_desc_counted": ("closed", "desc_counted", FIRST),
    "civil_decided": ("closed", None, "case_type = '民初' AND closing_method IN ('判决', '调解')"),
    "civil_decided_enforced": ("closed", None,
                               "case_type = '民初' AND closing_method IN ('判决', '调解') AND has_exec_desc"),
    "exec_closed": ("closed", None, "instance = 'enforcement'"),
    "exec_completed": ("closed", None, "instance = 'enforcement' AND closing_method = '执行完毕'"),
    "exec_recovered": ("closed", "amount_recovered", "instance = 'enforcement'"),
    "exec_applied": ("closed", "amount_applied", "instance = 'enforcement'"),
    "first_exec_closed": ("closed", None, "case_type = '执'"),
    "first_exec_terminated": ("closed", None, "case_type = '执' AND closing_method = '终本'"),
    "assets_closed": ("closed", None, "case_type = '执' AND has_assets"),
    "assets_on_time": ("closed", None, "case_type = '执' AND has_assets AND closing_method = '执行完毕' "
                                       "AND net_days <= 180 + extended_days"),
    "pre_closed": ("closed", None, "case_type = '民诉前调'"),
    "pre_success": ("closed", None, "case_type = '民诉前调' AND closing_method = '调解成功'"),
    "pre_days_sum": ("closed", "duration_days", "case_type = '民诉前调'"),
    "pre_received": ("received", None, "case_type = '民诉前调'"),
    "litigation_received": ("received", None, "case_type IN ('民初', '行初')"),
}
# The day from which a pending counted case is over 12 months old: (d − filed) − deducted > 365.
OVER12M_FROM = "(filed_date + deducted_days + 366)"
KEYS = ["court_code", "division", "judge_id", "case_type", "category"]


def _aggregate(value: str | None, cond: str) -> str:
    return f"coalesce(count_if({cond}), 0)" if value is None else f"coalesce(sum(CASE WHEN {cond} THEN {value} END), 0)"


def write_facts(con: duckdb.DuckDBPyConnection) -> None:
    """Tables `facts`, `facts_reversal` and `judges` from table `cases` (called by every build)."""
    keys = ", ".join(KEYS)
    parts = []
    for event, date_col in EVENT_DATE.items():
        cols = [f"{_aggregate(v, c)} AS {n}" for n, (e, v, c) in MONTHLY.items() if e == event]
        parts.append(f"""SELECT {keys}, date_trunc('month', {date_col})::DATE AS month, {', '.join(cols)}
            FROM cases WHERE {date_col} IS NOT NULL GROUP BY ALL""")
    parts.append(f"""SELECT {keys}, date_trunc('month', {OVER12M_FROM})::DATE AS month, count(*) AS over12m_in
        FROM cases WHERE {COUNTED} GROUP BY ALL""")
    parts.append(f"""SELECT {keys}, date_trunc('month', greatest({OVER12M_FROM}, closed_date))::DATE AS month,
            count(*) AS over12m_out
        FROM cases WHERE {COUNTED} AND closed_date IS NOT NULL GROUP BY ALL""")
    names = list(MONTHLY) + ["over12m_in", "over12m_out"]
    sums = ", ".join(f"coalesce(sum({n}), 0) AS {n}" for n in names)
    union = "\nUNION ALL BY NAME\n".join(parts)
    con.execute(f"""CREATE TABLE facts AS
        SELECT {keys}, month, {sums} FROM ({union}) GROUP BY ALL ORDER BY court_code, month""")
    con.execute("""CREATE TABLE facts_reversal AS
        SELECT origin_court AS court_code, origin_division AS division, origin_judge_id AS judge_id,
               origin_category AS category, date_trunc('month', closed_date)::DATE AS month,
               count(*) AS first_reversed
        FROM cases
        WHERE instance = 'appeal' AND closing_method IN ('改判', '发回重审') AND origin_instance = 'first'
        GROUP BY ALL ORDER BY court_code, month""")
    con.execute("""CREATE TABLE judges AS
        SELECT court_code, judge_id, arg_max(judge_name, filed_date) AS judge_name,
               count(*) AS cases
        FROM cases GROUP BY ALL ORDER BY court_code, judge_id""")


def has_facts(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'facts' AND database_name = current_database()"
    ).fetchone()[0])
