"""The synthetic demo province 示范省: courts, judges and case records that build themselves.

Everything here is invented: the province, its cities, courts and judges do not exist. The
cases are drawn at random (numpy, one seed) with the shapes a trial-management office looks
for: year-on-year growth, a Spring Festival dip in filings, a December closing rush, courts
and judges that differ in speed, mediation, 发改率 and 终本, a court that gets worse and one
that gets better, and a couple of judges with many old pending cases. Spec v2 adds a judges
list (a president, vice-presidents and a full-time committee member per court, a head and a
deputy per division, trial teams), summary cases that outgrow their limit and turn ordinary
(简转普, more in some courts), 四类案件 with most reviewed (fewer in a weak court), 涉企 parties in
a quarter to a third of civil and enforcement cases, and a year-start backlog each court
clears at its own pace.

Cases are generated a batch at a time (all cases of one type from one source), each batch as
numpy arrays, children after their parents: first-instance roots → appeals → remands (a new
first instance) → petitions and retrials; judgments → enforcement → resumed enforcement,
objections and reviews. Case numbers (serials per court, type and year) and origin links (as
row numbers) are then worked out in numpy, and the database is written by `store`, as an import
writes it.
"""
from __future__ import annotations

import datetime as dt
import sys
import time

import numpy as np
import pyarrow as pa

from schema import codes

from . import store, validate

START = dt.date(2023, 1, 1)
SOURCE = "示范省演示数据 synthetic demo"

TYPES = list(codes.CASE_TYPES)
PROCS = list(codes.PROCEDURES)
METHODS = list(codes.CLOSING_METHODS)
TY = {t: i for i, t in enumerate(TYPES)}
PR = {p: i for i, p in enumerate(PROCS)}
ME = {m: i for i, m in enumerate(METHODS)}
NA = -1  # missing date / method / origin in the int arrays

# Time limit and the extension usually approved, by (type, procedure), as lookup arrays.
LIMIT = np.zeros((len(TYPES), len(PROCS)), np.int32)
for (_t, _p), _d in codes.TIME_LIMITS.items():
    LIMIT[TY[_t], PR[_p]] = _d
EXTENSION = np.zeros_like(LIMIT)
for (_t, _p), _d in {
    ("民初", "普通程序"): 180, ("行初", "普通程序"): 90, ("刑初", "普通程序"): 30, ("民终", "第二审程序"): 90,
    ("行终", "第二审程序"): 90, ("刑终", "第二审程序"): 30, ("民申", "审查程序"): 90, ("民再", "再审程序"): 180,
    ("执", "执行程序"): 90, ("执恢", "执行程序"): 90,
}.items():
    EXTENSION[TY[_t], PR[_p]] = _d
# Procedure conversions when a case outgrows its limit (小额 → 简易 → 普通, 速裁 → 简易 → 普通).
CONVERSIONS = {
    TY["民初"]: [("小额诉讼程序", 60), ("简易程序", 90), ("普通程序", None)],
    TY["刑初"]: [("速裁程序", 10), ("简易程序", 20), ("普通程序", None)],
    TY["行初"]: [("简易程序", 45), ("普通程序", None)],
}

# Spring Festival (春节) dates; filings dip around them and the week after is a holiday.
SPRING_FESTIVAL = [
    "2023-01-22", "2024-02-10", "2025-01-29", "2026-02-17", "2027-02-06", "2028-01-26", "2029-02-13",
    "2030-02-03", "2031-01-23", "2032-02-11", "2033-01-31", "2034-02-19", "2035-02-08",
]

