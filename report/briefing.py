"""The 数据会商 briefing: computed once from the metrics API, rendered as .docx and as an Excel pack.

Every number in the text and tables comes from metrics (indicator_table, why_moved,
warning_counts, year_end_outlook); the text is built from those figures only.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field, replace

import duckdb
import pandas as pd

from metrics import Period, Scope, inventory
from metrics.api import indicator_table
from metrics.catalogue import BY_ID, Kind, View, in_view
from metrics.engine import compute, has_judge_list
from metrics.evaluation import EvaluationConfig, load_config
from metrics import ownership
from metrics.explain import furthest_from_range, why_moved_each
from metrics.management import four_types_cases, leader_caseload
from metrics.score import assessment
from metrics.outlook import year_end_outlook
from metrics.warnings import kind_name, warning_counts
from present import sheets
from present import format as fmt
from present.summary import period_summary
from present.text import category, tr, unit as unit_name
from present.theme import falls_short, status_label
from present.xlsx import workbook

from . import followup_section, visits_section
from .followup_section import Followup
from .visits_section import Visits

HEADLINE = in_view(View.BRIEFING)
UNIT_COLUMNS = in_view(View.BRIEFING_UNITS)
UNIT_CHART = UNIT_COLUMNS[UNIT_COLUMNS.index("within_limit_rate")] if "within_limit_rate" in UNIT_COLUMNS else UNIT_COLUMNS[0]
WARNING_COLUMNS = ["past_limit", "near_15", "over_12m", "over_18m", "over_36m", "appeal_untransferred"]


@dataclass(frozen=True)
class Shortfall:
    """An indicator outside its range on the worse side, and the units behind it."""
    indicator: str
    row: pd.Series            # its line of the indicator table
    furthest: pd.DataFrame    # units holding it outside the range now (metrics.explain.furthest_from_range)
    movers: pd.DataFrame      # units that moved it since last year (metrics.explain.why_moved)
    owner: str | None = None  # the division that owns it (对口认领, metrics/ownership.py)


@dataclass
class Briefing:
    title: str
    scope_name: str
    period_text: str
    data_date: dt.date
    demo: bool
    summary: str
    headline: pd.DataFrame
    flow: pd.DataFrame
    short: list[Shortfall]
    child: str
    units: pd.DataFrame
    warnings: pd.DataFrame
    outlook: dict | None
    assessed: pd.DataFrame = field(default_factory=pd.DataFrame)    # metrics.score.assessment units of the child level
    # the trial teams of a court or a division beside its units (spec v3; a case with no team is in none)
    teams: pd.DataFrame = field(default_factory=pd.DataFrame)
    management: pd.DataFrame = field(default_factory=pd.DataFrame)  # the 审判管理 indicators' table rows
    leaders: pd.DataFrame = field(default_factory=pd.DataFrame)     # metrics.management.leader_caseload
    four_types: pd.DataFrame = field(default_factory=pd.DataFrame)  # metrics.management.four_types_cases
    judge_list: bool = False       # whether the database holds a judges list (院庭长办案 needs one)
    narrowed: str | None = None    # the category or 涉企 the scope keeps to: leaders' cases counted in it only
    dates_note: str | None = None  # the scope's courts reach different dates: said, with the date used
    filters: dict = field(default_factory=dict)
    lang: str = "zh"
    followup: Followup = field(default_factory=Followup)  # the previous meeting's items, the ledger, the notes
    visits: Visits = field(default_factory=Visits)  # 访源治理 (report/visits_section.py); not listed: no visits list

    def tr(self, key: str, **values) -> str:
        return tr(key, self.lang, **values)


# The briefing's sections in the order of the Word file (to_docx); the page's preview draws the same list.
SECTIONS = ("followup", "overall", "short", "units", "warnings", "outlook", "assessment", "management", "visits")


def section_title(b: Briefing, section: str) -> str:
    return b.tr(f"b_{section}", child=b.tr(f"child_{b.child}"))


def scope_name(con, scope: Scope, lang: str) -> str:
    """The scope as a title names it: the province, a court (with its district), a division."""
    if scope.court is None:
        return tr("province", lang)
    name = inventory.courts(con).set_index("court_code").loc[scope.court, "court_name"]
    if scope.division:
        name += scope.division if lang == "zh" else f" {scope.division}"
    elif scope.with_subordinates and inventory.has_district(con, scope.court):
        name += tr("district_suffix", lang)
    return name


def _child_level(con, scope: Scope) -> str:
    if scope.division:
        return "judge"
    if scope.court is None:
        return "court"
    return "court" if scope.with_subordinates and inventory.has_district(con, scope.court) else "division"


def build(con: duckdb.DuckDBPyConnection, scope: Scope, period: Period,
          config: EvaluationConfig | None = None, lang: str = "zh", access=None, follow: bool = True,
          teams: bool = True) -> Briefing:
    """The briefing; with `follow`, its follow-up from the application state as `access` sees it
    (None: everything, as the command line); without, attach it later (with_followup). `teams`:
    the units table's trial teams too, for a court alone or a division (for a reader who compares teams)."""
    config = config or load_config()
    meta = inventory.meta(con)
    court_dates = inventory.court_dates(con)
    dates = inventory.scope_dates(court_dates, scope.court, scope.with_subordinates,
                                  dt.date.fromisoformat(meta["data_date"]))
    data_date = dates.through  # every court of the scope has data up to it: the period ends there
    period = period.to_date(data_date)
    dates_note = None
    if dates.mixed:
        names = dict(zip(court_dates["court_code"], court_dates["court_name"]))
        ahead = tr("list_separator", lang).join(f"{names.get(c, c)} {d}" for c, d in sorted(dates.ahead.items()))
        dates_note = tr("dates_mixed", lang, ahead=ahead, day=data_date)
    level = inventory.scope_level(con, scope.court)
    title_scope = scope_name(con, scope, lang)
    period_text = period.describe(lang)
    table = indicator_table(con, period, scope, None, None, config)
    rows = table.set_index("indicator")
    headline = rows.loc[HEADLINE].reset_index()
    flow = compute(con, Period.parse(str(period.year)), "month", scope, in_view(View.FLOW))
    flow = flow[flow["label"] <= period.end.strftime("%Y-%m")]
    child = _child_level(con, scope)
    short = []
    owners = ownership.load()
    outside = [i for i, r in rows.iterrows() if falls_short(r["status"], r["side"])]
    by_unit = indicator_table(con, period, scope, child, outside, config) if outside else pd.DataFrame()
    splittable = [i for i in outside if BY_ID[i].kind is not Kind.BALANCE]
    moved = why_moved_each(con, splittable, scope, period, child=child) if splittable else {}
    for ind_id in outside:
        r = rows.loc[ind_id]
        movers, furthest = pd.DataFrame(), pd.DataFrame()
        if BY_ID[ind_id].kind is not Kind.BALANCE:
            above = r["status"] == "above"
            furthest = furthest_from_range(by_unit[by_unit.indicator == ind_id], ind_id,
                                           r["high"] if above else r["low"], above).head(3)
            movers = moved[ind_id].head(3)
        short.append(Shortfall(ind_id, r, furthest, movers, owners.owner(ind_id, scope.court)))
    units = indicator_table(con, period, scope, child, UNIT_COLUMNS, config)
    team_units = pd.DataFrame()
    if teams and child != "court":
        team_units = indicator_table(con, period, scope, "team", UNIT_COLUMNS, config)
        team_units = team_units[team_units["team"] != ""].reset_index(drop=True)
    warns = warning_counts(con, scope, data_date, child)
    outlook = None
    if period.year == data_date.year and data_date.month < 12:
        outlook = year_end_outlook(con, scope, data_date, config, level)
    filters = {tr("b_filter_scope", lang): title_scope, tr("b_filter_period", lang): period_text,
               tr("b_filter_cumulative", lang): tr("yes" if period.cumulative else "no", lang),
               tr("b_filter_category", lang): category(scope.category, lang) if scope.category else tr("all", lang),
               tr("b_filter_enterprise", lang): tr("yes" if scope.enterprise else "no", lang),
               tr("b_filter_data_date", lang): data_date.isoformat()}
    assessed, _detail = assessment(con, period, child, scope, config)
    return Briefing(tr("b_title", lang, scope=title_scope, period=period_text), title_scope, period_text, data_date,
                    meta.get("kind") == "demo", period_summary(table, title_scope, period_text, lang), headline, flow,
                    short, child, units, warns, outlook, assessed=assessed, teams=team_units,
                    management=rows.loc[in_view(View.MANAGEMENT)].reset_index(),
                    leaders=leader_caseload(con, period, scope),
                    four_types=four_types_cases(con, period, scope, limit=None), judge_list=has_judge_list(con),
                    narrowed=tr("list_separator", lang).join(
                        ([category(scope.category, lang)] if scope.category else [])
                        + ([tr("enterprise_only", lang)] if scope.enterprise else [])) or None,
                    filters=filters, lang=lang, dates_note=dates_note,
                    followup=followup_section.gather(con, scope, period, lang, access) if follow else Followup(),
                    visits=visits_section.gather(con, scope, period, child, table, config))


