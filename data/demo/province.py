"""The demo province's courts, divisions and judges: 1 high court, its cities' intermediate and basic
courts (with traits such as speed, mediation and 终本 shares), each court's divisions, and judges
with positions (院长, 副院长, 庭长…), trial teams and invented names.
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from schema import codes

from .days import Calendar, _day
from .settings import (ADMIN_BASIC, BACKLOG_JUDGES, BASIC_DIVS, CASELOAD, CITIES, CIVIL_GROUP, COMMITTEE_DIVS, GIVEN,
    HIGH_DIVS, IDLE_VICE_PRESIDENTS, IMPROVING, INTERMEDIATE_DIVS, MORE_CONVERSIONS, PRESIDENT_DIVS, SLOW_TRANSFER,
    START, SURNAMES, TRIBUNALS, VICE_DIVS, WEAK_REVIEW, WORSENING, WORSE_ENFORCEMENT)


class Province(Calendar):
    """The courts (levels, cities, traits), their divisions and judges of one seed."""

    def __init__(self, seed: int, end: dt.date):
        self.rng = np.random.default_rng(seed)
        self.rng_v2 = np.random.default_rng(seed + 1)  # spec-v2 features, drawn apart from the rest
        self.rng_visits = np.random.default_rng(seed + 2)  # letters and visits (spec v3), apart again
        self.rng_retrial = np.random.default_rng(seed + 3)  # the spec-v3 petitions and retrials, apart too
        self.lo = _day(START)
        self.end = _day(end)
        self._calendar()
        self._courts()
        self._judges()

    def _courts(self) -> None:
        rng = self.rng
        rows = [("示", "示范省高级人民法院", "高级", None, None)]
        for code, city, districts in CITIES:
            rows.append((code, f"{city}中级人民法院", "中级", "示", None))
            for k, (name, pop) in enumerate(districts, start=1):
                full = f"{city}{name}人民法院" if name.endswith("区") else f"{name}人民法院"
                rows.append((f"{code}{k:02d}", full, "基层", code, pop))
        self.court_rows = rows
        codes_ = [r[0] for r in rows]
        self.court_codes = codes_
        self.ci = {c: i for i, c in enumerate(codes_)}
        nc = len(rows)
        self.level = np.array([codes.COURT_LEVELS.index(r[2]) for r in rows])  # 0 high, 1 intermediate, 2 basic
        self.parent = np.array([self.ci[r[3]] if r[3] else -1 for r in rows])
        self.population = np.array([r[4] or 0 for r in rows], np.float64)
        lognormal = lambda s: rng.lognormal(0.0, s, nc)  # noqa: E731
        self.c_speed = lognormal(0.15)
        self.c_med = lognormal(0.2)
        self.c_rev = lognormal(0.3)
        self.c_zb = lognormal(0.1)
        self.c_appeal = lognormal(0.15)
        self.c_enf = lognormal(0.12)
        self.c_strict = lognormal(0.15)
        self.c_assets = rng.uniform(0.5, 0.62, nc)
        self.c_pm_success = rng.uniform(0.55, 0.70, nc)
        self.c_pm_volume = rng.uniform(0.6, 1.4, nc)
        self.c_volume = rng.uniform(0.85, 1.15, nc)
        self.c_hearing = rng.uniform(0.6, 0.9, nc)
        self.c_rush = rng.uniform(0.2, 0.45, nc)
        self.c_extend = rng.uniform(0.7, 0.95, nc)
        self.c_transfer = np.where(np.isin(codes_, list(SLOW_TRANSFER)), 32.0, rng.uniform(9.0, 16.0, nc))
        # log-slopes per year of the court's factors
        self.tr_speed = rng.normal(0, 0.03, nc)
        self.tr_rev = rng.normal(0, 0.05, nc)
        self.tr_med = rng.normal(0, 0.03, nc)
        self.tr_zb = rng.normal(0, 0.02, nc)
        w, b, e = self.ci[WORSENING], self.ci[IMPROVING], self.ci[WORSE_ENFORCEMENT]
        self.tr_speed[w], self.tr_rev[w], self.tr_med[w], self.tr_zb[w] = 0.18, 0.35, -0.2, 0.08
        self.tr_speed[b], self.tr_rev[b], self.tr_med[b], self.tr_zb[b] = -0.15, -0.3, 0.15, -0.08
        self.tr_zb[e] = 0.15
        v2 = self.rng_v2
        self.c_enterprise = v2.uniform(0.25, 0.33, nc)
        self.c_four_types = v2.uniform(0.02, 0.045, nc)
        self.c_reviewed = np.where(np.array(codes_) == WEAK_REVIEW, 0.55, v2.uniform(0.88, 0.97, nc))
        # share of the summary civil cases outgrowing 90 days that turn ordinary (the rest close in time)
        self.c_convert = np.where(np.isin(codes_, list(MORE_CONVERSIONS)), 0.6, v2.uniform(0.04, 0.16, nc))
        self.c_clearing = v2.uniform(0.1, 0.6, nc)  # share of its year-start backlog a court clears in the year

    def _judges(self) -> None:
        rng = self.rng
        divs: list[str] = []
        div_index: dict[str, int] = {}

        def div(name: str) -> int:
            if name not in div_index:
                div_index[name] = len(divs)
                divs.append(name)
            return div_index[name]

        for name, _ in BASIC_DIVS + INTERMEDIATE_DIVS + HIGH_DIVS:
            div(name)
        tribunal_at: dict[int, list[int]] = {}
        plan: list[tuple[int, int, int]] = []  # (court, division, judges)
        t_next = 0
        for c, (code, _name, level, _parent, pop) in enumerate(self.court_rows):
            if level == "高级":
                plan += [(c, div(d), k) for d, k in HIGH_DIVS]
            elif level == "中级":
                plan += [(c, div(d), k) for d, k in INTERMEDIATE_DIVS]
            else:
                scale = (pop / 700_000) ** 0.8
                for d, k in BASIC_DIVS:
                    if d == "行政庭" and code not in ADMIN_BASIC:
                        continue
                    plan.append((c, div(d), max(1, round(k * scale))))
                n_trib = 1 if pop >= 700_000 else (3 if pop < 300_000 else 2)
                tribunal_at[c] = []
                for _ in range(n_trib):
                    d = div(TRIBUNALS[t_next % len(TRIBUNALS)] + "人民法庭")
                    t_next += 1
                    tribunal_at[c].append(d)
                    plan.append((c, d, max(1, round(1.2 * scale))))
        plan.sort()
        self.divisions = divs
        self.dv = div_index
        # judges, sorted by (court, division)
        court, division, jid, names = [], [], [], []
        serial = {}
        used = set()
        for c, d, k in plan:
            digits = self.court_codes[c][1:]
            digits = (digits + "00")[:4] if len(digits) == 2 else (digits or "0000")
            for _ in range(k):
                serial[c] = serial.get(c, 0) + 1
                while True:
                    nm = SURNAMES[rng.integers(len(SURNAMES))] + "".join(
                        GIVEN[g] for g in rng.integers(len(GIVEN), size=1 if rng.random() < 0.3 else 2)
                    )
                    if nm not in used:
                        used.add(nm)
                        break
                court.append(c)
                division.append(d)
                jid.append(f"J{digits}{serial[c]:03d}")
                names.append(nm)
        nj = len(court)
        self.j_court = np.array(court, np.int16)
        self.j_div = np.array(division, np.int16)
        self.j_id, self.j_name = jid, names
        self.j_speed = rng.lognormal(0, 0.18, nj)
        self.j_rev = rng.lognormal(0, 0.45, nj)
        self.j_med = rng.lognormal(0, 0.25, nj)
        weight = rng.lognormal(0, 0.25, nj)
        self._positions(weight)
        self.j_backlog = np.zeros(nj, bool)
        for code, d in BACKLOG_JUDGES:
            first = np.flatnonzero((self.j_court == self.ci[code]) & (self.j_div == div_index[d]))[0]
            self.j_backlog[first] = True
        # group (court, division) → contiguous range of judges and their cumulative weights
        nd = len(divs)
        key = self.j_court.astype(np.int64) * nd + self.j_div
        self.nd = nd
        ngroups = len(self.court_rows) * nd
        self.g_start = np.full(ngroups, -1, np.int64)
        self.g_count = np.zeros(ngroups, np.int64)
        uniq, first, count = np.unique(key, return_index=True, return_counts=True)
        self.g_start[uniq], self.g_count[uniq] = first, count
        self.cw = np.cumsum(weight)
        before = np.concatenate([[0.0], self.cw])
        self.g_base = np.zeros(ngroups)
        self.g_total = np.zeros(ngroups)
        self.g_base[uniq] = before[first]
        self.g_total[uniq] = before[first + count] - before[first]
        # tribunals per court, flat
        nc = len(self.court_rows)
        self.trib_start = np.zeros(nc, np.int64)
        self.trib_count = np.zeros(nc, np.int64)
        flat: list[int] = []
        for c in range(nc):
            self.trib_start[c] = len(flat)
            self.trib_count[c] = len(tribunal_at.get(c, []))
            flat += tribunal_at.get(c, [])
        self.trib_flat = np.array(flat or [0], np.int16)

    def _positions(self, weight: np.ndarray) -> None:
        """Positions and trial teams of the judges list; leaders carry a smaller caseload."""
        nj = len(self.j_id)
        position = ["法官"] * nj
        team: list[str | None] = [None] * nj
        for c in range(len(self.court_rows)):
            members: dict[str, list[int]] = {}
            for j in np.flatnonzero(self.j_court == c).tolist():
                members.setdefault(self.divisions[self.j_div[j]], []).append(j)
            for div, js in members.items():
                if len(js) >= 2 or div.endswith("人民法庭"):
                    position[js[0]] = "庭长"
                if len(js) >= 4:
                    position[js[1]] = "副庭长"
                if len(js) >= 4:  # trial teams of two to three judges, the head and the deputy leading the first two
                    teams = min(len(js) // 2, 10)
                    for k, j in enumerate(js):
                        team[j] = f"{div}第{'一二三四五六七八九十'[(k % teams)]}团队"

            def seat(divs: list[str], title: str, count: int) -> None:
                """The last plain judge of each division in order (preferred ones first) takes the title."""
                for div in dict.fromkeys(divs + list(members)):
                    free = [j for j in members.get(div, []) if position[j] == "法官"]
                    if count and free:
                        position[free[-1]] = title
                        count -= 1

            level = self.court_rows[c][2]
            seat(PRESIDENT_DIVS, "院长", 1)
            seat(VICE_DIVS, "副院长", 2 if level == "基层" else 3)
            seat(COMMITTEE_DIVS, "审委会专职委员", 0 if level == "基层" and self.population[c] < 500_000 else 1)
            if self.court_codes[c] in IDLE_VICE_PRESIDENTS:
                vice = [j for js in members.values() for j in js if position[j] == "副院长"]
                weight[vice[0]] = 0.0
        for j, title in enumerate(position):
            weight[j] *= CASELOAD.get(title, 1.0)
        self.j_position, self.j_team = position, team

    def judges_list(self) -> list[tuple]:
        """Rows of table judge_list: court_code, judge_id, judge_name, position, division, team."""
        return [(self.court_codes[c], jid, name, pos, self.divisions[d], team)
                for c, d, jid, name, pos, team in zip(self.j_court.tolist(), self.j_div.tolist(), self.j_id,
                                                       self.j_name, self.j_position, self.j_team)]

    def pick_judges(self, court: np.ndarray, division: np.ndarray) -> np.ndarray:
        key = court.astype(np.int64) * self.nd + division
        if len(key) and (self.g_count[key] == 0).any():
            bad = key[self.g_count[key] == 0][0]
            raise RuntimeError(f"no judges in {self.court_codes[bad // self.nd]} {self.divisions[bad % self.nd]}")
        target = self.g_base[key] + self.rng.random(len(key)) * self.g_total[key]
        j = np.searchsorted(self.cw, target, side="right")
        return np.clip(j, self.g_start[key], self.g_start[key] + self.g_count[key] - 1).astype(np.int16)

    def civil_division(self, cause: np.ndarray) -> np.ndarray:
        """民一庭 for family, labour and tort causes, 民二庭 for contracts and commerce."""
        return np.where(CIVIL_GROUP[cause] == 1, self.dv["民一庭"], self.dv["民二庭"]).astype(np.int16)
