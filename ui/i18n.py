"""Interface language: Chinese first, English on the switch. Every label passes through t()."""
from __future__ import annotations

import streamlit as st

TEXT = {
    "app_title": ("审判质效看板", "Trial quality dashboard"),
    "data_date": ("数据截至", "Data as of"),
    "demo_note": ("示范省演示数据，法院与人员均为虚构", "Synthetic demo data of a fictional province; courts and people are invented"),
    "no_db": ("尚无案件数据库。请运行 ./run.sh 生成演示数据，或导入案件信息表。",
              "No case database yet. Run ./run.sh to build the demo data, or import a case list."),
    "page_data_overview": ("数据概况", "Data overview"),
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
    "page_data_import": ("数据导入", "Data import"),
    "page_audit_log": ("审计日志", "Audit log"),
    "page_my_cases": ("我的案件", "My caseload"),
    "sign_out": ("退出登录", "Sign out"),
    "division": ("部门", "Division"),
    "page_briefing": ("会商报告", "Meeting briefing"),
    "page_screen": ("大屏", "Big screen"),
    "sign_in": ("登录", "Sign in"),
    "not_allowed": ("无权访问此页面", "You may not open this page"),
    "section_analysis": ("分析", "Analysis"),
    "section_topics": ("专项", "Topics"),
    "section_meeting": ("会商", "Meeting"),
    "section_reference": ("参考", "Reference"),
    "section_admin": ("管理", "Administration"),
    "help_overview": ("所选范围与期间的核心指标：同比、环比、是否达标，未达标的排在前面；收结存按月走势与文字概述。",
                      "Headline indicators of the chosen scope and period with their change and range, the ones "
                      "outside their range first; received, closed and pending by month; a written summary."),
    "help_my_cases": ("本人未结案件按剩余审限排序，本人指标与本部门对比，本月已结案件。",
                      "Your pending cases by days left to the time limit, your figures against your division's, "
                      "and what closed this month."),
    "help_compare": ("各法院、部门、法官的同一指标并排比较：合理区间、达标热力图、变动归因，点击下钻到案件。",
                     "Courts, divisions or judges side by side on one indicator: the range, a heat map of which "
                     "meet it, why it moved, and a click down to the cases."),
    "help_trends": ("指标按月或季度的走势，本年与上年对比，年末预测，多个单位同图。",
                    "An indicator by month or quarter, this year against last, the year-end outlook, and several "
                    "units on one chart."),
    "help_warnings": ("临近或超过审限、长期未结、发回重审、延长审限、上诉未移送的案件，按单位计数并列出清单。",
                      "Cases near or past the time limit, long pending, remanded, extended or with an appeal not "
                      "transferred: counts by unit and the lists."),
    "help_enforcement": ("执行“3+1”指标及走势、执行标的与到位金额、执行法官对比、终本案件。",
                         "The enforcement 3+1 indicators and their trend, amounts applied and recovered, "
                         "enforcement judges compared, cases ended for lack of assets."),
    "help_source": ("诉前调解的数量、成功率、用时与分流率，各法院万人起诉率。",
                    "Pre-filing mediation volume, success, days and diversion; lawsuits per 10,000 residents by court."),
    "help_briefing": ("生成数据会商报告：预览，下载 Word 报告与 Excel 数据包。",
                      "The data meeting briefing: preview it, download the Word report and the Excel pack."),
    "help_screen": ("会议室大屏：深色大字，核心指标、热力图、走势、预警轮播。",
                    "The meeting-room display: dark, large type, headline cards, heat map, trend and warnings in turn."),
    "help_definitions": ("每项指标的口径、公式、方向与合理区间。",
                         "Every indicator's definition, formula, direction and reference range."),
    "help_data_overview": ("数据库中有哪些法院与案件：各年、各类型件数，法院名录。",
                           "What the database holds: cases by year and type, the court list."),
    "help_data_import": ("上传案件信息表，逐行校验后导入，被拒绝的行可下载。",
                         "Upload a case list; every row is checked, and the rejected rows can be downloaded."),
    "help_audit_log": ("登录、导入、导出的审计记录，只读。", "Sign-ins, imports and exports, read-only."),
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