# The province: intermediate courts (code, city) and their basic courts (district or county,
# population). All names are invented.
CITIES = [
    ("示01", "明湖市", [("湖滨区", 1_280_000), ("城关区", 960_000), ("新港区", 740_000), ("东渡区", 520_000),
                       ("柳溪县", 410_000), ("望川县", 260_000)]),
    ("示02", "青岚市", [("岚山区", 1_100_000), ("云台区", 680_000), ("鹤鸣县", 450_000), ("枫岭县", 330_000),
                       ("桐川县", 220_000)]),
    ("示03", "南屿市", [("海湾区", 1_450_000), ("屿城区", 870_000), ("梧峰县", 390_000), ("槐渡县", 300_000),
                       ("杉湖县", 240_000)]),
    ("示04", "北汀市", [("汀州区", 900_000), ("北塘区", 610_000), ("芷原县", 470_000), ("蒲川县", 350_000),
                       ("雁回县", 205_000)]),
]
ADMIN_BASIC = {"示0102", "示0103", "示0201", "示0302", "示0401"}  # basic courts with a 行政庭 (集中管辖)
WORSENING = "示0203"   # gets slower, more reversals, less mediation, more 终本 from 2023 to 2026
IMPROVING = "示0301"   # the opposite
WORSE_ENFORCEMENT = "示0104"  # 终本 share climbs
SLOW_TRANSFER = {"示0105", "示0402"}  # slow to send appeals up
WEAK_REVIEW = "示0203"  # reviews fewer of its 四类案件
MORE_CONVERSIONS = {"示0203"}  # turns many more summary cases into ordinary ones
# Positions of the judges list: who leads a court, in the divisions they sit in (first free judge).
PRESIDENT_DIVS = ["民一庭", "刑事审判庭", "民二庭"]
VICE_DIVS = ["刑事审判庭", "民二庭", "执行局", "民一庭", "行政庭", "审判监督庭"]
COMMITTEE_DIVS = ["审判监督庭", "行政庭", "民二庭", "刑事审判庭"]
CASELOAD = {"院长": 0.3, "副院长": 0.45, "审委会专职委员": 0.55, "庭长": 0.65, "副庭长": 0.8}  # of a judge's
IDLE_VICE_PRESIDENTS = {"示0202", "示03"}  # a vice-president who closes no case
BACKLOG_JUDGES = [("示0102", "民二庭"), ("示0302", "民一庭")]  # the first judge of each keeps old cases
TRIBUNALS = ["城郊", "东关", "河西", "新集", "桥头", "马坊", "白沙", "青山", "龙泉", "石桥", "杨柳", "南湖", "北岗",
             "西塘", "田庄", "沙河", "柏林", "红旗", "三里", "五桥"]

DIV_PREMEDIATION = "诉讼服务中心"  # 立案庭 / 诉讼服务中心 of a basic court: pre-filing mediation, quick small claims
BASIC_DIVS = [(DIV_PREMEDIATION, 1.2), ("刑事审判庭", 2.0), ("民一庭", 3.0), ("民二庭", 2.6), ("行政庭", 1.5),
              ("执行局", 3.0)]
INTERMEDIATE_DIVS = [("立案庭", 2), ("刑事审判庭", 3), ("民一庭", 4), ("民二庭", 4), ("行政庭", 2), ("审判监督庭", 2),
                     ("执行局", 3)]
HIGH_DIVS = [("审判监督庭", 3), ("民一庭", 3), ("刑事审判庭", 2), ("行政庭", 2), ("执行局", 2)]