def with_followup(b: Briefing, con: duckdb.DuckDBPyConnection, scope: Scope, period: Period, access=None) -> Briefing:
    """The briefing with its follow-up as it stands now (the state changes without an import)."""
    period = period.to_date(b.data_date)
    return replace(b, followup=followup_section.gather(con, scope, period, b.lang, access))


def note_lines(b: Briefing, indicator: str) -> list[str]:
    """The notes (批注) on the indicator for the period's months."""
    return b.followup.notes.get(indicator, [])


def other_notes(b: Briefing) -> list[str]:
    """Notes on indicators that are not among the shortfalls, each in its indicator's words."""
    short = {s.indicator for s in b.short}
    return [b.tr("b_fu_other_note", name=BY_ID[i].name(b.lang), line=line)
            for i, lines in b.followup.notes.items() if i not in short and i in BY_ID for line in lines]


def headline_header(b: Briefing) -> list[str]:
    return [b.tr(k) for k in ("b_col_indicator", "b_col_value", "b_col_yoy", "b_col_range", "b_col_status")]


def indicator_rows(table: pd.DataFrame, lang: str) -> list[list[str]]:
    """Rows of an indicator table as the briefing's tables print them (headline_header's columns)."""
    out = []
    for r in table.to_dict("records"):
        ind = BY_ID[r["indicator"]]
        v = lambda x: fmt.value(ind, x, lang)  # noqa: E731
        rng = "—" if fmt.missing(r["low"]) else f"{v(r['low'])} ~ {v(r['high'])}"
        out.append([ind.name(lang), v(r["value"]), fmt.change(ind, r["yoy_change"], lang), rng,
                    status_label(r["status"], r["side"], lang) or "—"])
    return out


