"""Idle sessions' memory: N sessions sign in (roles in turn) and draw their landing page, then stay
connected doing nothing; the server's resident memory before, with them, and after a while idle."""
from __future__ import annotations

import asyncio
import random

from loadsim.procstat import memory_mb, settle
from loadsim.user import Mix, Record, User

TARGET_MB = 15.0   # issue 27: per idle session
OPENING_AT_ONCE = 4  # sessions signing in together: an arrival, not a storm


def rss(pids: list[int]) -> float | None:
    if not pids:
        return None
    total = 0.0
    for p in pids:
        try:
            total += memory_mb(p)[0]
        except OSError:
            pass
    return total


async def idle(url: str, n: int, usernames: list[str], mix: Mix, pids: list[int], idle_seconds: float,
               seed: int = 1, after_load: bool = False) -> dict:
    record = Record()
    settled = await settle(pids)
    before = rss(pids)
    gate = asyncio.Semaphore(OPENING_AT_ONCE)
    users = [User(usernames[i % len(usernames)], url, mix, random.Random(seed * 104729 + i), record, number=i)
             for i in range(n)]

    async def one(u: User) -> bool:
        async with gate:
            return await u.open()

    try:
        # In two halves: the second half's growth alone is a per-session figure that garbage left
        # by earlier runs (collected while the first half signs in, RSS falling) does not blur.
        half = n // 2
        first = await asyncio.gather(*(one(u) for u in users[:half]))
        await settle(pids)
        with_half = rss(pids)
        second = await asyncio.gather(*(one(u) for u in users[half:]))
        opened = first + second
        await settle(pids)  # runs finished
        with_them = rss(pids)
        # The websockets library answers the server's pings and sends its own while the loop waits.
        await asyncio.sleep(idle_seconds)
        after = rss(pids)
        still = sum(u.conn is not None and u.conn.is_open() for u in users)
    finally:
        await asyncio.gather(*(u.close() for u in users))
    count = sum(opened)
    per = (with_them - before) / count if before is not None and count else None
    later = sum(second)
    marginal = (with_them - with_half) / later if before is not None and later and half else None
    return {"sessions": n, "open": count, "open_after_idle": still, "idle_s": idle_seconds, "settled_s": settled,
            "rss_before_mb": before, "rss_with_mb": with_them, "rss_after_idle_mb": after, "per_session_mb": per,
            "rss_with_half_mb": with_half, "per_session_second_half_mb": marginal,
            "per_session_after_idle_mb": (after - before) / count if before is not None and count else None,
            "after_load": after_load, "target_mb": TARGET_MB, "errors": dict(record.errors), "error_samples": record.samples}


def describe(r: dict) -> str:
    errors = ", ".join(f"{k} {v}" for k, v in sorted(r["errors"].items()))
    head = f"idle sessions: {r['open']} open" + (f" of {r['sessions']} ({errors})" if r["open"] < r["sessions"] or errors else "")
    if r["rss_before_mb"] is None:
        return head + "; no server pid, no memory figures"
    per = r["per_session_mb"]
    return (f"{head}, RSS before {r['rss_before_mb']:.0f} MB, with them {r['rss_with_mb']:.0f} MB, after {r['idle_s']:g} s "
            f"idle {r['rss_after_idle_mb']:.0f} MB ({r['open_after_idle']} still connected): "
            + (f"{per:.1f} MB per session (target ≤ {r['target_mb']:g} MB: {'met' if per <= r['target_mb'] else 'not met'})"
               if per is not None else "no session opened")
            + (f"; the second half ({r['sessions'] - r['sessions'] // 2}) alone "
               f"{r['per_session_second_half_mb']:.1f} MB per session (from {r['rss_with_half_mb']:.0f} MB)"
               if r["per_session_second_half_mb"] is not None else "")
            # memory the levels' runs freed stays in the process and is taken again first
            + ("; after the levels, heap they left free may hold the sessions: --sessions 0 for a figure of its own"
               if r["after_load"] else ""))
