"""The demo's calendar: working days (weekends, 国庆, Spring Festival), and when cases are filed
(growth, weekdays, the Spring Festival dip).
"""
from __future__ import annotations

import numpy as np

from .settings import SPRING_FESTIVAL


def _day(d) -> int:
    return int((np.datetime64(d, "D") - np.datetime64("1970-01-01", "D")).astype(np.int64))


def _year_month(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return m // 12 + 1970, m % 12 + 1


class Calendar:
    """Working days and filing days from START to the end date (and 400 days on)."""

    def _calendar(self) -> None:
        n = self.end - self.lo + 1 + 400
        days = np.arange(self.lo, self.lo + n)
        dow = (days + 3) % 7  # 0 = Monday
        _, month = _year_month(days)
        dom = (days.astype("datetime64[D]") - days.astype("datetime64[D]").astype("datetime64[M]")).astype(np.int64) + 1
        festival = np.full(n, 9999)
        for d in SPRING_FESTIVAL:
            off = days - _day(d)
            festival = np.where(np.abs(off) < np.abs(festival), off, festival)
        holiday = (dow >= 5) | ((month == 10) & (dom <= 7)) | ((festival >= -1) & (festival <= 6))
        idx = np.arange(n)
        self.next_work_tbl = np.minimum.accumulate(np.where(holiday, n - 1, idx)[::-1])[::-1] + self.lo
        prev = np.maximum.accumulate(np.where(holiday, -1, idx))
        self.prev_work_tbl = np.where(prev < 0, idx, prev) + self.lo
        # filing intensity: growth, weekdays, holidays, Spring Festival dip
        years = (days - self.lo) / 365.25
        w = 1.06 ** years * np.where(dow == 5, 0.06, np.where(dow == 6, 0.04, 1.0))
        w *= np.where(holiday & (dow < 5), 0.05, 1.0)
        w *= np.where((festival >= -14) & (festival < -1), 0.8, 1.0)
        w *= np.where((festival > 6) & (festival <= 21), 0.7, 1.0)
        w = w[: self.end - self.lo + 1]
        self.filing_cdf = np.cumsum(w) / w.sum()

    def filing_days(self, n: int) -> np.ndarray:
        return (np.searchsorted(self.filing_cdf, self.rng.random(n), side="right") + self.lo).astype(np.int32)

    def _shift(self, days: np.ndarray, table: np.ndarray) -> np.ndarray:
        i = days.astype(np.int64) - self.lo
        ok = (i >= 0) & (i < len(table))
        return np.where(ok, table[np.clip(i, 0, len(table) - 1)], days).astype(np.int32)

    def next_work(self, days: np.ndarray) -> np.ndarray:
        return self._shift(days, self.next_work_tbl)

    def prev_work(self, days: np.ndarray) -> np.ndarray:
        return self._shift(days, self.prev_work_tbl)

    def nearest_work(self, days: np.ndarray) -> np.ndarray:
        """A weekend or the first days of a holiday go back to the last working day, later days forward."""
        back = self.prev_work(days)
        return np.where(days - back <= 2, back, self.next_work(days))

    def years(self, days: np.ndarray) -> np.ndarray:
        return (days - self.lo) / 365.25
