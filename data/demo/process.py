"""Case lives in the demo province: filing, closing (with limits, extensions, deducted days,
简转普), appeals, remands, petitions and retrials; judgments → enforcement → resumed enforcement,
objections and reviews; pre-filing mediation. Each batch (all cases of one type from one source)
is numpy arrays, drawn after its parents.
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from .days import _day, _year_month
from .province import Province
from .settings import (ADMIN_BASIC, ADMIN_CAUSES, ADMIN_PER_CIVIL, CA, CAUSE_MEDIATION, CIVIL_CAUSES, CONVERSIONS,
    CRIMINAL_CAUSES, CRIMINAL_PER_CIVIL, DIV_PREMEDIATION, ENFORCEMENT_ROOTS_PER_CIVIL, EXTENSION, LIMIT, ME, NA, PR,
    PREMEDIATION_PER_CIVIL, START, TY, TYPES)


class Batch(dict):
    """Columns of one batch of cases (numpy arrays of equal length)."""

    @property
    def n(self) -> int:
        return len(self["id"])



class CaseProcess(Province):
    """Case lives drawn batch by batch, children after their parents."""

    def __init__(self, seed: int, end: dt.date):
        super().__init__(seed, end)
        self.batches: list[Batch] = []
        self.next_id = 0
        self.petitioned: list[tuple[Batch, float, tuple[str, ...]]] = []  # decisions petitions were drawn on
        self.retrial_share = 0.08  # 裁定再审 of a petition (× the judge's reversal factor)
        self.retrial_outcomes = [0.35, 0.35, 0.10, 0.10, 0.05, None]  # 维持 改判 发回重审 调解 撤诉 (其他)

    # ---- helpers ----------------------------------------------------------------------------

    def choose(self, n: int, probs: list) -> np.ndarray:
        """One category per case from per-case (or scalar) probabilities; the last takes the rest."""
        u = self.rng.random(n)
        acc = np.zeros(n)
        out = np.zeros(n, np.int8)
        for p in probs[:-1]:
            acc = acc + p
            out += u >= acc
        return out

    def causes(self, table: list, n: int) -> np.ndarray:
        w = np.array([c[1] for c in table], np.float64)
        idx = np.array([CA[c[0]] for c in table], np.int16)
        return idx[np.searchsorted(np.cumsum(w) / w.sum(), self.rng.random(n), side="right").clip(0, len(w) - 1)]

    def new_batch(self, ctype: str, court, division, filed, origin=None, cause=None, fi_judge=None) -> Batch:
        n = len(filed)
        ids = np.arange(self.next_id, self.next_id + n, dtype=np.int32)
        self.next_id += n
        judge = self.pick_judges(np.asarray(court), np.asarray(division))
        b = Batch(
            id=ids, ctype=np.full(n, TY[ctype], np.int8), judge=judge,
            court=np.asarray(court, np.int16), filed=np.asarray(filed, np.int32),
            origin=np.full(n, NA, np.int32) if origin is None else np.asarray(origin, np.int32),
            cause=np.full(n, NA, np.int16) if cause is None else np.asarray(cause, np.int16),
            fi_judge=judge.copy() if fi_judge is None else np.asarray(fi_judge, np.int16),
            proc=np.zeros(n, np.int8), method=np.full(n, NA, np.int8), closed=np.full(n, NA, np.int32),
            ext=np.zeros(n, np.int16), ded=np.zeros(n, np.int16), hearing=np.zeros(n, bool),
            recv=np.full(n, NA, np.int32), trans=np.full(n, NA, np.int32),
            applied=np.zeros(n), recovered=np.zeros(n), assets=np.zeros(n, bool),
        )
        self.batches.append(b)
        return b

    def speed(self, b: Batch) -> np.ndarray:
        c = b["court"]
        return self.c_speed[c] * self.j_speed[b["judge"]] * np.exp(self.tr_speed[c] * self.years(b["filed"]))

    def gamma(self, mean: np.ndarray, shape: float) -> np.ndarray:
        """Gamma-distributed days with the given (per-case) means."""
        return self.rng.gamma(shape, 1.0, len(mean)) * (mean / shape)

    def long_tail(self, b: Batch, dur: np.ndarray, p_tail: float) -> np.ndarray:
        rng, n = self.rng, len(dur)
        tail = rng.random(n) < p_tail
        dur = np.where(tail, np.maximum(dur, 120 + rng.gamma(1.3, 330.0, n)), dur)
        backlog = self.j_backlog[b["judge"]] & (rng.random(n) < 0.45)
        return np.where(backlog, 450 + rng.gamma(1.5, 400.0, n), dur)

    def settle(self, b: Batch, dur: np.ndarray, ded: np.ndarray | None = None) -> None:
        """Closing dates from durations: December rush, working days, pending after `end`,
        procedure conversion and approved extensions."""
        rng, n = self.rng, b.n
        filed = b["filed"]
        ded = np.zeros(n, np.int32) if ded is None else ded.astype(np.int32)
        close = filed + np.rint(np.maximum(dur, 0)).astype(np.int32) + ded
        close = self.clear_backlog(b, close, ded)
        close = self.keep_summary(b, close, ded)
        # December rush: part of what would close by mid-February is closed in late December
        jan1 = close.astype("datetime64[D]").astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
        dec31 = (jan1 - 1).astype(np.int32)
        pulled = np.maximum(dec31 - rng.integers(0, 21, n), filed)
        rush = ((close - dec31) <= 46) & (dec31 >= filed) & (pulled <= self.end) & (
            rng.random(n) < self.c_rush[b["court"]])
        close = np.where(rush, pulled, close)
        close = np.maximum(self.nearest_work(close), filed)
        pending = close > self.end
        b["closed"] = np.where(pending, NA, close).astype(np.int32)
        b["method"] = np.where(pending, NA, b["method"]).astype(np.int8)
        ded = np.minimum(ded, np.maximum(np.where(pending, self.end, close) - filed, 0))
        b["ded"] = ded.astype(np.int16)
        elapsed = np.where(pending, self.end, close) - filed - ded
        ct = b["ctype"]
        proc = b["proc"]
        chain = CONVERSIONS.get(int(ct[0])) if n else None
        b["init_proc"] = proc.copy()
        if chain:
            u = rng.random(n)
            for i, (p, lim) in enumerate(chain[:-1]):
                target = np.full(n, PR[chain[-1][0]], np.int8)
                for p2, lim2 in reversed(chain[i + 1:-1]):
                    target = np.where(elapsed <= lim2, PR[p2], target).astype(np.int8)
                grow = (proc == PR[p]) & (elapsed > lim) & (u < 0.88)
                proc = np.where(grow, target, proc).astype(np.int8)
            b["proc"] = proc
        over = elapsed > LIMIT[ct, proc]
        extend = over & (rng.random(n) < self.c_extend[b["court"]])
        b["ext"] = np.where(extend, EXTENSION[ct, proc], 0).astype(np.int16)

    def clear_backlog(self, b: Batch, close: np.ndarray, ded: np.ndarray) -> np.ndarray:
        """年初积案: a case over 12 months old and still open at a year's end is, with the
        court's clearing share, closed in the following months of that year instead."""
        filed, n = b["filed"], b.n
        c = b["court"]
        for year in range(START.year + 1, int(_year_month(np.array([self.end]))[0][0]) + 1):
            d0 = _day(dt.date(year - 1, 12, 31))
            old = (filed + ded + 366 <= d0) & (close > d0)
            cleared = old & (self.rng_v2.random(n) < self.c_clearing[c])
            # the better a court clears, the earlier in the year it does
            days = self.rng_v2.uniform(20, 120 + 240 * (1 - self.c_clearing[c]), n)
            close = np.where(cleared, np.minimum(close, d0 + days.astype(np.int32)), close)
        return close

    def keep_summary(self, b: Batch, close: np.ndarray, ded: np.ndarray) -> np.ndarray:
        """Most summary civil cases that would outgrow 90 days (but not 180) are closed in time
        instead; the court's share c_convert goes on to turn ordinary (简转普) below."""
        if not b.n or b["ctype"][0] != TY["民初"]:
            return close
        summary = np.isin(b["proc"], [PR["简易程序"], PR["小额诉讼程序"]])
        n = b.n
        elapsed = close - b["filed"] - ded  # those that would overrun even an ordinary limit still turn ordinary
        outgrow = summary & (elapsed > 90) & (elapsed <= 180) & (self.rng_v2.random(n) >= self.c_convert[b["court"]])
        return np.where(outgrow, b["filed"] + ded + self.rng_v2.integers(40, 86, n), close).astype(np.int32)

    def closed_with(self, b: Batch, *methods: str) -> np.ndarray:
        return (b["closed"] != NA) & np.isin(b["method"], [ME[m] for m in methods])

    def after(self, days: np.ndarray, lo: int, hi: int) -> np.ndarray:
        """Next working day of `days` + a uniform delay in [lo, hi]."""
        return self.next_work(days + self.rng.integers(lo, hi + 1, len(days)))

    # ---- case types -------------------------------------------------------------------------

    def first_instance(self, ctype: str, court, filed, origin=None, cause=None, division=None) -> Batch:
        """民初 / 刑初 / 行初 roots (origin None) or remands (origin = the appeal or retrial)."""
        rng = self.rng
        court = np.asarray(court, np.int16)
        n = len(court)
        remand = origin is not None
        basic = self.level[court] == 2
        fresh = basic & (not remand)  # a basic court's new case (remands and higher courts: 普通程序)
        if ctype == "民初":
            cause = self.causes(CIVIL_CAUSES, n) if cause is None else cause
            proc = np.array([PR["简易程序"], PR["普通程序"], PR["小额诉讼程序"]], np.int8)[self.choose(n, [0.60, 0.22, 0.18])]
            proc = np.where(fresh, proc, PR["普通程序"]).astype(np.int8)
            if division is None:
                division = self.civil_division(cause)
                u = rng.random(n)
                has_trib = self.trib_count[court] > 0
                # u < 0.3 goes to a tribunal; u / 0.3 spreads those over all of the court's tribunals
                trib = self.trib_flat[self.trib_start[court] + (u / 0.3 * self.trib_count[court]).astype(np.int64)
                                      .clip(0, np.maximum(self.trib_count[court] - 1, 0))]
                division = np.where(basic & has_trib & (u < 0.3), trib, division)
                quick = basic & (proc == PR["小额诉讼程序"]) & (rng.random(n) < 0.1)
                division = np.where(quick, self.dv[DIV_PREMEDIATION], division).astype(np.int16)
        elif ctype == "刑初":
            cause = self.causes(CRIMINAL_CAUSES, n) if cause is None else cause
            proc = np.array([PR["速裁程序"], PR["简易程序"], PR["普通程序"]], np.int8)[self.choose(n, [0.35, 0.35, 0.30])]
            proc = np.where(fresh, proc, PR["普通程序"]).astype(np.int8)
            division = np.full(n, self.dv["刑事审判庭"], np.int16) if division is None else division
        else:
            cause = self.causes(ADMIN_CAUSES, n) if cause is None else cause
            proc = np.where(fresh & (rng.random(n) < 0.25), PR["简易程序"], PR["普通程序"]).astype(np.int8)
            division = np.full(n, self.dv["行政庭"], np.int16) if division is None else division
        b = self.new_batch(ctype, court, division, filed, origin, cause)
        b["proc"] = proc
        t = self.years(b["filed"])
        c, j = b["court"], b["judge"]
        if ctype == "民初":
            med = 0.25 * self.c_med[c] * np.exp(self.tr_med[c] * t) * self.j_med[j] * CAUSE_MEDIATION[cause]
            med = np.clip(med * (0.6 if remand else 1.0) * np.where(basic, 1.0, 0.6), 0.03, 0.6)
            order = ["调解", "撤诉", "驳回起诉", "移送", "其他", "判决"]
            pick = self.choose(n, [med, 0.22, 0.03, 0.0 if remand else 0.015, 0.025, None])
            base = np.select([proc == PR["简易程序"], proc == PR["普通程序"]], [76.0, 118.0], 34.0)
            shape, p_tail = 1.8, 0.02
            p_ded = np.select([proc == PR["普通程序"], proc == PR["简易程序"]], [0.15, 0.03], 0.0)
        elif ctype == "刑初":
            order = ["撤诉", "调解", "移送", "驳回起诉", "其他", "判决"]
            pick = self.choose(n, [0.025, 0.005, 0.01, 0.005, 0.025, None])
            base = np.select([proc == PR["速裁程序"], proc == PR["简易程序"]], [6.0, 12.0], 34.0)
            shape, p_tail = 3.0, 0.004
            p_ded = np.where(proc == PR["普通程序"], 0.05, 0.0)
        else:
            order = ["撤诉", "驳回起诉", "调解", "移送", "其他", "判决"]
            pick = self.choose(n, [0.25, 0.17, 0.02, 0.01, 0.05, None])
            base = np.where(proc == PR["简易程序"], 30.0, 95.0)
            shape, p_tail = 2.0, 0.02
            p_ded = np.where(proc == PR["普通程序"], 0.05, 0.0)
        method = np.array([ME[m] for m in order], np.int8)[pick]
        b["method"] = method
        factor = np.select([method == ME["撤诉"], method == ME["调解"], method == ME["判决"]], [0.5, 0.75, 1.15], 0.9)
        dur = self.long_tail(b, self.gamma(base * factor * self.speed(b), shape), p_tail)
        ded = np.where(rng.random(n) < p_ded, rng.integers(15, 91, n), 0)
        heard = np.isin(method, [ME["判决"], ME["调解"]])
        p_hear = 0.97 if ctype == "刑初" else np.where(heard, 0.92, 0.3)
        b["hearing"] = rng.random(n) < p_hear
        self.settle(b, dur, ded)
        return b

    def appeals(self, b: Batch) -> Batch | None:
        """Appeals of first-instance judgments, at the court above; marks the first instance."""
        rng = self.rng
        n = b.n
        if not n:
            return None
        ctype = TYPES[b["ctype"][0]]
        base = {"民初": 0.10, "刑初": 0.07, "行初": 0.28}[ctype]
        c = b["court"]
        higher = 2.5 if ctype == "民初" else 1.5  # first instances at an intermediate court are appealed more
        p = base * self.c_appeal[c] * np.where(self.level[c] == 2, 1.0, higher) * np.sqrt(self.j_rev[b["judge"]])
        appealed = self.closed_with(b, "判决") & (rng.random(n) < p) & (self.parent[c] >= 0)
        recv = b["closed"] + rng.integers(5, 16, n)
        appealed &= recv <= self.end
        delay = np.rint(rng.gamma(3.0, 1.0, n) * self.c_transfer[c] / 3.0)
        delay = np.clip(delay, 5, np.where(self.c_transfer[c] > 20, 75, 40))
        trans = self.next_work(recv + delay.astype(np.int32))
        sent = appealed & (trans <= self.end)
        b["recv"] = np.where(appealed, recv, NA).astype(np.int32)
        b["trans"] = np.where(sent, trans, NA).astype(np.int32)
        filed = self.next_work(trans + rng.integers(1, 8, n))
        m = sent & (filed <= self.end)
        court, origin, cause, fi = self.parent[c[m]], b["id"][m], b["cause"][m], b["judge"][m]
        return self.appeal(ctype.replace("初", "终"), court, filed[m], origin, cause, fi)

    def appeal(self, ctype: str, court, filed, origin, cause, fi_judge) -> Batch:
        rng = self.rng
        n = len(court)
        high = self.level[court] == 0
        if ctype == "民终":
            division = np.where(high, self.dv["民一庭"], self.civil_division(cause))
            division = np.where(~high & (rng.random(n) < 0.15), self.dv["立案庭"], division).astype(np.int16)
        else:
            division = np.full(n, self.dv["刑事审判庭" if ctype == "刑终" else "行政庭"], np.int16)
        b = self.new_batch(ctype, court, division, filed, origin, cause, fi_judge)
        b["proc"][:] = PR["第二审程序"]
        fc = self.j_court[fi_judge]
        q = (self.j_rev[fi_judge] * self.c_rev[fc] * np.exp(self.tr_rev[fc] * self.years(b["filed"]))
             * self.c_strict[court])
        order = ["改判", "发回重审", "调解", "撤诉", "其他", "维持"]
        if ctype == "民终":
            probs = [0.055 * q, 0.025 * q, 0.06, 0.10, 0.01, None]
        elif ctype == "刑终":
            probs = [0.06 * q, 0.02 * q, 0.0, 0.08, 0.01, None]
        else:
            probs = [0.04 * q, 0.03 * q, 0.005, 0.10, 0.01, None]
        method = np.array([ME[m] for m in order], np.int8)[self.choose(n, probs)]
        b["method"] = method
        factor = np.select([method == ME["撤诉"], np.isin(method, [ME["改判"], ME["发回重审"]])], [0.5, 1.25], 1.0)
        mean = 34.0 if ctype == "刑终" else 62.0
        dur = self.long_tail(b, self.gamma(mean * factor * self.speed(b), 2.5), 0.01)
        ded = np.where(rng.random(n) < 0.03, rng.integers(15, 61, n), 0)
        p_hear = self.c_hearing[court] * (0.7 if ctype == "刑终" else 1.0) * np.where(method == ME["撤诉"], 0.3, 1.0)
        b["hearing"] = rng.random(n) < p_hear
        self.settle(b, dur, ded)
        return b

    def remands(self, b: Batch) -> Batch | None:
        """发回重审 (of an appeal or retrial) → a new first instance at the original court."""
        m = self.closed_with(b, "发回重审")
        filed = self.after(b["closed"], 7, 30)
        m &= filed <= self.end
        if not m.any():
            return None
        fi = b["fi_judge"][m]
        ctype = TYPES[b["ctype"][0]][0] + "初"
        return self.first_instance(ctype, self.j_court[fi], filed[m], b["id"][m], b["cause"][m], self.j_div[fi])

    def petitions(self, b: Batch, rate: float, *methods: str) -> Batch | None:
        """民申 at the court above the one that decided `b` (closed with one of `methods`)."""
        rng = self.rng
        c = b["court"]
        m = self.closed_with(b, *methods) & (b["recv"] == NA) & (self.parent[c] >= 0) & (rng.random(b.n) < rate)
        filed = self.after(b["closed"], 20, 180)
        before = b.get("petitioned", np.zeros(b.n, bool))  # a decision is petitioned against once
        m &= (filed <= self.end) & ~before
        b["petitioned"] = before | m
        self.petitioned.append((b, rate, methods))
        if not m.any():
            return None
        court = self.parent[c[m]]
        n = int(m.sum())
        fi = b["fi_judge"][m]
        p = self.new_batch("民申", court, np.full(n, self.dv["审判监督庭"], np.int16), filed[m], b["id"][m],
                           b["cause"][m], fi)
        p["proc"][:] = PR["审查程序"]
        retrial = self.retrial_share * np.sqrt(self.j_rev[fi])
        p["method"] = np.array([ME[x] for x in ["裁定再审", "撤诉", "其他", "驳回申请"]], np.int8)[
            self.choose(n, [retrial, 0.10, 0.04, None])]
        p["hearing"] = rng.random(n) < 0.1
        self.settle(p, self.long_tail(p, self.gamma(55.0 * self.speed(p), 2.5), 0.01))
        return p

    def retrials(self, p: Batch | None) -> Batch | None:
        if p is None:
            return None
        m = self.closed_with(p, "裁定再审")
        filed = self.after(p["closed"], 5, 30)
        m &= filed <= self.end
        if not m.any():
            return None
        n = int(m.sum())
        r = self.new_batch("民再", p["court"][m], np.full(n, self.dv["审判监督庭"], np.int16), filed[m], p["id"][m],
                           p["cause"][m], p["fi_judge"][m])
        r["proc"][:] = PR["再审程序"]
        order = ["维持", "改判", "发回重审", "调解", "撤诉", "其他"]
        r["method"] = np.array([ME[x] for x in order], np.int8)[self.choose(n, self.retrial_outcomes)]
        r["hearing"] = self.rng.random(n) < 0.85
        self.settle(r, self.long_tail(r, self.gamma(110.0 * self.speed(r), 2.5), 0.01))
        return r

    def enforcement_sources(self, b: Batch, at_first_court: bool, *methods: str) -> tuple:
        """(court, filed, origin, cause) of 执 cases applied for on judgments in `b`."""
        rng = self.rng
        court = self.j_court[b["fi_judge"]] if at_first_court else b["court"]
        m = self.closed_with(b, *methods) & (b["recv"] == NA) & (rng.random(b.n) < 0.35 * self.c_enf[court])
        filed = self.after(b["closed"], 20, 150)
        m &= filed <= self.end
        return court[m], filed[m], b["id"][m], b["cause"][m]

    def _enforcement_outcome(self, b: Batch) -> None:
        rng, n = self.rng, b.n
        c = b["court"]
        zb = self.c_zb[c] * np.exp(self.tr_zb[c] * self.years(b["filed"]))
        assets = b["assets"]
        done = np.where(assets, 0.72, 0.05)
        stop = np.where(assets, 0.08, 0.78)
        moved = np.clip(stop * (zb - 1), -0.5 * stop, done - 0.03)
        done, stop = done - moved, stop + moved
        order = ["执行完毕", "终本", "终结执行", "不予执行", "驳回申请", "销案", "其他"]
        method = np.array([ME[m] for m in order], np.int8)[
            self.choose(n, [done, stop, np.where(assets, 0.11, 0.08), 0.01, 0.01, 0.03, None])]
        b["method"] = method
        speed = self.speed(b)
        dur = np.select(
            [method == ME["执行完毕"], method == ME["终本"], method == ME["终结执行"]],
            [self.gamma(100.0 * speed, 1.3), 70 + self.gamma(90.0 * speed, 2.0), self.gamma(110.0 * speed, 1.3)],
            self.gamma(30.0 * speed, 1.5),
        )
        self.settle(b, self.long_tail(b, dur, 0.04))
        applied = b["applied"]
        share = np.select(
            [method == ME["执行完毕"], method == ME["终本"], method == ME["终结执行"], method == ME["其他"]],
            [np.ones(n), rng.uniform(0.02, 0.4, n) * (rng.random(n) < 0.5),
             rng.uniform(0, 0.8, n) * (rng.random(n) < 0.6), rng.uniform(0, 0.3, n)],
            0.0,
        )
        share = np.where(b["closed"] == NA, rng.uniform(0, 0.5, n) * (rng.random(n) < 0.4), share)
        b["recovered"] = np.round(applied * share, 2)

    def enforcement(self, court, filed, origin, cause) -> Batch:
        rng = self.rng
        n = len(court)
        b = self.new_batch("执", court, np.full(n, self.dv["执行局"], np.int16), filed, origin, cause)
        b["proc"][:] = PR["执行程序"]
        b["assets"] = rng.random(n) < self.c_assets[b["court"]]
        scale = np.where(self.level[b["court"]] == 2, 1.0, 12.0)
        b["applied"] = np.round(np.maximum(np.exp(rng.normal(np.log(50_000), 1.25, n)) * scale, 100.0), 2)
        self._enforcement_outcome(b)
        return b

    def resumed(self, e: Batch) -> Batch | None:
        """执恢 on some 终本 cases."""
        rng = self.rng
        m = self.closed_with(e, "终本") & (rng.random(e.n) < 0.15)
        filed = self.after(e["closed"], 60, 540)
        m &= filed <= self.end
        if not m.any():
            return None
        n = int(m.sum())
        b = self.new_batch("执恢", e["court"][m], np.full(n, self.dv["执行局"], np.int16), filed[m], e["id"][m],
                           e["cause"][m])
        b["proc"][:] = PR["执行程序"]
        b["assets"] = rng.random(n) < 0.6
        b["applied"] = np.round(np.maximum(e["applied"][m] - e["recovered"][m], 100.0), 2)
        self._enforcement_outcome(b)
        return b

    def objections(self, e: Batch) -> Batch | None:
        """执异 during some enforcements, and 执复 at the court above on some of their rulings."""
        rng = self.rng
        filed = self.after(e["filed"], 10, 150)
        m = (rng.random(e.n) < 0.03) & (filed <= self.end) & ((e["closed"] == NA) | (filed <= e["closed"]))
        if not m.any():
            return None
        n = int(m.sum())
        o = self.new_batch("执异", e["court"][m], np.full(n, self.dv["执行局"], np.int16), filed[m], e["id"][m],
                           np.full(n, CA["执行异议"], np.int16))
        o["proc"][:] = PR["审查程序"]
        o["method"] = np.array([ME[x] for x in ["驳回", "支持", "撤诉", "其他"]], np.int8)[
            self.choose(n, [0.62, 0.20, 0.13, None])]
        self.settle(o, self.long_tail(o, self.gamma(8.0 * self.speed(o), 3.5), 0.01))
        filed = self.after(o["closed"], 10, 25)
        m = self.closed_with(o, "驳回", "支持") & (self.parent[o["court"]] >= 0) & (rng.random(n) < 0.25)
        m &= filed <= self.end
        if m.any():
            k = int(m.sum())
            r = self.new_batch("执复", self.parent[o["court"][m]], np.full(k, self.dv["执行局"], np.int16), filed[m],
                               o["id"][m], np.full(k, CA["执行复议"], np.int16))
            r["proc"][:] = PR["审查程序"]
            r["method"] = np.array([ME[x] for x in ["驳回", "支持", "撤诉", "其他"]], np.int8)[
                self.choose(k, [0.75, 0.15, 0.07, None])]
            self.settle(r, self.long_tail(r, self.gamma(17.0 * self.speed(r), 3.5), 0.01))
        return o

    def premediation(self, court, filed) -> Batch:
        n = len(court)
        b = self.new_batch("民诉前调", court, np.full(n, self.dv[DIV_PREMEDIATION], np.int16), filed,
                           cause=self.causes(CIVIL_CAUSES, n))
        b["proc"][:] = PR["诉前调解"]
        c = b["court"]
        success = np.clip(self.c_pm_success[c] * np.exp(0.5 * self.tr_med[c] * self.years(b["filed"])), 0.3, 0.85)
        b["method"] = np.array([ME[x] for x in ["调解成功", "撤诉", "调解不成"]], np.int8)[
            self.choose(n, [success, (1 - success) * 0.2, None])]
        factor = np.where(b["method"] == ME["调解成功"], 0.85, 1.15)
        self.settle(b, self.long_tail(b, self.gamma(22.0 * factor * self.speed(b), 2.2), 0.003))
        return b

    # ---- the whole province -----------------------------------------------------------------

    def roots(self, n: int, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(court, filed) of n root cases spread over courts by `weights`."""
        p = weights / weights.sum()
        court = np.searchsorted(np.cumsum(p), self.rng.random(n), side="right").clip(0, len(p) - 1)
        return court.astype(np.int16), self.filing_days(n)

    def run(self, civil_roots: int, say) -> None:
        basic = self.level == 2
        inter = self.level == 1
        pop = self.population
        city_pop = np.zeros(len(pop))
        np.add.at(city_pop, np.maximum(self.parent, 0), pop)
        say(2, "生成一审、上诉与再审案件 first-instance, appeal and retrial cases")
        w = np.where(basic, pop * self.c_volume, 0.0)
        w = w / w.sum() * 0.98 + np.where(inter, city_pop / city_pop[inter].sum() * 0.02, 0.0)
        queue = [self.first_instance("民初", *self.roots(civil_roots, w))]
        wc = np.where(basic, pop * self.c_volume, 0.0)
        wc = wc / wc.sum() * 0.97 + np.where(inter, city_pop / city_pop[inter].sum() * 0.03, 0.0)
        queue.append(self.first_instance("刑初", *self.roots(round(civil_roots * CRIMINAL_PER_CIVIL), wc)))
        admin_basic = np.isin(self.court_codes, list(ADMIN_BASIC))
        city_of = np.where(basic, self.parent, -1)
        wa = np.zeros(len(pop))
        for c in np.flatnonzero(admin_basic):  # an admin court serves its whole city (集中管辖)
            wa[c] = city_pop[city_of[c]] / admin_basic[city_of == city_of[c]].sum()
        wa = wa / wa.sum() * 0.8 + np.where(inter, city_pop / city_pop[inter].sum() * 0.2, 0.0)
        queue.append(self.first_instance("行初", *self.roots(round(civil_roots * ADMIN_PER_CIVIL), wa)))
        wp = np.where(basic, pop * self.c_volume * self.c_pm_volume, 0.0)
        self.premediation(*self.roots(round(civil_roots * PREMEDIATION_PER_CIVIL), wp))
        sources = self.follow(queue)
        say(3, "生成执行案件 enforcement cases")
        we = np.where(basic, pop * self.c_volume, 0.0)
        we = we / we.sum() * 0.9 + np.where(inter, city_pop / city_pop[inter].sum() * 0.1, 0.0)
        court, filed = self.roots(round(civil_roots * ENFORCEMENT_ROOTS_PER_CIVIL), we)
        cause = self.causes([c for c in CIVIL_CAUSES if c[2] == 2], len(court))
        sources.append((court, filed, np.full(len(court), NA, np.int32), cause))
        self.enforce(sources)
        self.more_retrials()

    def follow(self, queue: list) -> list:
        """First instances in `queue` and all that follows them (appeals, remands, petitions,
        retrials), children after their parents; returns the enforcement sources they give."""
        sources = []
        while queue:
            fi = queue.pop(0)
            civil = TYPES[fi["ctype"][0]] == "民初"
            appeal = self.appeals(fi)
            retrials = []
            if civil:
                sources.append(self.enforcement_sources(fi, False, "判决", "调解"))
                retrials.append(self.retrials(self.petitions(fi, 0.006, "判决")))
            if appeal is not None:
                queue.append(self.remands(appeal))
                if civil:
                    sources.append(self.enforcement_sources(appeal, True, "维持", "改判", "调解"))
                    retrials.append(self.retrials(self.petitions(appeal, 0.04, "维持", "改判", "调解")))
            for r in retrials:
                if r is not None:
                    sources.append(self.enforcement_sources(r, True, "维持", "改判", "调解"))
                    queue.append(self.remands(r))
            queue = [q for q in queue if q is not None]
        return sources

    def enforce(self, sources: list) -> None:
        """执 cases on the judgments of `sources`, and what follows them."""
        court, filed, origin, cause = (np.concatenate(parts) for parts in zip(*sources))
        if len(court):
            e = self.enforcement(court, filed, origin, cause)
            self.resumed(e)
            self.objections(e)

    def more_retrials(self) -> None:
        """More petitions on the same decisions, more of them retried and more retrials remanded
        (so 再审改判-发回重审比 has a value), with all that follows: drawn last, from their own
        stream, so every case drawn before stays as it was."""
        self.main_cases = self.next_id  # the cases drawn before: rows 0 … main_cases - 1
        main = self.rng, self.rng_v2
        self.rng = self.rng_v2 = self.rng_retrial
        self.retrial_share, self.retrial_outcomes = 0.2, [0.25, 0.35, 0.25, 0.08, 0.04, None]
        try:
            queue, sources = [], []
            for b, rate, methods in list(self.petitioned):
                r = self.retrials(self.petitions(b, rate, *methods))
                if r is not None:
                    sources.append(self.enforcement_sources(r, True, "维持", "改判", "调解"))
                    queue.append(self.remands(r))
            sources += self.follow([q for q in queue if q is not None])
            if sources:
                self.enforce(sources)
        finally:
            self.rng, self.rng_v2 = main
            self.petitioned.clear()
