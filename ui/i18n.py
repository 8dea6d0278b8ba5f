"""Interface language: Chinese first, English on the switch. Every label passes through t()."""
from __future__ import annotations

import streamlit as st

TEXT = {
    "app_title": ("审判质效看板", "Trial quality dashboard"),
    "data_date": ("数据截至", "Data as of"),
    "demo_note": ("示范省演示数据，法院与人员均为虚构", "Synthetic demo data of a fictional province; courts and people are invented"),
    "no_db": ("尚无案件数据库。请运行 ./run.sh 生成演示数据，或导入案件信息表。",
              "No case database yet. Run ./run.sh to build the demo data, or import a case list."),
    "page_data": ("数据概况", "Data overview"),
    "courts": ("法院", "Courts"),
    "cases": ("案件", "Cases"),
    "judges": ("承办法官", "Judges"),
    "date_range": ("立案日期范围", "Filing dates"),
    "cases_by_year": ("各年立案数（按类别）", "Cases filed by year and category"),
    "cases_by_type": ("各类型案件数", "Cases by type"),
    "court_list": ("法院名录", "Court list"),
    "year": ("年份", "Year"),
    "category": ("类别", "Category"),
    "count": ("件数", "Cases"),
    "case_type": ("案件类型", "Case type"),
    "court_code": ("法院代码", "Court code"),
    "court_name": ("法院名称", "Court"),
    "level": ("层级", "Level"),
    "parent_code": ("上级法院", "Parent court"),
    "population": ("常住人口", "Population"),
    "pending": ("未结", "Pending"),
    "language": ("语言", "Language"),
    "bad_url_value": ("链接中的参数无效，已改用默认值", "A value in the link was not valid; the default is used"),
    "quarter": ("季度", "Quarter"),
    "month": ("月", "Month"),
    "period_kind": ("期间", "Period type"),
    "period": ("期间", "Period"),
    "cumulative": ("年初累计", "Year to date"),
    "court": ("法院", "Court"),
    "with_district": ("含辖区", "With its district"),
    "all": ("全部", "All"),
    "page_overview": ("态势总览", "Overview"),
    "page_compare": ("对比分析", "Compare"),
    "page_trends": ("趋势分析", "Trends"),
    "page_definitions": ("指标说明", "Definitions"),
    "headline": ("核心指标", "Headline indicators"),
    "yoy": ("同比", "vs last year"),
    "mom": ("环比", "vs previous period"),
    "meets": ("达标", "Meets range"),
    "falls_short": ("未达标", "Outside range"),
    "range": ("合理区间", "Reference range"),
    "flow": ("收结存（按月）", "Received, closed, pending by month"),
    "summary": ("本期概述", "Summary of the period"),
    "received": ("新收", "Received"),
    "closed": ("已结", "Closed"),
    "illustrative": ("区间为示例值", "ranges are illustrative"),
    "export": ("导出 Excel", "Export to Excel"),
    "indicator": ("指标", "Indicator"),
    "value": ("数值", "Value"),
    "no_data": ("所选范围内没有案件", "No cases in the selected scope"),
    "page_warnings": ("节点管控", "Process warnings"),
    "page_enforcement": ("执行", "Enforcement"),
    "page_source": ("诉源治理", "Source governance"),
    "page_import": ("数据导入", "Data import"),
    "page_audit": ("审计日志", "Audit log"),
    "page_my_cases": ("我的案件", "My caseload"),
    "sign_out": ("退出登录", "Sign out"),
    "division": ("部门", "Division"),
    "page_briefing": ("会商报告", "Meeting briefing"),
    "page_screen": ("大屏", "Big screen"),
}
CATEGORY_EN = {"民事": "Civil", "刑事": "Criminal", "行政": "Administrative", "执行": "Enforcement"}
LEVEL_EN = {"高级": "High", "中级": "Intermediate", "基层": "Basic"}


def lang() -> str:
    return "en" if st.session_state.get("lang") == "English" else "zh"


def t(key: str) -> str:
    zh, en = TEXT[key]
    return en if lang() == "en" else zh


def category(name: str) -> str:
    return CATEGORY_EN.get(name, name) if lang() == "en" else name


def level(name: str) -> str:
    return LEVEL_EN.get(name, name) if lang() == "en" else name


def count(n) -> str:
    """12,345件 / 12,345"""
    return f"{int(n):,}件" if lang() == "zh" else f"{int(n):,}"