# Civil causes: (name, share, 1 = 民一庭 family/labour/tort or 2 = 民二庭 contract/commerce, mediation factor)
CIVIL_CAUSES = [
    ("民间借贷纠纷", 14, 2, 0.8), ("买卖合同纠纷", 12, 2, 0.9), ("金融借款合同纠纷", 9, 2, 0.5),
    ("信用卡纠纷", 6, 2, 0.4), ("离婚纠纷", 10, 1, 1.6), ("机动车交通事故责任纠纷", 9, 1, 1.4),
    ("劳动争议", 6, 1, 1.2), ("物业服务合同纠纷", 6, 1, 1.0), ("房屋租赁合同纠纷", 4, 2, 1.0),
    ("建设工程施工合同纠纷", 3, 2, 0.9), ("服务合同纠纷", 3, 2, 1.0), ("追索劳动报酬纠纷", 3, 1, 1.3),
    ("生命权、身体权、健康权纠纷", 3, 1, 1.2), ("继承纠纷", 2, 1, 1.3), ("抚养纠纷", 2, 1, 1.5),
    ("借款合同纠纷", 3, 2, 0.7), ("房屋买卖合同纠纷", 2, 2, 0.9), ("劳务合同纠纷", 2, 1, 1.1),
    ("保险纠纷", 1, 2, 0.8), ("股权转让纠纷", 1, 2, 0.7), ("合伙合同纠纷", 1, 2, 1.0),
]
CRIMINAL_CAUSES = [
    ("危险驾驶罪", 22), ("盗窃罪", 15), ("帮助信息网络犯罪活动罪", 12), ("诈骗罪", 10), ("故意伤害罪", 7),
    ("开设赌场罪", 5), ("交通肇事罪", 5), ("寻衅滋事罪", 5), ("走私、贩卖、运输、制造毒品罪", 5),
    ("非法吸收公众存款罪", 3), ("掩饰、隐瞒犯罪所得、犯罪所得收益罪", 4), ("妨害公务罪", 3), ("职务侵占罪", 2),
    ("组织、领导传销活动罪", 2),
]
ADMIN_CAUSES = [
    ("行政处罚", 25), ("行政强制", 12), ("行政许可", 8), ("政府信息公开", 12), ("行政协议", 8), ("行政赔偿", 6),
    ("工伤认定", 12), ("房屋征收补偿", 10), ("行政不作为", 7),
]
OTHER_CAUSES = ["执行异议", "执行复议"]
CAUSES = [c[0] for c in CIVIL_CAUSES] + [c[0] for c in CRIMINAL_CAUSES] + [c[0] for c in ADMIN_CAUSES] + OTHER_CAUSES
CA = {c: i for i, c in enumerate(CAUSES)}
CIVIL_GROUP = np.zeros(len(CAUSES), np.int8)
CAUSE_MEDIATION = np.ones(len(CAUSES))
for _name, _w, _g, _m in CIVIL_CAUSES:
    CIVIL_GROUP[CA[_name]] = _g
    CAUSE_MEDIATION[CA[_name]] = _m

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
                "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国晓燕文斌婷宇浩凯佳欣怡雪梅琳丹楠晨阳彬峰琴云莉倩颖"
             "志海波宁思雨瑶嘉航昊哲琪璐慧")

# Sizes: root cases per 民初 root (the rest follows from the rates below)
PREMEDIATION_PER_CIVIL = 0.15
CRIMINAL_PER_CIVIL = 0.095
ADMIN_PER_CIVIL = 0.02
ENFORCEMENT_ROOTS_PER_CIVIL = 0.14
ROWS_PER_CIVIL_ROOT = 1.72  # all rows written per 民初 root, measured; the size is corrected once if off
DUCKDB_MEMORY_MB = 2000  # the build connection's memory limit (DuckDB spills beyond it): ~2.8 GB peak at 10M cases
DUCKDB_MEMORY_MB_LARGE = 4000  # from 50M cases, so the joins and the sort of `cases` spill less (100M: 11.6 GB peak in all)


def _day(d) -> int:
    return int((np.datetime64(d, "D") - np.datetime64("1970-01-01", "D")).astype(np.int64))


