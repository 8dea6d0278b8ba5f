"""Base measures: what the indicators count and add up, each declared once.

A measure names the event that places a case in a period, which cases it takes (a SQL
condition on the columns of table `cases`), what it adds up (a count, or an expression) and
its kind:

  FLOW      an event inside the period: received (filed_date), closed (closed_date),
            an appeal transferred (appeal_transferred_date)
  STOCK     cases on hand on a day: entered on or before it and not yet left; taken on the
            period's last day (pending) or on the day before its first (carried over)
  ORIGIN    a flow counted for the court, division and judge of the case's origin case
            (一审被改判发回重审: the appeal counts for the first-instance judge; 申诉申请再审:
            the petition counts for the decision it is against)
  DISTINCT  how many judges have a case in another measure (法官人均结案数)
  SUM       the sum of other measures (on hand = carried over + received)
  COURT     a court attribute added up over the courts in scope (population)
  VISIT     a count or sum over the letters-and-visits list (metrics/visits.py declares them)

From these declarations come the scan of `cases` (engine), the monthly facts built at load
time and their version (facts), and the condition that lists a measure's cases (drill-down).
Nothing else writes a measure's condition.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    FLOW = "flow"
    STOCK = "stock"
    ORIGIN = "origin"
    DISTINCT = "distinct"
    SUM = "sum"
    COURT = "court"
    VISIT = "visit"


class Event(Enum):
    """The date column that places a flow in a month."""
    RECEIVED = "filed_date"
    CLOSED = "closed_date"
    TRANSFERRED = "appeal_transferred_date"


class At(Enum):
    """The day a stock is taken: the period's last day, the day before its first, or the last
    day of the year before the period's year (年初积案)."""
    END = "end"
    START = "start"
    YEAR_START = "year_start"


class Since(Enum):
    """Where a flow's window opens: the period's first day, or January 1 of the period's year
    (the year-start backlog cleared by the period's end)."""
    PERIOD = "period"
    YEAR = "year"


@dataclass(frozen=True, kw_only=True)
class Stock:
    """Cases on hand: a case is in from day `enters` (inclusive) until day `leaves` (exclusive;
    NULL = still in). A case that leaves before it enters is never in."""
    name: str
    cases: str
    enters: str
    leaves: str


@dataclass(frozen=True, kw_only=True)
class Measure:
    name: str
    kind: Kind
    cases: str = "true"          # condition on the case (FLOW, ORIGIN)
    event: Event | None = None   # FLOW, ORIGIN
    value: str | None = None     # None counts cases; else the expression summed (FLOW)
    stock: Stock | None = None   # STOCK
    at: At = At.END              # STOCK
    of: str | None = None        # DISTINCT: the measure whose judges are counted
    parts: tuple[str, ...] = ()  # SUM
    since: Since = Since.PERIOD  # FLOW: where its window opens
    courts_only: bool = False    # defined for courts and above, not for divisions or judges


COUNTED = "counted"  # every type but 民诉前调 (derived at load time)
FIRST = "instance = 'first'"
APPEAL = "instance = 'appeal'"
RETRIAL = "instance = 'retrial'"                  # 民再, 刑再, 行再
DECISIONS = "instance IN ('first', 'appeal')"    # the decisions a petition may be against
CIVIL_FIRST = "case_type = '民初'"
EXEC = "instance = 'enforcement'"
FIRST_EXEC = "case_type = '执'"
PREMEDIATION = "case_type = '民诉前调'"
LITIGATION = "case_type IN ('民初', '行初')"
REVERSED_OR_REMANDED = "closing_method IN ('改判', '发回重审')"
WITHIN_LIMIT = "net_days <= limit_days + extended_days"
SUMMARY_START = "initial_procedure IN ('简易程序', '小额诉讼程序')"  # stored as the procedure when blank
LEADER = "leader"            # the judge holds a leader's position in the judges list (derived at load time)
FOUR_TYPES = "four_types"
OVER_12_MONTHS = 365  # days


def older_than(days: int, day: str) -> str:
    """A case's age on `day` exceeds `days`: (day − filed) − deducted days > days (超12个月未结 and the
    18- and 36-month warnings)."""
    return f"(({day}) - filed_date) - deducted_days > {int(days)}"


# The first day a case is over 12 months old: older_than(365, d) ⟺ d ≥ filed + deducted + 366.
OVER_12_MONTHS_FROM = f"filed_date + deducted_days + {OVER_12_MONTHS + 1}"

PENDING = Stock(name="pending", cases=COUNTED, enters="filed_date", leaves="closed_date")
PENDING_OVER_12M = Stock(name="over12m", cases=COUNTED, enters=OVER_12_MONTHS_FROM, leaves="closed_date")
YEAR_START_DAY = "(date_trunc('year', p_start)::DATE - 1)"  # d₀ of 年初积案化解率
# A case closed in year Y was in the year-start backlog of Y when it was over 12 months old on
# December 31 of Y − 1 (it was pending then, as it closed after).
IN_YEAR_START_BACKLOG = f"{OVER_12_MONTHS_FROM} <= make_date(year(closed_date), 1, 1) - 1"


