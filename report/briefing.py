"""The 数据会商 briefing: computed once from the metrics API, rendered as .docx and as an Excel pack.

Every number in the text and tables comes from metrics (indicator_table, why_moved,
warning_counts, year_end_outlook); the text is built from those figures only.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from metrics import Period, Scope, inventory
from metrics.api import indicator_table
from metrics.catalogue import BY_ID, View, in_view
from metrics.engine import compute
from metrics.evaluation import EvaluationConfig, load_config
from metrics.explain import why_moved
from metrics.outlook import year_end_outlook
from metrics.warnings import KINDS, warning_counts
from present import format as fmt
from present.summary import period_summary
from present.theme import status_color, status_label

HEADLINE = in_view(View.BRIEFING)
UNIT_COLUMNS = in_view(View.BRIEFING_UNITS)
WARNING_COLUMNS = ["past_limit", "near_15", "over_12m", "over_18m", "over_36m", "appeal_untransferred"]


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
    short: list[tuple[str, pd.Series, pd.DataFrame]]
    child: str
    units: pd.DataFrame
    warnings: pd.DataFrame
    outlook: dict | None
    filters: dict = field(default_factory=dict)


def _scope_name(con, scope: Scope) -> str:
    if scope.court is None:
        return "全省法院"
    name = inventory.courts(con).set_index("court_code").loc[scope.court, "court_name"]
    if scope.division:
        name += scope.division
    elif scope.with_subordinates and inventory.has_district(con, scope.court):
        name += "辖区"
    return name


def _child_level(con, scope: Scope) -> str:
    if scope.division:
        return "judge"
    if scope.court is None:
        return "court"
    return "court" if scope.with_subordinates and inventory.has_district(con, scope.court) else "division"


def build(con: duckdb.DuckDBPyConnection, scope: Scope, period: Period,
          config: EvaluationConfig | None = None) -> Briefing:
    config = config or load_config()
    meta = inventory.meta(con)
    data_date = dt.date.fromisoformat(meta["data_date"])
    level = inventory.court_levels(con).get(scope.court) if scope.court else None
    scope_name = _scope_name(con, scope)
    period_text = period.describe("zh")
    table = indicator_table(con, period, scope, None, None, config)
    rows = table.set_index("indicator")
    headline = rows.loc[HEADLINE].reset_index()
    flow = compute(con, Period.parse(str(period.year)), "month", scope, in_view(View.FLOW))
    flow = flow[flow["label"] <= period.end.strftime("%Y-%m")]
    child = _child_level(con, scope)
    short = []
    for ind_id, r in rows.iterrows():
        if r["status"] in ("above", "below") and r["side"] != "better":
            movers = pd.DataFrame()
            if BY_ID[ind_id].kind != "balance":
                movers = why_moved(con, ind_id, scope, period, child=child).head(3)
            short.append((ind_id, r, movers))
    units = indicator_table(con, period, scope, child, UNIT_COLUMNS, config)
    warns = warning_counts(con, scope, data_date, child if child != "judge" else "judge")
    outlook = None
    if period.year == data_date.year and data_date.month < 12:
        outlook = year_end_outlook(con, scope, data_date, config, level)
    filters = {"范围": scope_name, "期间": period_text, "年初累计": "是" if period.cumulative else "否",
               "类别": scope.category or "全部", "数据截至": data_date.isoformat()}
    return Briefing(f"{scope_name}{period_text}审判质效数据会商报告", scope_name, period_text, data_date,
                    meta.get("kind") == "demo", period_summary(table, scope_name, period_text, "zh"), headline, flow,
                    short, child, units, warns, outlook, filters)


CHILD_NAME = {"court": "法院", "division": "部门", "judge": "法官"}


def headline_rows(b: Briefing) -> list[list[str]]:
    out = []
    for r in b.headline.to_dict("records"):
        ind = BY_ID[r["indicator"]]
        rng = "—" if fmt.missing(r["low"]) else f"{fmt.value(ind, r['low'])} ~ {fmt.value(ind, r['high'])}"
        out.append([ind.zh, fmt.value(ind, r["value"]), fmt.change(ind, r["yoy_change"]), rng,
                    status_label(r["status"], r["side"]) or "—"])
    return out


def unit_rows(b: Briefing) -> tuple[list[str], list[list[str]]]:
    wide = b.units.pivot_table(index="name", columns="indicator", values="value", aggfunc="first", dropna=False)
    header = [CHILD_NAME[b.child]] + [BY_ID[i].zh for i in UNIT_COLUMNS]
    rows = [[str(name)] + [fmt.value(BY_ID[i], wide.loc[name, i]) for i in UNIT_COLUMNS] for name in wide.index]
    return header, rows


def warning_rows(b: Briefing) -> tuple[list[str], list[list[str]]]:
    key = {"court": "court_name", "division": "division", "judge": "judge_name"}[b.child]
    header = [CHILD_NAME[b.child]] + [KINDS[k][0] for k in WARNING_COLUMNS]
    rows = [[str(r[key])] + [f"{int(r[k]):,}" for k in WARNING_COLUMNS] for r in b.warnings.to_dict("records")
            if any(r[k] for k in WARNING_COLUMNS)]
    return header, rows


def short_text(ind_id: str, r: pd.Series, movers: pd.DataFrame) -> str:
    ind = BY_ID[ind_id]
    side = "高于" if r["status"] == "above" else "低于"
    bound = r["high"] if r["status"] == "above" else r["low"]
    text = f"{ind.zh}为{fmt.value(ind, r['value'])}，{side}合理区间{'上限' if side == '高于' else '下限'}{fmt.value(ind, bound)}"
    if not fmt.missing(r["yoy_change"]):
        text += f"，同比{fmt.change(ind, r['yoy_change'])}"
    text += "。"
    if len(movers):
        unit = "个百分点" if ind.is_rate else ("件" if ind.kind == "count" else "")
        digits = 2 if ind.is_rate or ind.kind == "count" else 3
        parts = [f"{m['name']}（{m['contribution']:+.{digits}f}{unit}）" for m in movers.to_dict("records")
                 if not fmt.missing(m["contribution"])]
        if parts:
            text += "与上年同期相比，影响最大的单位为：" + "、".join(parts) + "。"
    return text


def outlook_text(o: dict) -> list[str]:
    lines = [f"按{o['year']}年1—{o['through_month']}月的节奏并参照上年各月分布，预计全年新收{fmt.count(o['received_projected'])}、"
             f"已结{fmt.count(o['closed_projected'])}，年末未结{fmt.count(o['pending_projected'])}，"
             f"结收比{fmt.value(BY_ID['clearance_ratio'], o['clearance_ratio_projected'])}，"
             f"结案率{fmt.value(BY_ID['closure_rate'], o['closure_rate_projected'])}。"]
    names = {"clearance_ratio": "结收比", "closure_rate": "结案率"}
    for ind_id, need in o["needs"].items():
        lines.append(f"{names[ind_id]}要达到区间下限{need['target_low']:g}，剩余{o['months_left']}个月还需结案"
                     f"{need['closings_needed']:,}件，即每月{need['per_month']:,}件"
                     f"（按目前节奏每月约{need['projected_per_month']:,.0f}件）。")
    return lines


def to_docx(b: Briefing) -> bytes:
    """The briefing as a Word document."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    from .charts import flow_chart, to_png, unit_bars

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Noto Sans CJK SC"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Sans CJK SC")
    style.font.size = Pt(11)
    doc.add_heading(b.title, level=0)
    doc.add_paragraph(f"范围：{b.scope_name}　期间：{b.period_text}　数据截至：{b.data_date.isoformat()}")
    if b.demo:
        doc.add_paragraph("本报告基于示范省虚构演示数据生成，法院与人员均为虚构。")

    doc.add_heading("一、总体情况", level=1)
    doc.add_paragraph(b.summary)
    _table(doc, ["指标", "本期", "同比", "合理区间", "评价"], headline_rows(b))
    names = {"received": "新收", "closed": "已结", "pending": "未结"}
    if len(b.flow):
        doc.add_paragraph("收结存按月情况：")
        doc.add_picture(io.BytesIO(to_png(flow_chart(b.flow, names))), width=Cm(16))

    doc.add_heading("二、未达标指标及主要影响单位", level=1)
    if not b.short:
        doc.add_paragraph("各项指标均在合理区间内。")
    for ind_id, r, movers in b.short:
        doc.add_heading(BY_ID[ind_id].zh, level=2)
        doc.add_paragraph(short_text(ind_id, r, movers))

    doc.add_heading(f"三、各{CHILD_NAME[b.child]}对比", level=1)
    header, rows = unit_rows(b)
    _table(doc, header, rows)
    chart_ind = BY_ID["within_limit_rate"]
    one = b.units[b.units.indicator == chart_ind.id].dropna(subset=["value"])
    if len(one):
        colors = [status_color(s, d) for s, d in zip(one["status"], one["side"])]
        doc.add_picture(io.BytesIO(to_png(unit_bars(one[["name", "value"]], chart_ind.zh, True, colors))), width=Cm(14))

    doc.add_heading("四、节点管控预警", level=1)
    header, rows = warning_rows(b)
    if rows:
        doc.add_paragraph(f"截至{b.data_date.isoformat()}，各{CHILD_NAME[b.child]}需关注的未结案件如下：")
        _table(doc, header, rows)
    else:
        doc.add_paragraph("暂无预警案件。")

    doc.add_heading("五、年末预测", level=1)
    for line in (outlook_text(b.outlook) if b.outlook else ["本期不在数据截至日所在年度，不作年末预测。"]):
        doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _table(doc, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text


def to_xlsx(b: Briefing) -> bytes:
    """The Excel pack: the briefing's tables, a sheet per level, with the filters and data date."""
    sheets = {
        "总体情况": pd.DataFrame(headline_rows(b), columns=["指标", "本期", "同比", "合理区间", "评价"]),
        f"各{CHILD_NAME[b.child]}": pd.DataFrame(unit_rows(b)[1], columns=unit_rows(b)[0]),
        "未达标指标": pd.DataFrame([[BY_ID[i].zh, short_text(i, r, m)] for i, r, m in b.short], columns=["指标", "说明"]),
        "节点管控": pd.DataFrame(warning_rows(b)[1], columns=warning_rows(b)[0]),
        "筛选条件": pd.DataFrame(list(b.filters.items()), columns=["筛选条件", "值"]),
    }
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as xl:
        for name, frame in sheets.items():
            frame.to_excel(xl, sheet_name=name, index=False)
    return out.getvalue()
