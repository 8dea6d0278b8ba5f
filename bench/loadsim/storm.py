"""A meeting storm: N users of one role, signed in beforehand, open the same link (the landing
page with a fixed court, period and, if asked, category) within a few seconds, as when a link is shared in a meeting.
Each open is a new tab: a new websocket with the session cookie, its first run given the link's
query string (ui/url_state.py reads a link on a session's first run only)."""
from __future__ import annotations

import asyncio
import random
import statistics
from collections import Counter
from urllib.parse import parse_qs, unquote, urlencode

from loadsim.computations import ComputationsLog, describe as describe_computations
from loadsim.connection import Connection, Dropped, TimedOut
from loadsim.procstat import Watch, settle
from loadsim.report import percentile
from loadsim.user import Mix, Record, User

TARGET_P95_S = 2.0


def _stats(values: list[float]) -> dict:
    return {"n": len(values), "p50_s": percentile(values, 50), "p95_s": percentile(values, 95),
            "max_s": max(values) if values else float("nan")}


def period_kind(period: str) -> str:
    """The link's pk for a period label: 2025 a year, 2025-07 a month, 2025Q3 a quarter."""
    return "year" if period.isdigit() else "month" if "-" in period else "quarter"


def choose_link(page, court_codes: dict[str, str] | None, court: str | None, period: str | None = None,
                category: str | None = None) -> tuple[dict, str]:
    """The link's court, period and category: `court` if given, else the first court the user's court
    select box offers other than its default (a scope the sign-in did not warm), its code from
    `court_codes` (label → code); without them the user's own court. `period` if given (its kind
    from its form), else the latest quarter offered; `category` (cat=) if given, else every case."""
    box, offered = page.find("court"), page.find("period")
    own = parse_qs(page.query_string).get("court", [None])[0]
    labels = {code: label for label, code in (court_codes or {}).items()}
    note = ""
    if court is None and box is not None and court_codes:
        other = next((o for o in box.options if o != box.value and o in court_codes), None)
        court = court_codes.get(other)
        note = "" if other else "no other court offered: the user's own"
    if court is None:
        court = own
        note = note or "the user's own court (no court names to map the others' codes: give --storm-court)"
    label = labels.get(court) or (box.value if box is not None and court == own else None)
    if court is None or offered is None or not offered.options:
        raise RuntimeError(f"no court or period select box on the landing page ({page.current_name!r})")
    period = period or offered.options[0]
    kind = period_kind(period)
    # the link's keys in the order the pages write them (ui/params.py); a default left out
    keys = {"court": court, "pk": kind if kind != "quarter" else None, "period": period, "cat": category or None}
    return {"court": court, "court_label": label, "period": period, "kind": kind, "category": category or None,
            "note": note}, urlencode({k: v for k, v in keys.items() if v is not None})


