"""The link's parameters, in one table: each one's default and what leaving it out means.

A link holds the parameters that differ from their default, so a parameter left out means
its default. A default of None is worked out when the page runs, as `meaning` says; such a
parameter is always written into the link, so the link shows the same view to another user
and on a later day.
A value that is not one of the widget's options falls back to the default with a notice.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Param:
    key: str
    default: object
    meaning: str


PARAMS: dict[str, Param] = {p.key: p for p in (
    Param(key="lang", default="中文", meaning="interface language: 中文 or English"),
    Param(key="court", default=None, meaning="the user's own court; for the office, the province's top court"),
    Param(key="district", default=True, meaning="the court together with its district (辖区); false: the court alone"),
    Param(key="pk", default="quarter", meaning="period kind: quarter, month or year"),
    Param(key="period", default=None, meaning="the latest period of that kind begun by the data date"),
    Param(key="cum", default=True, meaning="year to date (年初累计) from January 1; ignored for a year"),
    Param(key="cat", default="", meaning="category 民事, 刑事, 行政 or 执行; empty: all"),
    Param(key="ent", default=False, meaning="涉企 cases only (营商环境); false: every case"),
    Param(key="level", default=None, meaning="对比分析 level: the first the role compares (courts, or judges "
                                             "for a division head or judge)"),
    Param(key="division", default="", meaning="the division whose judges are compared: on 对比分析 and 画像 the "
                                              "court's first division; on 综合评估 every division"),
    Param(key="trail", default=None, meaning="the drill-down's path to this view, written by a click on 对比分析 "
                                            "(ui/drill_path.py); none: the scope was chosen in the filter bar"),
    Param(key="plevel", default=None, meaning="画像 of a court, a division, a trial team or a judge: the first the "
                                              "role may open"),
    Param(key="judge", default=None, meaning="画像 judge id: the division's first judge (a judge: themselves)"),
    Param(key="team", default=None, meaning="画像 trial team: the division's first team (a head: of their own "
                                            "division only; a case with no team is in none)"),
    Param(key="tlevel", default=None, meaning="趋势分析 units side by side: the courts of the district or the "
                                              "divisions of a court (by the scope), or the trial teams"),
    Param(key="ind", default="within_limit_rate", meaning="indicator id (one choice shared by 对比分析 and 趋势分析); "
                                                        "on 对比分析 its default is this one"),
    Param(key="ind_trends", default="closed", meaning="not a link parameter: the default of ind on 趋势分析"),
    Param(key="grain", default="month", meaning="趋势分析 by month or quarter"),
    Param(key="wby", default=None, meaning="节点管控 counts by: the first level the role compares"),
    Param(key="vlevel", default=None, meaning="访源治理 sources ranked by: the first level the role compares, or team"),
    Param(key="kind", default="past_limit", meaning="节点管控 list shown: a warning kind (metrics/warnings.py)"),
    Param(key="every", default=20, meaning="大屏 seconds per view, 5–600"),
    Param(key="scale", default=1.0, meaning="大屏 chart text scale for 4K screens, 1–3"),
)}


def default(key: str):
    return PARAMS[key].default
