"""Chinese number conventions, one place: 96.52%, 提高1.20个百分点, 12,345件, 1 : 1.35."""
from __future__ import annotations

import math

from metrics.catalogue import Format, Indicator


def missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def value(ind: Indicator, v, lang: str = "zh") -> str:
    """An indicator's value as the meeting reads it, in the format the catalogue declares; "—" when none."""
    if missing(v):
        return "—"
    zh = lang == "zh"
    f = ind.format
    if f is Format.PERCENT:
        return f"{v * 100:.2f}%"
    if f is Format.ONE_TO_X:
        return f"1 : {v:.2f}"
    if f is Format.COUNT:
        return f"{int(v):,}件" if zh else f"{int(v):,}"
    if f is Format.DAYS:
        return f"{v:.1f}天" if zh else f"{v:.1f} days"
    if f is Format.CASES_DECIMAL:
        return f"{v:.1f}件" if zh else f"{v:.1f}"
    if f is Format.PER10K:
        return f"{v:.2f}件/万人" if zh else f"{v:.2f} per 10k"
    if f is Format.PER10K_CLOSED:
        return f"{v:.1f}件/万件" if zh else f"{v:.1f} per 10k"  # hundreds: a tenth is enough, and it fits a card
    if f is Format.RATIO:
        return f"{v:.3f}"
    return f"{v:.2f}"


def change(ind: Indicator, c, lang: str = "zh") -> str:
    """同比/环比 change: 提高1.20个百分点 / 下降3.5% (rates in points, the rest relative)."""
    if missing(c):
        return "—"
    if ind.is_rate:
        if lang == "zh":
            return "持平" if abs(c) < 0.005 else f"{'提高' if c > 0 else '下降'}{abs(c):.2f}个百分点"
        return "flat" if abs(c) < 0.005 else f"{c:+.2f} pp"
    if lang == "zh":
        return "持平" if abs(c) < 0.0005 else f"{'上升' if c > 0 else '下降'}{abs(c) * 100:.1f}%"
    return "flat" if abs(c) < 0.0005 else f"{c * 100:+.1f}%"


def count(n, lang: str = "zh") -> str:
    return "—" if missing(n) else (f"{int(n):,}件" if lang == "zh" else f"{int(n):,}")


def signed_change(ind: Indicator, c, lang: str = "zh") -> str | None:
    """The change with its sign first (+1.20个百分点, -3.5%), as st.metric reads a delta's direction."""
    if missing(c):
        return None
    if ind.is_rate:
        return f"{c:+.2f}个百分点" if lang == "zh" else f"{c:+.2f} pp"
    return f"{c * 100:+.1f}%"


def signed(v: float, digits: int = 2, grouping: bool = False) -> str:
    """A signed figure (+1.20, -3.50); one that rounds to zero is written 0.00, never "-0.00"."""
    spec = f"{',' if grouping else ''}.{digits}f"
    if round(v, digits) == 0:
        return format(0.0, spec)
    return format(v, "+" + spec)


def is_flat(ind: Indicator, c) -> bool:
    """A change that signed_change writes as zero."""
    return not missing(c) and (round(c, 2) == 0 if ind.is_rate else round(c * 100, 1) == 0)


def percent(v) -> str:
    """A share as 87.50% ("—" when none)."""
    return "—" if missing(v) else f"{v * 100:.2f}%"


def excel(ind: Indicator, lang: str = "zh") -> str:
    """The Excel number format that shows a value as value() writes it, the cell keeping the number."""
    zh = lang == "zh"
    return {
        Format.PERCENT: "0.00%",
        Format.ONE_TO_X: '"1 : "0.00',
        Format.COUNT: '#,##0"件"' if zh else "#,##0",
        Format.DAYS: '0.0"天"' if zh else '0.0" days"',
        Format.CASES_DECIMAL: '#,##0.0"件"' if zh else "#,##0.0",
        Format.PER10K: '0.00"件/万人"' if zh else '0.00" per 10k"',
        Format.PER10K_CLOSED: '0.0"件/万件"' if zh else '0.0" per 10k"',
        Format.RATIO: "0.000",
    }.get(ind.format, "0.00")


def excel_change(ind: Indicator, lang: str = "zh") -> str:
    """The Excel format of a 同比/环比 change: rates in percentage points, the rest relative."""
    if ind.is_rate:
        return '+0.00"个百分点";-0.00"个百分点";0.00' if lang == "zh" else '+0.00" pp";-0.00" pp";0.00'
    return "+0.0%;-0.0%;0.0%"


def excel_value(ind: Indicator, v):
    """A value as stored in Excel: rates as the fraction the % format shows ×100, blanks empty."""
    return None if missing(v) else float(v)


def excel_change_value(ind: Indicator, c):
    """A change as stored: points for rates (shown as 个百分点), a fraction otherwise (shown as %)."""
    return None if missing(c) else float(c)

