"""Figures of the load levels: percentiles per action, the table printed, and the number of
sessions at which the p95 of the interactive actions passes the target."""
from __future__ import annotations

import math

from loadsim import actioncpu

INTERACTIVE = ("page", "court", "period", "drill")  # what the 1 s target is about; sign-in has its own
TARGET_S = 1.0


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p% of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else float("nan")


def summarise(level: dict) -> dict:
    """The level's raw latencies replaced by count, p50, p95 and max per action, plus the
    interactive actions together and the throughput."""
    lat = level["latencies"]
    actions = {a: _stats(v) for a, v in sorted(lat.items())}
    together = [x for a in INTERACTIVE for x in lat.get(a, [])]
    done = sum(len(v) for v in lat.values())
    server = level["server"]
    if server is not None:  # the cost of an action, whatever else the machine is doing
        server = server | {"cpu_per_action_s": server["cpu_s"] / done if done else float("nan")}
    pages = {p: _stats(v) for p, v in sorted(level["page_latencies"].items())}
    return {k: v for k, v in level.items() if k not in ("latencies", "page_latencies")} | {
        "pages": pages, "server": server, "actions": actions, "interactive": _stats(together),
        "actions_done": done, "actions_per_s": done / level["wall_s"], "errors_total": sum(level["errors"].values())}


def _stats(values: list[float]) -> dict:
    return {"n": len(values), "p50_s": percentile(values, 50), "p95_s": percentile(values, 95),
            "max_s": max(values) if values else float("nan")}


def knee(levels: list[dict], target: float = TARGET_S) -> str:
    """Where one server's p95 of the interactive actions passes the target, in words. A level at
    which no interactive action finished (every user stuck signing in, say) has passed it."""
    under = None
    for lv in levels:
        n, timed = lv["sessions"], lv["interactive"]
        if timed["n"] == 0 or timed["p95_s"] > target:
            why = f"p95 {timed['p95_s']:.2f} s" if timed["n"] else "no interactive action finished"
            if under is None:
                return f"p95 is over {target:g} s already at N={n} ({why})"
            return f"p95 passes {target:g} s between N={under} and N={n} ({why} at N={n})"
        under = n
    return f"p95 stays under {target:g} s up to N={under}" if under is not None else "no level ran"


def table(levels: list[dict]) -> str:
    rows = []
    names = sorted({a for lv in levels for a in lv["actions"]}, key=_order)
    head = f"{'N':>4} {'action':13} {'n':>5} {'p50 s':>7} {'p95 s':>7} {'max s':>7}"
    rows.append(head)
    for lv in levels:
        for a in names + ["interactive"]:
            s = lv["interactive"] if a == "interactive" else lv["actions"].get(a)
            if s and s["n"]:
                rows.append(f"{lv['sessions']:>4} {a:13} {s['n']:>5} {s['p50_s']:>7.2f} {s['p95_s']:>7.2f} {s['max_s']:>7.2f}")
        if lv["pages"]:
            rows.append("     page p50/p95 s: " + ", ".join(f"{p} {s['p50_s']:.2f}/{s['p95_s']:.2f}"
                                                          for p, s in lv["pages"].items()))
        rows.append(f"     {_resources(lv)}")
        if lv.get("vs_reference"):
            c = lv["vs_reference"]
            rows.append(f"     server CPU {c['cpu_per_action_ms'] / 1000:.3f} s per action = {c['ratio']:.1f}× the trivial "
                        f"app's rerun (target ≤ {c['target_ms']:g} ms and ≤ {c['target_ratio']:g}×: "
                        f"{'met' if c['met'] else 'not met'})")
        if lv.get("action_cpu"):
            rows.append(f"     {actioncpu.describe(lv['sessions'], lv['action_cpu'])}")
        if lv.get("elements"):
            rows.append("     elements per page: " + ", ".join(f"{p} {n:g}" for p, n in _by_page(lv["elements"])))
        rows.append(f"     {_outcome(lv)}")
    return "\n".join(rows)


def _by_page(elements: dict) -> list:
    """The sign-in page first, then the landing page, then the others by name."""
    first = ["sign-in", "landing"]
    return sorted(elements.items(), key=lambda kv: (first.index(kv[0]) if kv[0] in first else 2, kv[0]))


def _order(action: str) -> tuple:
    order = ["sign_in_page", "sign_in", *INTERACTIVE, "drill_close", "reconnect"]
    return (order.index(action) if action in order else len(order), action)


def _resources(lv: dict) -> str:
    c = lv["client"]
    load = " ".join(f"{x:.1f}" for x in lv["loadavg_start"]) + " → " + " ".join(f"{x:.1f}" for x in lv["loadavg_end"])
    server = lv["server"]
    if server is None:
        text = "server: no --pid, no figures"
    else:
        text = (f"server CPU {server['user_s']:.0f}+{server['sys_s']:.0f} s user+sys = {server['cores_pct']:.0f}% "
                f"of {lv['cores']} cores, {server['cpu_per_action_s']:.2f} s per action; "
                f"RSS peak {server['rss_peak_mb']:.0f} MB, end {server['rss_end_mb']:.0f} MB")
    return (f"{text}; client CPU {c['cpu_s']:.1f} s = {c['cores_pct']:.0f}%; {lv['actions_per_s']:.2f} actions/s "
            f"over {lv['wall_s']:.0f} s; load average {load}")


def _outcome(lv: dict) -> str:
    errors = ", ".join(f"{k} {v}" for k, v in sorted(lv["errors"].items())) or "none"
    text = f"signed in {lv['signed_in']}/{lv['sessions']}; errors: {errors}"
    if lv["resumed"]:
        text += "; after reconnect " + ", ".join(f"{k} {v}" for k, v in sorted(lv["resumed"].items()))
    if lv["skipped"]:
        text += "; skipped " + ", ".join(f"{k} {v}" for k, v in sorted(lv["skipped"].items()))
    return text


def cpu_bound_estimate(levels: list[dict], think: tuple[float, float]) -> str | None:
    """Where the knee would be if the server's CPU were the only limit (asymptotic bounds of a
    closed system: N* = (Z + D) / D_max, Z the mean think time, D the CPU one action costs, D_max
    the bottleneck's share of it). Between one core (Python runs one thread at a time, so the
    pages' Python work does not spread over cores) and every core (DuckDB's work does). A model
    from the measured cost, not a measurement; on a shared machine it says what the latencies cannot."""
    first = next((lv for lv in levels if lv["server"] is not None and lv["actions_done"]), None)
    if first is None:
        return None
    cost = first["server"]["cpu_per_action_s"]
    z = sum(think) / 2
    one, every = (z + cost) / cost, first["cores"] * (z + cost) / cost
    return (f"CPU-bound estimate: an action costs {cost:.2f} s of server CPU (at N={first['sessions']}); with "
            f"{z:g} s mean think the knee lies between N≈{one:.0f} (one core) and N≈{every:.0f} ({first['cores']} cores)")