def _year_month(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return m // 12 + 1970, m % 12 + 1


class Batch(dict):
    """Columns of one batch of cases (numpy arrays of equal length)."""

    @property
    def n(self) -> int:
        return len(self["id"])


class _Generator:
    def __init__(self, seed: int, end: dt.date):
        self.rng = np.random.default_rng(seed)
        self.rng_v2 = np.random.default_rng(seed + 1)  # spec-v2 features, drawn apart from the rest
        self.lo = _day(START)
        self.end = _day(end)
        self.batches: list[Batch] = []
        self.next_id = 0
        self._calendar()
        self._courts()
        self._judges()

    # ---- calendar -------------------------------------------------------------------------

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

    # ---- courts and judges ----------------------------------------------------------------

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
        m &= filed <= self.end
        if not m.any():
            return None
        court = self.parent[c[m]]
        n = int(m.sum())
        fi = b["fi_judge"][m]
        p = self.new_batch("民申", court, np.full(n, self.dv["审判监督庭"], np.int16), filed[m], b["id"][m],
                           b["cause"][m], fi)
        p["proc"][:] = PR["审查程序"]
        retrial = 0.08 * np.sqrt(self.j_rev[fi])
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
        r["method"] = np.array([ME[x] for x in order], np.int8)[self.choose(n, [0.35, 0.35, 0.10, 0.10, 0.05, None])]
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
        say(3, "生成执行案件 enforcement cases")
        we = np.where(basic, pop * self.c_volume, 0.0)
        we = we / we.sum() * 0.9 + np.where(inter, city_pop / city_pop[inter].sum() * 0.1, 0.0)
        court, filed = self.roots(round(civil_roots * ENFORCEMENT_ROOTS_PER_CIVIL), we)
        cause = self.causes([c for c in CIVIL_CAUSES if c[2] == 2], len(court))
        sources.append((court, filed, np.full(len(court), NA, np.int32), cause))
        e = self.enforcement(*(np.concatenate(parts) for parts in zip(*sources)))
        self.resumed(e)
        self.objections(e)

    def table(self) -> pa.Table:
        """All batches as one Arrow table: integer codes, dictionary-coded strings, dates, each
        case's row `k`, its case number's year and serial, and its origin's row and case number
        parts. Columns are moved out of the batches one at a time, so the data is not held twice
        (100M cases fit)."""

        def col(name: str) -> np.ndarray:
            return np.concatenate([b.pop(name) for b in self.batches])

        def dates(a: np.ndarray) -> pa.Array:
            return pa.array(a, pa.int32(), mask=a == NA).cast(pa.date32())

        def coded(a: np.ndarray, values: list[str]) -> pa.Array:
            return pa.DictionaryArray.from_arrays(pa.array(a, mask=a == NA), pa.array(values, pa.string()))

        for b in self.batches:
            b.setdefault("init_proc", b["proc"])
            del b["court"], b["fi_judge"]  # not stored: a case's court is its judge's
        ids, ctype, judge, filed, origin = col("id"), col("ctype"), col("judge"), col("filed"), col("origin")
        court = self.j_court[judge]
        row = np.full(int(ids.max()) + 1 if len(ids) else 0, -1, np.int32)
        row[ids] = np.arange(len(ids), dtype=np.int32)
        origin_k = np.where(origin != NA, row[np.where(origin != NA, origin, 0)], NA).astype(np.int32)
        has_origin = origin_k != NA  # an origin among the cases (every generated one is)
        del row
        year, serial = case_number_parts(court, ctype, filed, ids)
        at_origin = np.where(has_origin, origin_k, 0)
        courts = pa.array(self.court_codes, pa.string())
        flags = self.v2_flags(origin_k, ctype, court)
        return pa.table({
            "k": np.arange(len(ids), dtype=np.int32),
            "court_code": pa.DictionaryArray.from_arrays(pa.array(court), courts),
            "ctype": coded(ctype, TYPES),
            "year": year,
            "serial": serial,
            "division": pa.DictionaryArray.from_arrays(pa.array(self.j_div[judge]), pa.array(self.divisions)),
            "judge_id": pa.DictionaryArray.from_arrays(pa.array(judge), pa.array(self.j_id, pa.string())),
            "judge_name": pa.DictionaryArray.from_arrays(pa.array(judge), pa.array(self.j_name, pa.string())),
            "proc": coded(col("proc"), PROCS),
            "cause": coded(col("cause"), CAUSES),
            "filed": dates(filed),
            "closed": dates(col("closed")),
            "method": coded(col("method"), METHODS),
            "ext": col("ext"),
            "ded": col("ded"),
            "origin_k": pa.array(origin_k, mask=~has_origin),
            "o_court_code": pa.DictionaryArray.from_arrays(pa.array(court[at_origin], mask=~has_origin), courts),
            "o_ctype": coded(np.where(has_origin, ctype[at_origin], NA).astype(np.int8), TYPES),
            "o_year": pa.array(year[at_origin], mask=~has_origin),
            "o_serial": pa.array(serial[at_origin], mask=~has_origin),
            "hearing": col("hearing"),
            "recv": dates(col("recv")),
            "trans": dates(col("trans")),
            "applied": col("applied"),
            "recovered": col("recovered"),
            "assets": col("assets"),
            "init_proc": coded(col("init_proc"), PROCS),
            **flags,
        })

    def v2_flags(self, origin_k: np.ndarray, ctype: np.ndarray, court: np.ndarray) -> dict:
        """涉企 (civil and enforcement cases, inherited along origin links), 四类案件 and their review."""
        v2, n = self.rng_v2, len(ctype)
        category = np.array([codes.CASE_TYPES[t][1] for t in TYPES])[ctype]
        counted = ctype != TY["民诉前调"]
        enterprise = np.isin(category, ["民事", "执行"]) & (v2.random(n) < self.c_enterprise[court])
        root = np.where(origin_k == NA, np.arange(n), origin_k)
        for _ in range(7):  # pointer doubling: every case finds its chain's first case
            root = root[root]
        enterprise = enterprise[root]  # a chain's cases share the parties of its first case
        four = counted & (v2.random(n) < self.c_four_types[court])
        reviewed = four & (v2.random(n) < self.c_reviewed[court])
        return {"enterprise": enterprise, "four_types": four, "reviewed": reviewed}


def case_number_parts(court: np.ndarray, ctype: np.ndarray, filed: np.ndarray, ids: np.ndarray):
    """(year, serial) of each case's number （year）court type serial 号: cases numbered from 1 per
    court, type and year of filing, in order of filing date and then id. One sort of a packed
    int64 key (court, type, filing day, id), so 100M cases number in seconds and little memory."""
    n = len(ids)
    day = filed.astype(np.int64) - int(filed.min() if n else 0)
    widths = [int(x.max() if n else 0).bit_length() for x in (ctype.astype(np.int64), day, ids.astype(np.int64))]
    if int(court.max() if n else 0).bit_length() + sum(widths) > 63:
        order = np.lexsort((ids, filed, ctype, court))  # a key too wide to pack (not at any real size)
    else:
        key = court.astype(np.int64)
        for part, width in zip((ctype, day, ids), widths):
            key = (key << width) | part.astype(np.int64)
        order = np.argsort(key, kind="stable")
        del key
    year = filed.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int16) + np.int16(1970)
    group = (court.astype(np.int64)[order] << 24) | (ctype.astype(np.int64)[order] << 16) | year[order]
    first = np.ones(n, bool)
    first[1:] = group[1:] != group[:-1]
    position = np.arange(n, dtype=np.int32)
    serial = np.empty(n, np.int32)
    serial[order] = position - np.maximum.accumulate(np.where(first, position, 0)) + 1
    return year, serial