def headline_rows(b: Briefing) -> list[list[str]]:
    return indicator_rows(b.headline, b.lang)


def _units_wide(units: pd.DataFrame, column: str) -> pd.DataFrame:
    """Units × indicators of one column, units in their hierarchy order (the court before its
    district's courts, as the indicator table lists them)."""
    return units.pivot_table(index="name", columns="indicator", values=column, aggfunc="first", dropna=False,
                             sort=False)


def unit_rows(b: Briefing, teams: bool = False) -> tuple[list[str], list[list[str]]]:
    """The units table (of the trial teams with `teams`): a row per unit, a column per indicator."""
    units, child = (b.teams, "team") if teams else (b.units, b.child)
    header = [b.tr(f"child_{child}")] + [BY_ID[i].name(b.lang) for i in UNIT_COLUMNS]
    if units.empty:
        return header, []
    wide = _units_wide(units, "value")
    rows = [[str(name)] + [fmt.value(BY_ID[i], wide.loc[name, i], b.lang) for i in UNIT_COLUMNS] for name in wide.index]
    return header, rows


def unit_shortfalls(b: Briefing, teams: bool = False) -> list[list[bool]]:
    """Which cells of unit_rows fall outside their range on the worse side."""
    units = b.teams if teams else b.units
    if units.empty:
        return []
    short = [falls_short(s, d) for s, d in zip(units["status"], units["side"])]
    wide = _units_wide(units.assign(short=short), "short").fillna(False)
    return [[False] + [i in wide.columns and bool(wide.loc[name, i]) for i in UNIT_COLUMNS] for name in wide.index]