async def storm(url: str, n: int, seconds: float, mix: Mix, pids: list[int], log: ComputationsLog | None,
                court_codes: dict[str, str] | None, court: str | None, period: str | None = None,
                category: str | None = None, username: str = "demo_leader", seed: int = 1) -> dict:
    signed = Record()
    users = [User(username, url, mix, random.Random(seed * 7919 + i), signed, number=i) for i in range(n)]

    async def sign_in(i: int, u: User) -> bool:
        await asyncio.sleep(i * seconds / n)  # arriving over the same spread as the storm
        ok = await u.open()
        link_page[i] = u.page
        await u.close()  # the tab that signed in is closed; the cookie stays
        return ok

    link_page: dict[int, object] = {}
    ok = await asyncio.gather(*(sign_in(i, u) for i, u in enumerate(users)))
    ready = [u for u, good in zip(users, ok) if good and u.cookie]
    if not ready:
        return {"users": n, "error": f"no user signed in: {dict(signed.errors)} {signed.samples[:3]}"}
    link, query = choose_link(link_page[ok.index(True)], court_codes, court, period, category)

    opened: list[float] = []
    connects: list[float] = []
    errors: Counter = Counter()
    samples: list[str] = []
    conns: list[Connection] = []
    drawn: list[int] = []  # elements each open drew: the whole page, not an error page

    def error(kind: str, detail: str) -> None:
        errors[kind] += 1
        if len(samples) < 10:
            samples.append(f"{kind}: {detail}")

    async def open_link(i: int, u: User) -> None:
        await asyncio.sleep(i * seconds / len(ready))  # spread uniformly over the storm's seconds
        conn = Connection(url, cookie=u.cookie)
        conns.append(conn)
        loop = asyncio.get_running_loop()
        try:
            t0 = loop.time()
            await conn.open(mix.timeout)
            connects.append(loop.time() - t0)
            wall, page = await conn.run(mix.timeout, query_string=query, path="")
        except (Dropped, TimedOut) as e:
            error("timeout" if isinstance(e, TimedOut) else "disconnect", str(e))
            return
        if page.exceptions:
            error("exception", page.exceptions[0])
            return
        opened.append(wall)
        drawn.append(page.elements)
        box, drawn_period, cat = page.find("court"), page.find("period"), page.find("cat")
        if not page.signed_in():
            error("signed_out", "the link opened the sign-in page")
        elif page.current != "" or box is None or drawn_period is None or (link["category"] and cat is None):
            error("not_applied", f"drew {page.current_name!r}, not the landing page's filters")
        elif (link["court_label"] is not None and box.value != link["court_label"]) \
                or drawn_period.value != link["period"] or (link["category"] and cat.value != link["category"]):
            error("not_applied", f"drew court {box.value!r} period {drawn_period.value!r} category {cat and cat.value!r}")

    settled = await settle(pids)
    mark = log.mark() if log else 0
    watch = Watch(pids)
    watch.start()
    try:
        await asyncio.wait_for(asyncio.gather(*(open_link(i, u) for i, u in enumerate(ready))),
                               seconds + 2 * mix.timeout + 30)
    except asyncio.TimeoutError:
        error("storm_timeout", "opens still running after the storm's time limit")
    figures = await watch.stop()
    computations = log.since(mark) if log else None
    for c in conns:
        await c.close()
    return {"users": n, "signed_in": len(ready), "seconds": seconds, "link": link, "query_string": query,
            "settled_s": settled, "sign_in": {a: _stats(v) for a, v in signed.latencies.items()},
            "sign_in_errors": dict(signed.errors), "sign_in_error_samples": signed.samples,
            "open": _stats(opened), "elements": statistics.median(drawn) if drawn else None, "connect": _stats(connects), "errors": dict(errors), "error_samples": samples,
            "computations": dict(computations) if computations is not None else None,
            "target_p95_s": TARGET_P95_S, "server": figures["server"], "wall_s": figures["wall_s"]}


def describe(s: dict, counting: bool) -> str:
    if "error" in s:
        return f"meeting storm: {s['error']}"
    link = s["link"]
    sign = s["sign_in"].get("sign_in")
    lines = [f"meeting storm: {s['signed_in']}/{s['users']} users signed in first"
             + (f" (sign-in p50 {sign['p50_s']:.2f} s, p95 {sign['p95_s']:.2f} s, max {sign['max_s']:.2f} s)" if sign else "")
             + (f", sign-in errors {s['sign_in_errors']}" if s["sign_in_errors"] else ""),
             f"  then all open ?{unquote(s['query_string'])} ({link['court_label'] or link['court']}, {link['period']}"
             + (f", {link['category']}" if link.get("category") else ", every category")
             + (f"; {link['note']}" if link["note"] else "") + f") over {s['seconds']:g} s",
             ]
    o = s["open"]
    errors = ", ".join(f"{k} {v}" for k, v in sorted(s["errors"].items())) or "none"
    if o["n"]:
        lines.append(f"  open: p50 {o['p50_s']:.2f} s, p95 {o['p95_s']:.2f} s, max {o['max_s']:.2f} s (n {o['n']}; "
                     f"target p95 ≤ {s['target_p95_s']:g} s: {'met' if o['p95_s'] <= s['target_p95_s'] else 'not met'}; "
                     f"{s['elements']:g} elements drawn); "
                     f"errors: {errors}")
    else:
        lines.append(f"  open: none finished; errors: {errors}")
    if s["server"] is not None:
        lines.append(f"  server CPU during the storm {s['server']['cpu_s']:.1f} s over {s['wall_s']:.0f} s")
    if counting:
        lines.append(f"computations during the storm: {describe_computations(Counter(s['computations']) if s['computations'] is not None else None)}"
                     f" ({s['signed_in']} users)")
    else:
        lines.append("computations during the storm: counting needs --db (the bench's own server writes the log)")
    return "\n".join(lines)