# "Pending on day d", for the pages that list or group cases by it rather than count a measure
# (warnings, 四类案件, the drill-down's status, the profile's caseload): PENDING's rule, written
# once here. `day` and `start` / `end` are SQL (a column, `?`); `alias` the cases' table alias.
def open_on(day: str | None, alias: str = "") -> str:
    """Not yet left PENDING on `day`: closed after it or not at all (day None: not closed at all)."""
    left = f"{alias}.{PENDING.leaves}" if alias else PENDING.leaves
    return f"{left} IS NULL" if day is None else f"({left} IS NULL OR {left} > {day})"


def handled_in(start: str, end: str, alias: str = "") -> str:
    """Handled in [start, end]: pending the day before it starts or entered in it (closed in it or
    not): entered by its end and not left before its start."""
    entered, left = (f"{alias}.{x}" if alias else x for x in (PENDING.enters, PENDING.leaves))
    return f"{entered} <= {end} AND ({left} IS NULL OR {left} >= {start})"


def _flow(name: str, event: Event, cases: str, value: str | None = None, **kw) -> Measure:
    return Measure(name=name, kind=Kind.FLOW, event=event, cases=cases, value=value, **kw)


def _closed(name: str, cases: str, value: str | None = None) -> Measure:
    return _flow(name, Event.CLOSED, cases, value)


MEASURES: tuple[Measure, ...] = (
    _flow("received", Event.RECEIVED, COUNTED),
    _closed("closed", COUNTED),
    _closed("closed_within_limit", f"{COUNTED} AND {WITHIN_LIMIT}"),
    _closed("closed_days_sum", COUNTED, "duration_days"),
    _flow("transferred", Event.TRANSFERRED, FIRST),
    _flow("transfer_days_sum", Event.TRANSFERRED, FIRST, "appeal_transferred_date - appeal_received_date"),
    _closed("first_closed", FIRST),
    _closed("first_desc_counted", FIRST, "desc_counted"),
    _closed("appeal_reversed", f"{APPEAL} AND closing_method = '改判'"),
    _closed("appeal_remanded", f"{APPEAL} AND closing_method = '发回重审'"),
    _closed("appeal_closed", APPEAL),
    _closed("appeal_heard", f"{APPEAL} AND hearing"),
    _closed("civil_closed", CIVIL_FIRST),
    _closed("civil_mediated", f"{CIVIL_FIRST} AND closing_method = '调解'"),
    _closed("civil_withdrawn", f"{CIVIL_FIRST} AND closing_method = '撤诉'"),
    _closed("first_judged", f"{FIRST} AND closing_method = '判决'"),
    _closed("first_judged_appealed", f"{FIRST} AND closing_method = '判决' AND has_appeal_desc"),
    _closed("first_accepted", f"{FIRST} AND NOT has_review_desc"),
    _closed("civil_decided", f"{CIVIL_FIRST} AND closing_method IN ('判决', '调解')"),
    _closed("civil_decided_performed", f"{CIVIL_FIRST} AND closing_method IN ('判决', '调解') AND NOT has_exec_desc"),
    _closed("civil_decided_enforced", f"{CIVIL_FIRST} AND closing_method IN ('判决', '调解') AND has_exec_desc"),
    _closed("retrial_reversed", f"{RETRIAL} AND closing_method = '改判'"),
    _closed("retrial_remanded", f"{RETRIAL} AND closing_method = '发回重审'"),
    _closed("decisions_closed", DECISIONS),
    _closed("exec_closed", EXEC),
    _closed("exec_completed", f"{EXEC} AND closing_method = '执行完毕'"),
    _closed("exec_recovered", EXEC, "amount_recovered"),
    _closed("exec_applied", EXEC, "amount_applied"),
    _closed("first_exec_closed", FIRST_EXEC),
    _closed("first_exec_terminated", f"{FIRST_EXEC} AND closing_method = '终本'"),
    _closed("assets_closed", f"{FIRST_EXEC} AND has_assets"),
    _closed("assets_on_time", f"{FIRST_EXEC} AND has_assets AND closing_method = '执行完毕' "
                              "AND net_days <= 180 + extended_days"),
    _closed("pre_closed", PREMEDIATION),
    _closed("pre_success", f"{PREMEDIATION} AND closing_method = '调解成功'"),
    _closed("pre_days_sum", PREMEDIATION, "duration_days"),
    _flow("pre_received", Event.RECEIVED, PREMEDIATION),
    _flow("litigation_received", Event.RECEIVED, LITIGATION),
    _flow("lawsuits", Event.RECEIVED, f"{LITIGATION} AND has_population", courts_only=True),
    _closed("summary_closed", f"{CIVIL_FIRST} AND {SUMMARY_START}"),
    _closed("summary_changed", f"{CIVIL_FIRST} AND {SUMMARY_START} AND procedure = '普通程序'"),
    _flow("backlog_cleared", Event.CLOSED, f"{COUNTED} AND {IN_YEAR_START_BACKLOG}", since=Since.YEAR),
    _closed("leader_closed", f"{COUNTED} AND {LEADER}"),
    _closed("four_types_closed", f"{COUNTED} AND {FOUR_TYPES}"),
    _closed("four_types_reviewed", f"{COUNTED} AND {FOUR_TYPES} AND reviewed"),
    Measure(name="carried_over", kind=Kind.STOCK, stock=PENDING, at=At.START),
    Measure(name="pending", kind=Kind.STOCK, stock=PENDING, at=At.END),
    Measure(name="over12m_pending", kind=Kind.STOCK, stock=PENDING_OVER_12M, at=At.END),
    Measure(name="year_start_backlog", kind=Kind.STOCK, stock=PENDING_OVER_12M, at=At.YEAR_START),
    Measure(name="first_reversed", kind=Kind.ORIGIN, event=Event.CLOSED,
            cases=f"{APPEAL} AND {REVERSED_OR_REMANDED} AND origin_instance = 'first'"),
    # 申诉申请再审: a petition received in the period counts for the first-instance or appeal case it is against
    Measure(name="petitions", kind=Kind.ORIGIN, event=Event.RECEIVED,
            cases="instance = 'petition' AND origin_instance IN ('first', 'appeal')"),
    Measure(name="judges_closing", kind=Kind.DISTINCT, of="closed"),
    Measure(name="on_hand", kind=Kind.SUM, parts=("carried_over", "received")),
    Measure(name="proceedings", kind=Kind.SUM, parts=("first_closed", "first_desc_counted")),
    Measure(name="diversion_base", kind=Kind.SUM, parts=("pre_received", "litigation_received")),
    Measure(name="population", kind=Kind.COURT, value="population", courts_only=True),
    *(Measure(name=n, kind=Kind.VISIT) for n in ("visits_received", "visits_repeat", "visits_skip_level",
                                                  "visits_closed", "visits_resolved", "visits_heard",
                                                  "visits_days_sum", "visits_overdue")),
)
BY_NAME: dict[str, Measure] = {m.name: m for m in MEASURES}