def warning_rows(b: Briefing) -> tuple[list[str], list[list[str]]]:
    key = {"court": "court_name", "division": "division", "judge": "judge_name"}[b.child]
    header = [b.tr(f"child_{b.child}")] + [kind_name(k, b.lang) for k in WARNING_COLUMNS]
    rows = [[str(r[key])] + [f"{int(r[k]):,}" for k in WARNING_COLUMNS] for r in b.warnings.to_dict("records")
            if any(r[k] for k in WARNING_COLUMNS)]
    return header, rows


def _points(ind, lang: str) -> str:
    """The unit a contribution is in: percentage points for a rate, else the indicator's own."""
    if ind.is_rate:
        return tr("pp", lang)
    return {Kind.COUNT: tr("cases_unit", lang)}.get(ind.kind, "" if ind.unit in ("", "x") else
                                                     (ind.unit if lang == "zh" else " " + unit_name(ind.unit, lang)))


def short_text(s: "Shortfall", lang: str = "zh") -> str:
    """What a meeting asks of an indicator outside its range: where it stands, which units hold
    it there now (their value and weight), and which moved it since last year."""
    ind_id, r, movers = s.indicator, s.row, s.movers
    ind = BY_ID[ind_id]
    above = r["status"] == "above"
    name = ind.name(lang)
    text = tr("b_short_value", lang, name=name[:1].upper() + name[1:], value=fmt.value(ind, r["value"], lang),
              side=tr("b_above" if above else "b_below", lang), bound_name=tr("b_upper" if above else "b_lower", lang),
              bound=fmt.value(ind, r["high"] if above else r["low"], lang))
    if not fmt.missing(r["yoy_change"]):
        text += tr("b_yoy", lang, change=fmt.change(ind, r["yoy_change"], lang))
    text += tr("sentence_end", lang)
    unit = _points(ind, lang)
    digits = 0 if ind.kind is Kind.COUNT else 2
    if len(s.furthest):
        parts = [tr("b_far_unit", lang, name=u["name"], value=fmt.value(ind, u["value"], lang),
                    weight=fmt.percent(u["weight"]), pull=fmt.signed(u["pull"], digits) + unit)
                 for u in s.furthest.to_dict("records")]
        text += tr("b_furthest", lang, units=tr("list_separator", lang).join(parts))
    if len(movers):
        parts = [tr("b_mover", lang, name=m["name"], contribution=fmt.signed(m["contribution"], digits) + unit)
                 for m in movers.to_dict("records") if not fmt.missing(m["contribution"])]
        if parts:
            text += tr("b_movers", lang, units=tr("list_separator", lang).join(parts))
    if s.owner:
        text += tr("b_owner", lang, owner=s.owner)
    return text


def assessment_rows(b: Briefing) -> tuple[list[str], list[list[str]]]:
    """综合评估 of the child units, best first: composite, last year's, 进位 / 退位 (and ranks when on)."""
    ranks = "rank" in b.assessed.columns
    header = [b.tr(f"child_{b.child}"), b.tr("composite"), b.tr("b_col_composite_prev"), b.tr("change_vs_last_year")]
    header += [b.tr("rank"), b.tr("rank_change")] if ranks else []
    num = lambda v, f="{:.1f}": "—" if fmt.missing(v) else f.format(v)  # noqa: E731
    rows = []
    for r in b.assessed.to_dict("records"):
        moved = "" if fmt.missing(r["change"]) or r["change"] == 0 else b.tr("b_up" if r["change"] > 0 else "b_down")
        row = [str(r["name"]), num(r["composite"]), num(r["composite_prev"]), ("—" if fmt.missing(r["change"]) else fmt.signed(r["change"], 1)) + moved]
        rows.append(row + ([num(r["rank"], "{:.0f}"), "—" if fmt.missing(r["rank_change"]) else fmt.signed(r["rank_change"], 0)] if ranks else []))
    return header, rows