def _build_relation(con, table: pa.Table) -> str:
    """Register the generated table as the cases to store (row `k`, origin row `origin_k`, the
    CASE_FIELDS); case numbers are put together from their parts, without a join."""
    con.register("gen", table)
    con.execute("""
        CREATE TEMP VIEW gen_cases AS
        SELECT g.k, g.origin_k,
               '(' || g.year || ')' || g.court_code::VARCHAR || g.ctype::VARCHAR || g.serial || '号' AS case_no,
               g.court_code::VARCHAR AS court_code, g.ctype::VARCHAR AS case_type,
               g.division::VARCHAR AS division, g.judge_id::VARCHAR AS judge_id,
               g.judge_name::VARCHAR AS judge_name,
               g.proc::VARCHAR AS procedure, g.cause::VARCHAR AS cause, g.filed AS filed_date,
               g.closed AS closed_date, g.method::VARCHAR AS closing_method, g.ext::INTEGER AS extended_days,
               g.ded::INTEGER AS deducted_days,
               CASE WHEN g.origin_k IS NOT NULL THEN '(' || g.o_year || ')' || g.o_court_code::VARCHAR
                    || g.o_ctype::VARCHAR || g.o_serial || '号' END AS origin_case_no,
               g.hearing, g.recv AS appeal_received_date, g.trans AS appeal_transferred_date,
               g.applied AS amount_applied, g.recovered AS amount_recovered, g.assets AS has_assets,
               g.init_proc::VARCHAR AS initial_procedure, g.four_types, g.reviewed, g.enterprise
        FROM gen g
    """)
    return "gen_cases"


