"""Periods: month, quarter, year; single or cumulative (年初累计); 同比 and 环比 partners."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass


class BadPeriod(ValueError):
    pass


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    kind: str  # "year" | "quarter" | "month"
    year: int
    index: int = 1  # quarter 1-4 or month 1-12; 1 for a year
    cumulative: bool = False
    through: int | None = None  # a period not yet ended on the data date: its last month (to_date)

    @staticmethod
    def parse(text: str, cumulative: bool = False) -> "Period":
        text = (text or "").strip()
        if m := re.fullmatch(r"(\d{4})", text):
            p = Period("year", int(m[1]), 1, cumulative)
        elif m := re.fullmatch(r"(\d{4})[Qq]([1-4])", text):
            p = Period("quarter", int(m[1]), int(m[2]), cumulative)
        elif m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            if not 1 <= int(m[2]) <= 12:
                raise BadPeriod(f"月份无效 / invalid month: {text}")
            p = Period("month", int(m[1]), int(m[2]), cumulative)
        else:
            raise BadPeriod(f"期间格式应为 2025、2025Q3 或 2025-07 / period must look like 2025, 2025Q3 or 2025-07: {text!r}")
        if not 1900 <= p.year <= 2999:
            raise BadPeriod(f"年份超出范围 / year out of range: {text}")
        return p

    @property
    def label(self) -> str:
        if self.kind == "year":
            return f"{self.year}"
        if self.kind == "quarter":
            return f"{self.year}Q{self.index}"
        return f"{self.year}-{self.index:02d}"

    @property
    def own_start(self) -> dt.date:
        """Start of the period itself, ignoring cumulative."""
        if self.kind == "year":
            return dt.date(self.year, 1, 1)
        if self.kind == "quarter":
            return dt.date(self.year, 3 * self.index - 2, 1)
        return dt.date(self.year, self.index, 1)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1) if self.cumulative else self.own_start

    @property
    def full_end(self) -> dt.date:
        """End of the period as named, whether or not it has ended."""
        if self.kind == "year":
            return dt.date(self.year, 12, 31)
        if self.kind == "quarter":
            return _month_end(self.year, 3 * self.index)
        return _month_end(self.year, self.index)

    @property
    def end(self) -> dt.date:
        return self.full_end if self.through is None else min(self.full_end, _month_end(self.year, self.through))

    def to_date(self, day: dt.date | None) -> "Period":
        """The period computed up to the last whole month of data when it has not ended by `day`
        (the data date): on 2026-09-30 the year 2026 is January–September, on 2026-09-15
        January–August, compared with the same months a year earlier; no stock is taken on a day
        after the data. Unchanged when it has ended, or when no whole month of it has passed
        (the figures are kept by month)."""
        if day is None or not (self.start <= day < self.full_end):
            return self
        last = day.month if day == _month_end(day.year, day.month) else day.month - 1
        if day.year != self.year or last < self.start.month:
            return self
        return Period(self.kind, self.year, self.index, self.cumulative, last)

    def months(self) -> list["Period"]:
        """Calendar months from start to end, each a single period."""
        out, d = [], self.start
        while d <= self.end:
            out.append(Period("month", d.year, d.month))
            d = _month_end(d.year, d.month) + dt.timedelta(days=1)
        return out

    def quarters(self) -> list["Period"]:
        seen: list[Period] = []
        for m in self.months():
            q = Period("quarter", m.year, (m.index - 1) // 3 + 1).to_date(self.end)
            if q not in seen:
                seen.append(q)
        return seen

    def year_ago(self) -> "Period":
        """同比: the same period a year earlier (cumulative against cumulative)."""
        return Period(self.kind, self.year - 1, self.index, self.cumulative, self.through)

    def previous(self) -> "Period | None":
        """环比: the previous period of the same length; none for cumulative periods, for a year
        (its previous period is its 同比) and for a period not yet ended."""
        if self.cumulative or self.kind == "year" or self.through is not None:
            return None
        if self.kind == "year":
            return Period("year", self.year - 1)
        n = 4 if self.kind == "quarter" else 12
        if self.index == 1:
            return Period(self.kind, self.year - 1, n)
        return Period(self.kind, self.year, self.index - 1)

    def describe(self, lang: str = "zh") -> str:
        """Human label: 2025年前三季度 / 2025 Q1–Q3 (cumulative); a period not yet ended by its months."""
        if self.through is not None:
            first, last = self.start.month, self.end.month
            if lang == "zh":
                return f"{self.year}年{first}月" if first == last else f"{self.year}年{first}—{last}月"
            names = [dt.date(2000, m, 1).strftime("%b") for m in (first, last)]
            return f"{names[0]} {self.year}" if first == last else f"{self.year} {names[0]}–{names[1]}"
        if lang == "zh":
            if self.kind == "year":
                return f"{self.year}年"
            if self.kind == "quarter":
                if self.cumulative and self.index > 1:  # 上半年, 前三季度, 全年 (as a report says it)
                    return f"{self.year}年{['', '上半年', '前三季度', '全年'][self.index - 1]}"
                return f"{self.year}年第{'一二三四'[self.index - 1]}季度"
            if self.cumulative and self.index > 1:
                return f"{self.year}年1—{self.index}月"
            return f"{self.year}年{self.index}月"
        if self.kind == "year":
            return f"{self.year}"
        if self.kind == "quarter":
            if self.cumulative and self.index > 1:
                return f"{self.year} H1" if self.index == 2 else f"{self.year} Q1–Q{self.index}"
            return f"{self.year} Q{self.index}"
        name = dt.date(2000, self.index, 1).strftime("%b")
        return f"{self.year} Jan–{name}" if self.cumulative and self.index > 1 else f"{name} {self.year}"


def period_options(kind: str, first_year: int, data_date: dt.date) -> list[str]:
    """Periods of a kind that have ended by the data date, newest first (the current one included)."""
    out = []
    for year in range(data_date.year, first_year - 1, -1):
        if kind == "year":
            out.append(str(year))
        elif kind == "quarter":
            out += [f"{year}Q{q}" for q in range(4, 0, -1) if dt.date(year, 3 * q - 2, 1) <= data_date]
        else:
            out += [f"{year}-{m:02d}" for m in range(12, 0, -1) if dt.date(year, m, 1) <= data_date]
    return out