def assessment_line(b: Briefing) -> str:
    up, down = int((b.assessed["change"] > 0).sum()), int((b.assessed["change"] < 0).sum())
    return b.tr("b_assessment_line", n=int(b.assessed["composite"].notna().sum()), child=b.tr(f"child_{b.child}"),
                up=up, down=down)


def management_rows(b: Briefing) -> list[list[str]]:
    return indicator_rows(b.management, b.lang)


def management_lines(b: Briefing) -> list[str]:
    """院庭长办案 and 四类案件 in words: the leaders who closed nothing, the cases not reviewed."""
    idle = b.leaders[b.leaders["closed"] == 0]
    names = b.tr("list_separator").join(b.tr("b_leader", name=r["judge_name"], position=b.tr(f"position_{r['position']}"))
                                        for r in idle.head(12).to_dict("records"))
    if not b.judge_list:
        lines = [b.tr("b_no_judge_list")]
    elif len(idle):
        lines = [b.tr("b_leaders_line", n=len(b.leaders), idle=len(idle), names=names)]
    else:
        lines = [b.tr("b_leaders_all_closed", n=len(b.leaders))]
    if b.judge_list and b.narrowed:  # a leader of another line closes none of this line's cases
        lines[0] = lines[0].rstrip("。.") + b.tr("b_leaders_narrowed", what=b.narrowed) + b.tr("sentence_end")
    four = b.four_types
    if len(four):
        closed = four[four["status"] == "closed"]
        lines.append(b.tr("b_four_types_line", n=len(four), closed=len(closed),
                          unreviewed=int((~closed["reviewed"].astype(bool)).sum()),
                          pending=int((four["status"] == "pending").sum())))
    return lines


def visits_rows(b: Briefing) -> list[list[str]]:
    """The visit indicators as the headline table prints them (empty without a visits list)."""
    return indicator_rows(b.visits.rows, b.lang) if b.visits.listed else []


def outlook_text(o: dict, lang: str = "zh") -> list[str]:
    v = lambda i, x: fmt.value(BY_ID[i], x, lang)  # noqa: E731
    lines = [tr("b_outlook_line", lang, year=o["year"], month=o["through_month"],
                received=fmt.count(o["received_projected"], lang), closed=fmt.count(o["closed_projected"], lang),
                pending=fmt.count(o["pending_projected"], lang),
                clearance=v("clearance_ratio", o["clearance_ratio_projected"]),
                closure=v("closure_rate", o["closure_rate_projected"]))]
    for ind_id, need in o["needs"].items():
        lines.append(tr("b_outlook_need", lang, name=BY_ID[ind_id].name(lang), low=need["target_low"],
                        months=o["months_left"], needed=need["closings_needed"], per_month=need["per_month"],
                        pace=need["projected_per_month"]))
    return lines


