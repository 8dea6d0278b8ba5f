"""The dashboard's questions to metrics, cached. Each takes one Query (filters and who is
asking); it is authorised against the signed-in user before any cached result is served. The
answers are shared by every session (ui/answers.py): keyed by the period, the scope and the
data's version, not by who asked, so an import shows on the next run. Other judges are made
anonymous here, after the shared answer, for a role that hides them (per-viewer salt).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from metrics import inventory
from metrics.access import Access, AccessDenied, Reach
from metrics.api import cases_behind, indicator_table
from metrics.drill import CaseList
from metrics.visit_drill import records_behind
from metrics.catalogue import BY_ID, Kind, View, in_view
from metrics.engine import Scope, compute
from metrics.explain import why_moved
from metrics import management
from metrics.score import assessment as _assessment_of
from metrics.profile import Profile, peer_base, peer_values, profile as profile_of
from metrics.facts import FactsState, facts_state
from metrics.outlook import year_end_outlook
from metrics.periods import Period, period_options
from metrics.query import Query
from metrics import visit_lists
from metrics.visits import has_visits as _has_visits_of
from metrics.warnings import (visits_overdue as _visits_overdue_of, warning_counts as _warning_counts_of,
                              warning_list as _warning_list_of)
from security.keys import keyed
from security.users import UsersFileError, load_users
from followup import meetings
from report import frozen
from report.briefing import build, to_docx, to_xlsx, with_followup
from metrics import shared_reads
from ui.answers import seed_with, shared, versions
from ui import params
from ui.database import cursor
from ui.i18n import t


# 营商环境's questions, asked the same way by its page and by the warming: the 涉企 figures, and
# every one of them a chart can show by court in one answer (picking another asks nothing new)
BUSINESS_IDS = tuple(in_view(View.BUSINESS))
BUSINESS_CHARTED = tuple(i for i in BUSINESS_IDS if BY_ID[i].kind is not Kind.COUNT)


def alias_salt(q: Query) -> str:
    """The key that orders 法官A, 法官B …: secret (the order does not follow the judges' ids) and
    the same for one viewer all year, in every session and on every page (a quarter's ranking and
    the year's trend), so 法官A stays 法官A between meetings."""
    v = q.viewer
    return keyed("judge_alias", f"{v.role}|{v.court}|{v.division}|{v.judge_id}|{q.period_obj.year}")


def _authorised(q: Query, by: str | None = None, cases: bool = False) -> Query:
    """q pinned to and checked against its viewer, who comes from the server-side session
    (ui.session.current_access, set by the filter bar), never from the browser."""
    if q.viewer is None:
        raise AccessDenied("未登录 / not signed in")
    with shared_reads.sharing(versions()):  # the courts of a district, a division's teams: read once
        return q.authorised(cursor(), by, cases)


def _hide(q: Query, frame: pd.DataFrame, id_column: str = "judge_id", name_column: str = "name") -> pd.DataFrame:
    return q.viewer.anonymise(frame, id_column, name_column, alias_salt(q), t("judge_alias"))


def table(q: Query, by: str | None = None, indicators: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Indicators with 同比/环比, range and 达标 (metrics.api.indicator_table)."""
    q = _authorised(q, by)
    return _hide(q, _table(q.period_obj, q.scope, by, indicators))


@shared(4096)
def _table(period, scope, by, indicators) -> pd.DataFrame:
    return indicator_table(cursor(), period, scope, by, list(indicators) if indicators else None)


def series(q: Query, year: int, by: str, indicators: tuple[str, ...]) -> pd.DataFrame:
    """Indicators of a whole year by month or quarter, for the scope of q."""
    q = _authorised(q.narrow(period=str(year), cumulative=False), by)
    return _hide(q, _series(q.period_obj, q.scope, by, indicators))


@shared(1024)
def _series(period, scope, by, indicators) -> pd.DataFrame:
    return compute(cursor(), period, by, scope, list(indicators))


def warning_list(q: Query, as_of: dt.date, kind: str, transfer_days: int = 5) -> pd.DataFrame:
    q = _authorised(q, cases=True)
    return _hide(q, _warning_list(q.scope, as_of, kind, transfer_days), "judge_id", "judge_name")


@shared(64)
def _warning_list(scope, as_of, kind, transfer_days) -> pd.DataFrame:
    return _warning_list_of(cursor(), scope, as_of, kind, transfer_days)


def warning_counts(q: Query, as_of: dt.date, by: str, transfer_days: int = 5) -> pd.DataFrame:
    q = _authorised(q.narrow(judge_id=None), by)
    return _hide(q, _warning_counts(q.scope, as_of, by, transfer_days), "judge_id", "judge_name")


@shared(64)
def _warning_counts(scope, as_of, by, transfer_days) -> pd.DataFrame:
    return _warning_counts_of(cursor(), scope, as_of, by, transfer_days)


def moved(q: Query, indicator: str, child: str) -> pd.DataFrame:
    """Why did it move: each child unit's contribution against the same period last year."""
    q = _authorised(q.narrow(judge_id=None), child)
    out = _moved(q.period_obj, q.scope, indicator, child)
    if child == "judge":  # units are "court|judge_id": no real id leaves the server for a judge
        out = out.assign(judge_id=out["unit"].str.split("|").str[1])
        out = _hide(q, out).drop(columns=["judge_id", "unit"])
    elif child == "team":  # "court|": the cases with no team, which are no team
        out = out[out["unit"].str.split("|").str[1] != ""].reset_index(drop=True)
    return out


@shared(64)
def _moved(period, scope, indicator, child) -> pd.DataFrame:
    return why_moved(cursor(), indicator, scope, period, child=child)


def assessment(q: Query, by: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """综合评估 of q's units at level `by`: (units with composite and change, per-indicator detail)."""
    q = _authorised(q, by)
    units, detail = _assessment(q.period_obj, q.scope, by)
    return _hide(q, units), _hide(q, detail)


@shared(512)
def _assessment(period, scope, by) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _assessment_of(cursor(), period, by, scope)


def profile(q: Query, level: str) -> Profile:
    """画像 of the unit q names at `level` (a court alone, a division, a team, a judge), if the viewer may
    open it (Access.check_profile). The peers' figures stay on the server: only percentiles leave."""
    q = _authorised(q.narrow(district=False))
    q.viewer.check_profile(cursor(), level, q.scope)
    return _profile(q.period_obj, q.scope, level)


@shared(32)
def _profile(period, scope, level) -> Profile:
    court_level = inventory.court_levels(cursor()).get(scope.court)
    peers = _peers(period, level, court_level, peer_base(level, scope))
    return profile_of(cursor(), period, level, scope, peers=peers)


@shared(16)
def _peers(period, level, court_level, base):
    """Every peer's ranked indicators (the same for every unit of a level, court level and peer_base)."""
    return peer_values(cursor(), period, level, court_level, base)


def leaders(q: Query) -> pd.DataFrame:
    """The leaders of the judges list in q's scope and what each closed in the period (审判管理)."""
    q = _authorised(q.narrow(judge_id=None))
    return _leaders(q.period_obj, q.scope)


@shared(32)
def _leaders(period, scope) -> pd.DataFrame:
    return management.leader_caseload(cursor(), period, scope)


def four_types(q: Query) -> pd.DataFrame:
    """四类案件 of q's scope, closed in the period or pending at its end, unreviewed first."""
    q = _authorised(q, cases=True)
    return _hide(q, _four_types(q.period_obj, q.scope), "judge_id", "judge_name")


@shared(32)
def _four_types(period, scope) -> pd.DataFrame:
    return management.four_types_cases(cursor(), period, scope)


def backlog(q: Query, as_of: dt.date) -> pd.DataFrame:
    """The year-start backlog of q's scope with each case's status on as_of (清积)."""
    q = _authorised(q, cases=True)
    return _hide(q, _backlog(q.scope, as_of), "judge_id", "judge_name")


@shared(32)
def _backlog(scope, as_of) -> pd.DataFrame:
    return management.year_start_backlog(cursor(), scope, as_of)


def outlook(q: Query, as_of: dt.date, level: str | None) -> dict:
    q = _authorised(q.narrow(judge_id=None))
    return _outlook(q.scope, as_of, level)


@shared(1024)
def _outlook(scope, as_of, level) -> dict:
    return year_end_outlook(cursor(), scope, as_of, level=level)


def drill(q: Query, indicator: str, part: str | None = None, page: int = 0,
          page_size: int = 50) -> tuple[pd.DataFrame, int]:
    """The cases of one part of an indicator, one page, and how many in all."""
    q = _authorised(q, cases=True)
    rows, total = _drill(q.period_obj, q.scope, indicator, part, page, page_size)
    # a judge's reversal list holds appeal cases handled by other judges: show those anonymously
    return _hide(q, rows, "judge_id", "judge_name"), total


@shared(64)
def _drill(period, scope, indicator, part, page, page_size) -> tuple[pd.DataFrame, int]:
    return cases_behind(cursor(), period, scope, indicator, part, page, page_size)


CASES_PAGE = 50  # a case list's rows per page


def behind(q: Query, indicator: str, only_deciding: bool = False, page: int = 0,
           page_size: int | None = CASES_PAGE) -> CaseList:
    """The cases behind an indicator's figure, deciding ones first (metrics.drill); page_size
    None: the whole list, for an export."""
    q = _authorised(q, cases=True)
    listed = _behind(q.period_obj, q.scope, indicator, only_deciding, page, page_size)
    return replace(listed, rows=_hide(q, listed.rows, "judge_id", "judge_name"))


@shared(512)
def _behind(period, scope, indicator, only_deciding, page, page_size) -> CaseList:
    return records_behind(cursor(), period, scope, indicator, only_deciding=only_deciding, page=page,
                          page_size=page_size)


# ---- 访源治理 (spec v3 visits): each list passes the viewer's Access like the case lists

def has_visits() -> bool:
    """Whether the database holds a visits list (none imported: the page says so)."""
    return _has_visits()


@shared(8)
def _has_visits() -> bool:
    return _has_visits_of(cursor())


def visit_sources(q: Query, level: str) -> pd.DataFrame:
    """q's units at `level` ranked by visits per 10,000 closed (metrics.visit_lists.sources)."""
    q = _authorised(q.narrow(judge_id=None), level)
    return _hide(q, _visit_sources(q.period_obj, q.scope, level))


@shared(64)
def _visit_sources(period, scope, level) -> pd.DataFrame:
    return visit_lists.sources(cursor(), scope, period, level)


def visits_behind(q: Query, team: str | None = None) -> pd.DataFrame:
    """The visits received in q's period and scope (of `team` when given) with the cases they name."""
    q = _authorised(q, cases=True)
    return _visits_behind(q.period_obj, q.scope, team)


@shared(64)
def _visits_behind(period, scope, team) -> pd.DataFrame:
    return visit_lists.behind(cursor(), scope, period.start, period.end, team)


def repeat_petitioners(q: Query) -> tuple[pd.DataFrame, pd.DataFrame]:
    """q's repeat petitioners (pseudonymous ids only) and their visits by month."""
    q = _authorised(q, cases=True)
    return _repeat_petitioners(q.period_obj, q.scope)


@shared(32)
def _repeat_petitioners(period, scope) -> tuple[pd.DataFrame, pd.DataFrame]:
    p = period
    return (visit_lists.repeat_petitioners(cursor(), scope, p.start, p.end),
            visit_lists.repeat_by_month(cursor(), scope, p.start, p.end))


def overdue_visits(q: Query, day: dt.date) -> pd.DataFrame:
    """Visits in q's scope pending more than 60 days at `day`, longest first, with court names
    (访源治理 and the 节点管控 group 信访超期未办结)."""
    q = _authorised(q, cases=True)
    return _overdue_visits(q.scope, day)


@shared(32)
def _overdue_visits(scope, day) -> pd.DataFrame:
    return _visits_overdue_of(cursor(), scope, day)


def allowed_courts(viewer: Access) -> list[str]:
    """The court codes a user may choose."""
    with shared_reads.sharing(versions()):
        return viewer.courts(cursor())


@shared(8)
def _courts() -> pd.DataFrame:
    return inventory.courts(cursor())


def courts() -> pd.DataFrame:
    return _courts()


@dataclass(frozen=True)
class CourtLookup:
    """The court list as lookups, made once per data version: every page names courts on every
    run. Shared between sessions: nobody changes it."""
    names: dict[str, str]  # code → name
    levels: dict[str, str]  # code → level
    with_courts_below: frozenset[str]  # the codes of courts that have courts below them
    top: str  # the court with no court above it (the first by code, when several)


def court_lookup() -> CourtLookup:
    return _court_lookup()


@shared(8)
def _court_lookup() -> CourtLookup:
    listed = courts()
    parents = listed["parent_code"]
    return CourtLookup(names=dict(zip(listed["court_code"], listed["court_name"])),
                       levels=dict(zip(listed["court_code"], listed["level"])),
                       with_courts_below=frozenset(parents.dropna()),
                       top=listed.loc[parents.isna(), "court_code"].iloc[0])


@shared(8)
def _meta() -> dict:
    return inventory.meta(cursor())


def meta() -> dict:
    return _meta()


@shared(8)
def _court_dates(today: dt.date) -> pd.DataFrame:
    return inventory.court_dates(cursor(), today)


def court_dates() -> pd.DataFrame:
    """Every court's data-through date, cases, last import and file (数据概况's completeness table)."""
    return _court_dates(dt.date.today())


def scope_dates(court: str | None, district: bool) -> inventory.ScopeDates:
    """How complete a scope's data is: the date all its courts have reached, the courts ahead of
    it and those without data (metrics.inventory.scope_dates)."""
    return _scope_dates(court, district, dt.date.today())


@shared(256)  # every run's filter bar asks it: kept, not worked out again from every court's dates
def _scope_dates(court: str | None, district: bool, today: dt.date) -> inventory.ScopeDates:
    return inventory.scope_dates(_court_dates(today), court, district, dt.date.fromisoformat(_meta()["data_date"]))


@shared(32)
def _divisions(court: str) -> list[str]:
    return inventory.divisions(cursor(), court)


def divisions(court: str) -> list[str]:
    return _divisions(court)


@shared(32)
def _judges(court: str, division: str, category: str | None) -> pd.DataFrame:
    return inventory.judges(cursor(), court, division, category)


@shared(256)
def _judge_division(court: str, judge_id: str, category: str | None) -> str | None:
    return inventory.judge_division(cursor(), court, judge_id, category)


@shared(32)
def _teams(court: str, division: str, category: str | None) -> list[str]:
    return inventory.teams(cursor(), court, division, category)


def teams(q: Query) -> list[str]:
    """The trial teams of q's division with cases in q's category that q's viewer may choose
    (none for a role without the team level)."""
    q = _authorised(q.narrow(district=False, judge_id=None, team=None))
    if "team" not in q.viewer.rule.compare_levels:
        return []
    return _teams(q.court, q.division, q.category)


@shared(256)
def _team_division(court: str, team: str, category: str | None) -> str | None:
    return inventory.team_division(cursor(), court, team, category)


def team_division(court: str, team: str, category: str | None = None) -> str | None:
    """The division a trial team mostly works in (to open its 画像 from a list of teams)."""
    return _team_division(court, team, category)


def judge_division(court: str, judge_id: str, category: str | None = None) -> str | None:
    """The division a judge mostly works in, in a category when given (to open their 画像 from a
    list of judges)."""
    return _judge_division(court, judge_id, category)


def judges(q: Query) -> pd.DataFrame:
    """The judges of q's division (judge_id, judge_name) with cases in q's category that q's
    viewer may choose: a judge only themselves."""
    q = _authorised(q.narrow(district=False, judge_id=None))
    frame = _judges(q.court, q.division, q.category)
    if q.viewer.rule.own_cases_only:
        frame = frame[frame["judge_id"] == q.viewer.judge_id]
    return frame


@shared(8)
def _first_year() -> int:
    return inventory.first_year(cursor())


def first_year() -> int:
    return _first_year()


@shared(8)
def _facts_current() -> bool:
    return facts_state(cursor()) is FactsState.CURRENT


def facts_current() -> bool:
    return _facts_current()



def briefing(q: Query, lang: str = "zh"):
    """The 数据会商 briefing of q's scope and period in a language (its files: briefing_file), with
    its follow-up as the viewer sees it now (the state changes without an import: not cached)."""
    q = _authorised(q)
    teams = "team" in q.viewer.rule.compare_levels
    return with_followup(_briefing(q.period_obj, q.scope, lang, teams), cursor(), q.scope, q.period_obj, q.viewer)


@shared(16)
def _briefing(period, scope, lang: str, teams: bool):
    return build(cursor(), scope, period, lang=lang, follow=False, teams=teams)


def briefing_file(q: Query, lang: str, kind: str) -> bytes:
    """The briefing as .docx, .pdf or .xlsx, made when it is downloaded (charts take a second to draw)."""
    return frozen_file(frozen.dumps(briefing(q, lang)), kind)


@st.cache_data(max_entries=16, show_spinner=False)
def frozen_file(briefing_json: str, kind: str) -> bytes:
    """The .docx, .pdf or .xlsx of a briefing kept as JSON (the current one, or one issued for a meeting)."""
    b = frozen.loads(briefing_json)
    if kind == "pdf":
        from report.pdf import to_pdf  # WeasyPrint loads only when a PDF is asked for

        return to_pdf(b)
    return to_docx(b) if kind == "docx" else to_xlsx(b)


def issue_meeting(q: Query, b, name: str, held: dt.date, minutes: str, by: str) -> int:
    """Records the meeting of q's scope and period with the briefing `b` as issued (ActionError,
    TextError or AccessDenied: nothing written)."""
    q = _authorised(q)
    return meetings.issue(cursor(), name=name, held=held, scope=q.scope, period=q.period, cumulative=q.cumulative,
                          minutes=minutes, briefing=frozen.dumps(b), by=by, access=q.viewer)


def issued_meetings(q: Query) -> list:
    """The meetings of q's scope whose briefing was issued, newest first."""
    q = _authorised(q)
    return meetings.issued(cursor(), q.scope, q.viewer)


def _whole_database(viewer: Access | None) -> None:
    """Counts over every court: only for a role that reaches every court."""
    if viewer is None or viewer.rule.reach is not Reach.ALL:
        raise AccessDenied("需要全部法院的权限 / needs access to every court")


@shared(4)
def _inventory() -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    con = cursor()
    return inventory.summary(con), inventory.cases_by_year(con), inventory.cases_by_type(con)


def completeness(viewer: Access) -> pd.DataFrame:
    """Every court with its data-through date, cases, last import and file (数据概况)."""
    _whole_database(viewer)
    return court_dates()


def database_inventory(viewer: Access) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """What the database holds (数据概况): counts, cases by year and category, cases by type."""
    _whole_database(viewer)
    return _inventory()


# ---- what a new server or a new data version computes before anyone asks (ui/answers.py)

TREND_UNITS_SHOWN = 4  # 趋势分析's chart of units draws the first this many until the user picks others
SEED_QUARTERS = 8  # the latest two years' quarters of every court: what the office and leaders open
SEED_TABLES = 2048  # at most half of _table's entries: a province of many courts warms its newest quarters


def _seeds():
    """Every court over the latest quarters, year to date, keyed as the pages ask by default: with
    its district (a court without one is its own district) its indicators (态势总览, 对比分析's
    reference), its courts side by side (对比分析 by court), its 涉企 figures alone and by court
    (营商环境), its courts' 综合评估, and 趋势分析's default indicator by month over the period's year
    and the year before, for it and for the courts its chart of units shows first, each alone;
    alone, its divisions side by side (对比分析 by division); the flow by month of the period's year
    (态势总览), the latest year-end outlook (趋势分析); and the first page of 对比分析's 本范围明细案件 (the
    cases behind its default indicator). The same again in the category of each 条线 head in the
    users file, for the courts of their district: the pages narrow a line head's every scope to
    their line. The newest first."""
    listed = courts()
    levels = court_lookup().levels
    first = first_year()
    flow = tuple(in_view(View.FLOW))
    trend = (params.default("ind_trends"),)
    compared = params.default("ind")
    trended: set[tuple] = set()
    dates, data_date = court_dates(), dt.date.fromisoformat(meta()["data_date"])
    ends = {}  # (court, district) → the scope's data date and its quarters, newest first
    for court in listed["court_code"]:
        for district in (True, False):  # worked out here, not asked: the asks kept are the users'
            through = inventory.scope_dates(dates, court, district, data_date).through
            ends[court, district] = through, period_options("quarter", first, through)
    seeded = [(court, None) for court in listed["court_code"]]
    seeded += [(court, category) for head_court, category in sorted(_business_lines())
               for court in sorted(inventory.district(cursor(), head_court)) if court in levels]
    tables = 0
    for rank in range(SEED_QUARTERS):
        for court, category in seeded:
            for district in (True, False):
                through, quarters = ends[court, district]
                if rank >= len(quarters):
                    continue
                scope = Scope(court=court, with_subordinates=district, category=category)
                period = Period.parse(quarters[rank], True).to_date(through)
                for args in _seed_tables(period, scope):
                    if tables >= SEED_TABLES:
                        return
                    tables += 1
                    yield _table, args
                if not district:
                    continue
                yield _assessment, (period, scope, "court")
                yield _behind, (period, scope, compared, False, 0, CASES_PAGE)
                year = Period.parse(str(period.year)).to_date(through)
                if rank == 0:
                    yield _outlook, (scope, through, levels[court])
                if (court, category, period.year) in trended:
                    continue
                trended.add((court, category, period.year))
                yield _series, (year, scope, "month", flow)
                yield _series, (year, scope, "month", trend)
                yield _series, (Period.parse(str(period.year - 1)).to_date(through), scope, "month", trend)
                units = sorted(inventory.district(cursor(), court))  # the chart of units lists them by code
                for unit in units[:TREND_UNITS_SHOWN] if len(units) > 1 else ():
                    yield _series, (year, Scope(court=unit, category=category), "month", trend)


def _business_lines() -> set[tuple[str, str]]:
    """(court, category) of each 条线 head who may sign in (a demo account only in demo mode)."""
    try:
        config = load_users()
    except UsersFileError:  # nobody can sign in: no line to warm
        return set()
    return {(u.access.court, u.access.category) for u in config.users.values()
            if u.access.category is not None and u.access.court is not None and (config.demo_mode or not u.demo)}


def _seed_tables(period: Period, scope: Scope):
    """The _table answers the pages ask first for a scope and period (see _seeds)."""
    if not scope.with_subordinates:
        yield period, scope, "division", None
        return
    enterprise = replace(scope, enterprise=True)
    yield from ((period, scope, None, None), (period, scope, "court", None),
                (period, enterprise, None, BUSINESS_IDS), (period, enterprise, "court", BUSINESS_CHARTED))


seed_with(_seeds)
