"""Letters and visits (涉诉信访, spec v3) of the demo province, drawn from its cases in numpy.

About one visit per 40 cases. A petitioner (信访人) writes or comes about one case once, or
returns 2–6 times within a year; most visits name a case — more often one closed by judgment,
appealed, long, ended by 终本 or 驳回申请, in some courts (the hot ones of `settings`) and
under some judges (so divisions and teams differ) — and the rest name none, or a case from
before the data, and so count for the registering court only. Some go over the handling
court's head (越级, registered at the court above), a share of the closed ones had a hearing,
the outcomes are the spec's, and some are still pending at the data date, some for more than
60 days. Drawn with their own random stream, so the cases stay as they were.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from schema import records

from .settings import (ME, NA, TY, TYPES, VISIT_HOT_COURTS, VISIT_NO_CASE_SHARE, VISIT_OLD_CASE_SHARE,
    VISITS_PER_CASE, VISIT_SKIP_LEVEL)

FORMS = records.VISIT_FORMS          # 来信, 来访, 网上信访, 12368热线
OUTCOMES = records.VISIT_OUTCOMES    # 化解息诉, 解释疏导, 依法终结, 转交办, 其他
# visits per petitioner: one (most), two, or three to six (重复信访)
THREAD_SIZES = np.array([1, 2, 3, 4, 5, 6])
THREAD_P = np.array([0.80, 0.08, 0.04, 0.035, 0.025, 0.02])
# how much more a case draws visits, by how it was closed (others 1)
METHOD_WEIGHT = {"判决": 2.5, "维持": 2.0, "改判": 2.5, "发回重审": 2.0, "驳回申请": 3.0, "终本": 3.0,
                 "终结执行": 2.0, "驳回起诉": 2.0, "调解": 0.3, "撤诉": 0.3, "调解成功": 0.2}
TYPE_WEIGHT = {"刑初": 0.5, "刑终": 0.6, "行初": 1.6, "行终": 1.6, "执异": 1.5}


def _strings(*parts) -> pa.Array:
    """Element-wise concatenation of string arrays and scalars (pyarrow, no Python loop)."""
    arrays = [p if isinstance(p, str) else pa.array(p).cast(pa.string()) for p in parts]
    return pc.binary_join_element_wise(*arrays, "")


def draw_visits(g, court: np.ndarray, ctype: np.ndarray, judge: np.ndarray, filed: np.ndarray,
                closed: np.ndarray, method: np.ndarray, recv: np.ndarray, year: np.ndarray,
                serial: np.ndarray) -> pa.Table:
    """The visits of the province `g` (a Province) over its cases (one row per case in these
    arrays, in `assembly`'s order), as an Arrow table with the columns of table `visits`."""
    rng = g.rng_visits  # its own stream: the cases do not change with the visits
    n_cases, end, nc = len(ctype), g.end, len(g.court_codes)
    target = max(1, round(n_cases * VISITS_PER_CASE))
    threads = max(1, round(target / float(THREAD_SIZES @ THREAD_P) * 1.08))  # some fall after the data date
    size = THREAD_SIZES[np.searchsorted(np.cumsum(THREAD_P), rng.random(threads), side="right").clip(0, 5)]
    c_factor = rng.lognormal(0.0, 0.25, nc)
    for code, f in VISIT_HOT_COURTS.items():
        c_factor[g.ci[code]] = f
    j_factor = rng.lognormal(0.0, 0.5, len(g.j_id))

    # which threads name a case, and which case: weighted by how the case went
    named = rng.random(threads) >= VISIT_NO_CASE_SHARE
    n_named = int(named.sum())
    m_weight = np.ones(len(ME) + 1)
    for m, w in METHOD_WEIGHT.items():
        m_weight[ME[m]] = w
    m_weight[NA] = 1.5  # pending (method NA = -1: the last slot)
    t_weight = np.ones(len(TYPES))
    for t, w in TYPE_WEIGHT.items():
        t_weight[TY[t]] = w
    t_weight[TY["民诉前调"]] = 0.0
    elapsed = np.where(closed == NA, end, closed) - filed
    w = (m_weight[method] * t_weight[ctype] * c_factor[court] * j_factor[judge]
         * np.where(recv != NA, 2.0, 1.0) * np.where(elapsed > 365, 3.0, 1.0))
    cw = np.cumsum(w)
    k = np.searchsorted(cw, rng.random(n_named) * cw[-1], side="right").clip(0, n_cases - 1)
    del w, cw, elapsed
    # the first visit: after the case closed (most), or while it is pending
    kf, kc = filed[k], closed[k]
    during = (kc == NA) | (rng.random(n_named) < 0.15)
    upto = np.where(kc == NA, end, kc)
    first_named = np.where(during, kf + rng.random(n_named) * np.maximum(upto - kf, 0),
                           kc + rng.gamma(1.2, 60.0, n_named)).astype(np.int64)
    # threads without a case: a court by its caseload, a day by the filing calendar
    load = np.bincount(court, weights=t_weight[ctype], minlength=nc) * c_factor
    n_free = threads - n_named
    free_court = np.searchsorted(np.cumsum(load / load.sum()), rng.random(n_free), side="right").clip(0, nc - 1)
    free_day = np.searchsorted(g.filing_cdf, rng.random(n_free), side="right") + g.lo

    t_court = np.empty(threads, np.int64)
    t_court[named], t_court[~named] = court[k], free_court
    t_first = np.empty(threads, np.int64)
    t_first[named], t_first[~named] = first_named, free_day
    t_case = np.full(threads, -1, np.int64)
    t_case[named] = k

    # every visit of every thread: the first, then the returns within a year
    th = np.repeat(np.arange(threads), size)
    pos = np.arange(len(th)) - np.repeat(np.cumsum(size) - size, size)
    offset = np.where(pos == 0, 0, rng.integers(7, 330, len(th)))
    offset = np.sort(th * 1000 + offset) - th * 1000  # threads are contiguous: each one's days in order
    received = t_first[th] + offset
    received = g.next_work(received.astype(np.int32)).astype(np.int64)
    keep = received <= end
    th, pos, received = th[keep], pos[keep], received[keep]
    last = np.ones(len(th), bool)
    last[:-1] = th[1:] != th[:-1]
    n = len(th)
    case_k = t_case[th]
    has_case = case_k >= 0
    v_court = t_court[th]
    repeat_thread = size[th] >= 3

    # 越级: registered at the court above (a basic court's case at the high court, now and then)
    p_skip = VISIT_SKIP_LEVEL * np.where(pos > 0, 2.0, 1.0)
    skip = has_case & (g.parent[v_court] >= 0) & (rng.random(n) < p_skip)
    above = g.parent[np.maximum(v_court, 0)]
    to_high = skip & (g.parent[np.maximum(above, 0)] >= 0) & (rng.random(n) < 0.3)
    reg = np.where(skip, np.where(to_high, g.parent[np.maximum(above, 0)], above), v_court)
    form = np.searchsorted(np.cumsum([0.28, 0.34, 0.28, 0.10]), rng.random(n), side="right").clip(0, 3)
    form = np.where(skip & (rng.random(n) < 0.5), 1, form)  # 越级 more often in person

    # handling: most close within weeks, some take months; later ones pending at the data date
    days = np.where(rng.random(n) < 0.07, 45 + rng.gamma(1.5, 50.0, n), rng.gamma(1.6, 13.0, n))
    close = received + np.rint(days).astype(np.int64)
    pending = close > end
    hearing = ~pending & (rng.random(n) < np.where(repeat_thread, 0.22, 0.06) * np.where(days > 45, 1.8, 1.0))
    # 化解息诉 of most closed visits (the courts' reported 化解率 are high), less where visits run high
    resolved = np.clip(0.9 * c_factor[reg] ** -0.35, 0.6, 0.97)
    p_out = np.where(last[:, None],  # a petitioner's last visit is the one most often resolved
                     np.stack([resolved, np.clip(0.95 - resolved, 0.01, None), np.full(n, 0.02), np.full(n, 0.02)], 1),
                     np.array([[0.45, 0.35, 0.07, 0.08]]))
    outcome = (rng.random(n)[:, None] >= np.cumsum(p_out, 1)).sum(1)
    outcome = np.where(hearing & (rng.random(n) < 0.5), 0, outcome)  # a hearing settles more of them

    # numbers: the registering court's own, by year and day of registration
    reg_year = received.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    order = np.lexsort((np.arange(n), received, reg))
    group = (reg[order] << 16) | reg_year[order]
    first = np.ones(n, bool)
    first[1:] = group[1:] != group[:-1]
    at = np.arange(n)
    no = np.empty(n, np.int64)
    no[order] = at - np.maximum.accumulate(np.where(first, at, 0)) + 1
    codes = np.array(g.court_codes, dtype=object)
    visit_no = _strings(codes[reg], "-XF", reg_year, "-", pc.utf8_lpad(pa.array(no).cast(pa.string()), 6, "0"))
    # the case named: a stored one's number, or (some of those without) one from before the data
    kk = np.where(has_case, case_k, 0)
    old = ~has_case & (rng.random(n) < VISIT_OLD_CASE_SHARE / VISIT_NO_CASE_SHARE)
    old_type = np.where(rng.random(n) < 0.7, "民初", "执")
    case_no = _strings("(", np.where(has_case, year[kk], rng.integers(2018, 2023, n)), ")",
                       codes[np.where(has_case, court[kk], reg)],
                       np.where(has_case, np.array(TYPES, dtype=object)[ctype[kk]], old_type),
                       np.where(has_case, serial[kk], rng.integers(1, 3000, n)), "号")
    case_no = pc.if_else(pa.array(has_case | old), case_no, pa.nulls(n, pa.string()))
    # a stable pseudonym per petitioner: an odd multiplier is one-to-one modulo 2**32
    salt = int(rng.integers(0, 2**32))
    pseudo = (th.astype(np.uint64) * np.uint64(2654435761) + np.uint64(salt)) % np.uint64(2**32)
    petitioner = _strings("P", pc.utf8_lpad(pa.array(pseudo).cast(pa.string()), 10, "0"))

    def dates(a: np.ndarray, mask=None) -> pa.Array:
        return pa.array(a.astype(np.int32), pa.int32(), mask=mask).cast(pa.date32())

    return pa.table({
        "visit_no": visit_no,
        "court_code": pa.array(codes[reg], pa.string()),
        "received_date": dates(received),
        "form": pa.array(np.array(FORMS, dtype=object)[form], pa.string()),
        "petitioner_id": petitioner,
        "case_no": case_no,
        "skip_level": pa.array(skip),
        "hearing": pa.array(hearing),
        "closed_date": dates(close, pending),
        "outcome": pa.array(np.array(OUTCOMES, dtype=object)[outcome], pa.string(), mask=pending),
    })
