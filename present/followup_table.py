"""The 整改台账 as a table: one row per action item as it stands now, in the interface language,
for the page and its Excel export alike (no Streamlit here)."""
from __future__ import annotations

import pandas as pd

from metrics.catalogue import BY_ID
from present import format as fmt
from present.text import tr
from present.theme import BETTER, MEETS, NO_RANGE, WORSE

RANGE = "range"  # followup.model.RANGE: present may not import followup
# One colour per status, from the Okabe–Ito palette the rest of the product uses (met in 达标's
# colour), the same on every page that shows a status: the 台账, the big screen, the chips of 态势总览.
STATUS_COLORS = {"met": MEETS, "on_track": "#009E73", "at_risk": BETTER, "overdue": WORSE, "closed": NO_RANGE}
STATUS_BADGES = {"met": "blue", "on_track": "green", "at_risk": "orange", "overdue": "red", "closed": "gray"}  # st.badge's
LIGHT_INK, DARK_INK = "#ffffff", "#0b1220"


def _luminance(color: str) -> float:
    """Relative luminance (WCAG 2) of a #rrggbb colour."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(int(color[i:i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours (1 to 21)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def status_ink(status: str) -> str:
    """The text colour that reads best on the status's colour."""
    back = STATUS_COLORS[status]
    return max((LIGHT_INK, DARK_INK), key=lambda ink: contrast(back, ink))


# What an item is and how it stands first, so that on a laptop's screen the status shows without scrolling.
COLUMNS = ("fu_id", "indicator", "fu_unit", "fu_value_then", "fu_value_now", "fu_status", "fu_target", "fu_due",
           "fu_owner", "fu_meeting", "fu_latest")


def status_text(status: str, lang: str = "zh") -> str:
    return tr(f"fu_status_{status}", lang)


def target_text(indicator: str, target: str, lang: str = "zh") -> str:
    """“进入合理区间”, or the value formatted as the indicator is."""
    return tr("fu_target_range", lang) if target == RANGE else fmt.value(BY_ID[indicator], float(target), lang)


def unit_text(unit, court_names: dict, judge_names: dict, lang: str = "zh") -> str:
    """Court name (with its district), then the division or the judge's name."""
    name = court_names.get(unit.court, unit.court)
    if unit.with_subordinates:
        name += tr("district_suffix", lang)
    if unit.judge_id:
        return f"{name} {judge_names.get((unit.court, unit.judge_id), unit.judge_id)}"
    return f"{name} {unit.division}" if unit.division else name


def indicator_name(indicator: str, lang: str = "zh") -> str:
    """The indicator's name as a label starts: capitalised in English."""
    name = BY_ID[indicator].name(lang)
    return name[:1].upper() + name[1:]


def latest_progress(item) -> str:
    return item.progress[-1].text if item.progress else ""


def ledger(standings: list, court_names: dict, judge_names: dict, lang: str = "zh") -> pd.DataFrame:
    """The table the page shows and exports, its headers in `lang`; the status as its label."""
    rows = []
    for s in standings:
        i, ind = s.item, BY_ID[s.item.indicator]
        rows.append([i.id, indicator_name(i.indicator, lang), unit_text(i.unit, court_names, judge_names, lang),
                     fmt.value(ind, i.value_at_creation, lang), fmt.value(ind, s.value_now, lang),
                     status_text(s.status, lang), target_text(i.indicator, i.target, lang), i.due.isoformat(),
                     i.owner or "—", i.meeting, latest_progress(i)])
    return pd.DataFrame(rows, columns=[tr(c, lang) for c in COLUMNS])


def status_style(lang: str = "zh"):
    """A cell style for the status column: the status's colour behind the text that reads best on it."""
    styles = {status_text(s, lang): f"background-color: {c}; color: {status_ink(s)}" for s, c in STATUS_COLORS.items()}
    return lambda label: styles.get(label, "")