def of_kind(*kinds: Kind) -> list[Measure]:
    return [m for m in MEASURES if m.kind in kinds]


def stocks() -> list[Stock]:
    """Each stock once, in declaration order."""
    out: dict[str, Stock] = {}
    for m in of_kind(Kind.STOCK):
        out.setdefault(m.stock.name, m.stock)
    return list(out.values())


def stock_day(m: Measure) -> str:
    """The SQL day a stock measure is taken, in terms of the period columns p_start, p_end."""
    return {At.END: "p_end", At.START: "(p_start - 1)", At.YEAR_START: YEAR_START_DAY}[m.at]


def window_start(m: Measure) -> str:
    """The SQL day a flow measure's window opens (it closes on p_end)."""
    return "p_start" if m.since is Since.PERIOD else "date_trunc('year', p_start)::DATE"


def case_condition(name: str) -> str:
    """The condition, over `cases` and the period columns p_start / p_end, that selects the
    cases a measure counts in the period: the scan's filter and the drill-down's list."""
    m = BY_NAME[name]
    if m.kind in (Kind.FLOW, Kind.ORIGIN):
        return f"{m.event.value} BETWEEN {window_start(m)} AND p_end AND {m.cases}"
    if m.kind is Kind.STOCK:
        s, day = m.stock, stock_day(m)
        return f"{s.cases} AND {s.enters} <= {day} AND ({s.leaves} IS NULL OR {s.leaves} > {day})"
    if m.kind is Kind.DISTINCT:
        return case_condition(m.of)
    if m.kind is Kind.SUM:
        return " OR ".join(f"({case_condition(p)})" for p in m.parts)
    if m.kind is Kind.VISIT:  # counts visits, not cases: no case is behind it
        return "false"
    raise ValueError(f"{name}: a {m.kind.value} measure lists no cases")


# The field each kind of measure cannot do without.
_REQUIRED = {Kind.FLOW: "event", Kind.ORIGIN: "event", Kind.STOCK: "stock", Kind.DISTINCT: "of", Kind.SUM: "parts",
             Kind.COURT: "value", Kind.VISIT: "name"}


def validate() -> None:
    """Every declaration complete and every reference resolved (run when the module loads)."""
    names = [m.name for m in MEASURES]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise ValueError(f"measures declared twice: {sorted(dupes)}")
    for m in MEASURES:
        field = _REQUIRED[m.kind]
        if not getattr(m, field):
            raise ValueError(f"measure {m.name}: a {m.kind.value} measure needs its {field}")
        for ref in (*m.parts, *([m.of] if m.of else [])):
            if ref not in BY_NAME or BY_NAME[ref].kind in (Kind.SUM, Kind.COURT, Kind.DISTINCT, Kind.VISIT):
                raise ValueError(f"measure {m.name}: {ref} is not a case measure")
    stock_names = {}
    for s in (m.stock for m in of_kind(Kind.STOCK)):
        if stock_names.setdefault(s.name, s) != s:
            raise ValueError(f"two different stocks named {s.name}")


validate()