def generate(db_path: str, cases: int = 300_000, seed: int = 2026, end: dt.date = dt.date(2026, 9, 30),
             progress: bool = True) -> int:
    """Write the demo province to `db_path` (atomically, like an import); returns the case count."""
    if end < START:
        raise ValueError(f"end must not be before {START.isoformat()}")
    t0 = time.perf_counter()

    def say(step: int, text: str) -> None:
        if progress:
            print(f"[{step}/6] {text}… ({time.perf_counter() - t0:.1f}s)", file=sys.stderr, flush=True)

    say(1, "法院与法官 courts and judges")
    civil_roots = max(1, round(cases / ROWS_PER_CIVIL_ROOT))
    g = _Generator(seed, end)
    g.run(civil_roots, say)
    if abs(g.next_id / cases - 1) > 0.04:  # e.g. a short span leaves fewer follow-up cases: size once more
        civil_roots = max(1, round(civil_roots * cases / g.next_id))
        g = _Generator(seed, end)
        g.run(civil_roots, lambda *_: None)
    say(4, "案号与原审案号 case numbers and origins")
    table = g.table()
    del g.batches
    with store.building(db_path) as con:
        con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_MB_LARGE if cases >= 50_000_000 else DUCKDB_MEMORY_MB}MB'")
        con.execute(
            "CREATE TEMP TABLE court_list(court_code VARCHAR, court_name VARCHAR, level VARCHAR, "
            "parent_code VARCHAR, population BIGINT)"
        )
        con.executemany("INSERT INTO court_list VALUES (?, ?, ?, ?, ?)", g.court_rows)
        validate.load_lookups(con)
        relation = _build_relation(con, table)
        store.create_types(con)
        store.write_courts(con)
        store.create_judge_list(con)
        con.executemany("INSERT INTO judge_list VALUES (?, ?, ?, ?, ?, ?)", g.judges_list())
        say(5, "写入案件与派生字段 cases and derived facts")
        store.write_cases(con, relation, keyed=True, linked=True)
        con.execute("DROP VIEW gen_cases")
        con.unregister("gen")
        del table
        say(6, "写入元数据 meta")
        store.write_meta(con, kind="demo", data_date=end.isoformat(), source=SOURCE)
        store.write_court_data(con, "SELECT court_code, ?::DATE AS through, (SELECT value FROM meta WHERE key = "
                               "'built_at') AS imported_at, ? AS source FROM court_list", [end, SOURCE])
        n = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    if progress:
        print(f"完成 done: {n:,} 件 cases ({time.perf_counter() - t0:.1f}s)", file=sys.stderr, flush=True)
    return n