def to_docx(b: Briefing) -> bytes:
    """The briefing as a Word document."""
    from docx import Document
    from docx.shared import Cm

    from . import word
    from .charts import flow_chart, to_png, unit_chart

    doc = Document()
    word.office_document(doc)  # A4, 公文 margins and faces
    doc.add_heading(b.title, level=0)
    doc.add_paragraph(b.tr("b_scope_line", scope=b.scope_name, period=b.period_text, day=b.data_date.isoformat()))
    if b.dates_note:
        doc.add_paragraph(b.dates_note)
    if b.demo:
        doc.add_paragraph(b.tr("b_demo"))

    doc.add_heading(b.tr("b_followup"), level=1)
    doc.add_paragraph(followup_section.intro(b.followup, b.lang))
    if b.followup.rows:
        word.table(doc, followup_section.column_names(b.lang), followup_section.table_rows(b.followup.rows), font_pt=9)

    doc.add_heading(b.tr("b_overall"), level=1)
    doc.add_paragraph(b.summary)
    word.table(doc, headline_header(b), headline_rows(b))
    names = {i: BY_ID[i].name(b.lang) for i in in_view(View.FLOW)}
    if len(b.flow):
        doc.add_paragraph(b.tr("b_flow"))
        chart = flow_chart(b.flow, names, b.tr("cases_unit").strip(), b.lang,
                           title=b.tr("b_chart_flow", year=b.period_text[:4] if b.lang == "zh" else b.period_text.split()[0]))
        word.picture(doc, to_png(chart), Cm(16))

    doc.add_heading(b.tr("b_short"), level=1)
    if not b.short:
        doc.add_paragraph(b.tr("b_all_meet"))
    for short in b.short:
        name = BY_ID[short.indicator].name(b.lang)
        doc.add_heading(name[:1].upper() + name[1:], level=2)
        doc.add_paragraph(short_text(short, b.lang))
        for line in note_lines(b, short.indicator):
            doc.add_paragraph(line)
    if other_notes(b):
        doc.add_paragraph(b.tr("b_fu_other_notes"))
        for line in other_notes(b):
            doc.add_paragraph(line)

    word.orientation(doc, landscape=True)  # the units × indicators table is wide
    doc.add_heading(b.tr("b_units", child=b.tr(f"child_{b.child}")), level=1)
    header, rows = unit_rows(b)
    word.table(doc, header, rows, unit_shortfalls(b), font_pt=9, first_cm=4.2)
    doc.add_paragraph(b.tr("b_short_mark"))
    if len(b.teams):  # the trial teams of the court or division, beside its units
        doc.add_heading(b.tr("b_teams"), level=2)
        header, rows = unit_rows(b, teams=True)
        word.table(doc, header, rows, unit_shortfalls(b, teams=True), font_pt=9, first_cm=4.2)
        doc.add_paragraph(b.tr("teams_blank_left_out"))
    chart_ind = BY_ID[UNIT_CHART]
    one = b.units[b.units.indicator == chart_ind.id].dropna(subset=["value"])
    if len(one):
        title = b.tr("b_chart_units", name=chart_ind.name(b.lang), period=b.period_text)
        word.picture(doc, to_png(unit_chart(one, chart_ind, title, b.tr(f"child_{b.child}"), b.lang)), Cm(16))
    word.orientation(doc, landscape=False)

    doc.add_heading(b.tr("b_warnings"), level=1)
    header, rows = warning_rows(b)
    if rows:
        doc.add_paragraph(b.tr("b_warnings_intro", day=b.data_date.isoformat(), child=b.tr(f"child_{b.child}")))
        word.table(doc, header, rows)
    else:
        doc.add_paragraph(b.tr("b_no_warnings"))

    doc.add_heading(b.tr("b_outlook"), level=1)
    for line in (outlook_text(b.outlook, b.lang) if b.outlook else [b.tr("b_no_outlook")]):
        doc.add_paragraph(line)

    doc.add_heading(b.tr("b_assessment"), level=1)
    if len(b.assessed) and b.assessed["composite"].notna().any():
        doc.add_paragraph(assessment_line(b))
        header, rows = assessment_rows(b)
        word.table(doc, header, rows)
    else:
        doc.add_paragraph(b.tr("b_no_assessment"))

    doc.add_heading(b.tr("b_management"), level=1)
    word.table(doc, headline_header(b), management_rows(b))
    for line in management_lines(b):
        doc.add_paragraph(line)

    doc.add_heading(b.tr("b_visits"), level=1)
    for line in visits_section.lines(b.visits, b.lang)[:1]:
        doc.add_paragraph(line)
    if b.visits.listed:
        word.table(doc, headline_header(b), visits_rows(b))
        doc.add_paragraph(visits_section.lines(b.visits, b.lang)[1])
        if len(b.visits.far):
            word.table(doc, visits_section.far_header(b.lang, b.child), visits_section.far_rows(b.visits, b.lang),
                       font_pt=9, first_cm=4.2)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def to_xlsx(b: Briefing) -> bytes:
    """The Excel pack: the briefing's tables as numbers in their units' formats, a sheet per level,
    with the filters and data date on a sheet of their own."""
    child = b.tr(f"child_{b.child}")
    overall, overall_formats = sheets.indicators(b.headline, b.lang)
    units, unit_formats = sheets.wide(b.units, UNIT_COLUMNS, b.lang, child)
    key = {"court": "court_name", "division": "division", "judge": "judge_name"}[b.child]
    warned = b.warnings[b.warnings[WARNING_COLUMNS].sum(axis=1) > 0]
    warnings = pd.DataFrame({child: warned[key].astype(str),
                             **{kind_name(k, b.lang): warned[k].astype(int) for k in WARNING_COLUMNS}})
    teams, team_formats = sheets.wide(b.teams, UNIT_COLUMNS, b.lang, b.tr("child_team")) if len(b.teams) else (None, {})
    names = {"overall": b.tr("b_sheet_overall"), "units": b.tr("b_sheet_units", child=child),
             "teams": b.tr("b_sheet_teams"),
             "warnings": b.tr("b_sheet_warnings"), "assessment": b.tr("b_sheet_assessment"),
             "management": b.tr("b_sheet_management")}
    management, management_formats = sheets.indicators(b.management, b.lang)
    assessed = pd.DataFrame({child: b.assessed["name"].astype(str) if len(b.assessed) else [],
                             b.tr("composite"): b.assessed.get("composite"), b.tr("b_col_composite_prev"):
                             b.assessed.get("composite_prev"), b.tr("change_vs_last_year"): b.assessed.get("change")})
    if "rank" in b.assessed.columns:
        assessed[b.tr("rank")], assessed[b.tr("rank_change")] = b.assessed["rank"], b.assessed["rank_change"]
    leaders = pd.DataFrame({b.tr("court_name"): b.leaders.get("court_name"), b.tr("judge"): b.leaders.get("judge_name"),
                            b.tr("b_col_position"): [b.tr(f"position_{p}") for p in b.leaders.get("position", [])],
                            b.tr("division"): b.leaders.get("division"),
                            b.tr("closed"): b.leaders.get("closed")})
    names.update(visits=b.tr("b_sheet_visits"), visits_far=b.tr("b_sheet_visits_far", child=child))
    if b.visits.listed:  # the indicators, then the repeat petitioners counted (a number, never who)
        visits_frame, visits_formats = sheets.indicators(b.visits.rows, b.lang)
        extra = pd.DataFrame([{b.tr("col_indicator"): b.tr("b_v_repeaters"), b.tr("col_value"): b.visits.repeaters}])
        visits_formats = {c: f + ["#,##0"] if c == b.tr("col_value") else f + ["General"]
                          for c, f in visits_formats.items()}
        far_frame, far_formats = visits_section.far_sheet(b.visits, b.lang, b.child)
        visit_sheets = {names["visits"]: pd.concat([visits_frame, extra], ignore_index=True),
                        names["visits_far"]: far_frame}
    else:
        visit_sheets = {names["visits"]: pd.DataFrame({b.tr("b_col_note"): [b.tr("b_no_visits")]})}
    ledger, ledger_formats = followup_section.ledger_sheet(b.followup.ledger, b.lang)
    frames = {
        names["overall"]: overall,
        names["units"]: units,
        **({names["teams"]: teams} if teams is not None else {}),
        b.tr("b_sheet_short"): pd.DataFrame([[BY_ID[x.indicator].name(b.lang), short_text(x, b.lang)] for x in b.short],
                                            columns=[b.tr("b_col_indicator"), b.tr("b_col_note")]),
        names["warnings"]: warnings,
        names["assessment"]: assessed,
        names["management"]: management,
        b.tr("b_sheet_leaders"): leaders,
        **visit_sheets,
        b.tr("b_sheet_ledger"): ledger,
        b.tr("filters_sheet"): pd.DataFrame(list(b.filters.items()), columns=[b.tr("filter"), b.tr("value")]),
    }
    count = '#,##0"件"' if b.lang == "zh" else "#,##0"
    visit_formats = {names["visits"]: visits_formats, names["visits_far"]: far_formats} if b.visits.listed else {}
    return workbook(frames, {**visit_formats, names["overall"]: overall_formats, names["units"]: unit_formats,
                             names["teams"]: team_formats,
                             names["warnings"]: {c: count for c in warnings.columns[1:]},
                             names["management"]: management_formats,
                             names["assessment"]: {c: "0.0" for c in assessed.columns[1:4]},
                             b.tr("b_sheet_leaders"): {b.tr("closed"): count},
                             b.tr("b_sheet_ledger"): ledger_formats})
