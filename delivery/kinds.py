"""The kinds of subscription, one declaration each: who may have it (by what their role is,
never by its name), what is due now, and how its message is built (delivery/content.py).
Adding a kind: a row here (its names in both languages) and its two functions."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from metrics.access import Reach, Role

from . import content


@dataclass(frozen=True)
class Kind:
    id: str
    zh: str
    en: str
    allowed: Callable[[Role], bool]
    due: Callable    # Recipient -> [Occurrence]: what is due now that the log has not seen
    build: Callable  # Recipient, Occurrence -> Message | None (None: the scope holds nothing to send)

    def name(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


def _analysts(role: Role) -> bool:
    return not role.own_cases_only  # the 会商报告 page's readers


def _case_lists_bounded(role: Role) -> bool:
    return role.reach in (Reach.DIVISION, Reach.OWN)  # a division's or one's own pending cases


def _everyone(role: Role) -> bool:
    return True


KINDS: dict[str, Kind] = {k.id: k for k in (
    Kind("pack_month", "月度会商材料（报告 PDF 与 Excel 数据包）", "Monthly meeting pack (briefing PDF and Excel)",
         _analysts, content.due_pack("month"), content.build_pack),
    Kind("pack_quarter", "季度会商材料（报告 PDF 与 Excel 数据包）", "Quarterly meeting pack (briefing PDF and Excel)",
         _analysts, content.due_pack("quarter"), content.build_pack),
    Kind("due_weekly", "每周审限到期清单（周一 08:00）", "Weekly due list (Mondays 08:00)",
         _case_lists_bounded, content.due_weekly, content.build_weekly),
    Kind("due_soon", "案件距审限 7 天内即时提醒", "Alert when a case comes within 7 days of its limit",
         _case_lists_bounded, content.due_soon, content.build_soon),
    Kind("range_alert", "指标越出参考区间提醒（数据更新时）", "Alert when an indicator leaves its range (at a data refresh)",
         _analysts, content.due_range, content.build_range),
    Kind("action_alert", "整改事项转为有风险或已逾期提醒", "Alert when an action item turns at risk or overdue",
         _everyone, content.due_actions, content.build_action),
)}
