"""One load level: N users started over a ramp, acting for a fixed time, with the server's CPU
and memory watched meanwhile."""
from __future__ import annotations

import asyncio
import os
import random
import statistics
import time

from loadsim.actioncpu import ActionCpu
from loadsim.procstat import Watch, settle
from loadsim.user import CYCLE, Mix, Record, User


async def run_level(n: int, base_url: str, usernames: list[str], mix: Mix, seconds: float, ramp: float,
                    seed: int, pids: list[int]) -> dict:
    record = Record(action_cpu=ActionCpu(pids) if n == 1 and pids else None)  # alone, an action's cost is its own
    settled = await settle(pids)
    watch = Watch(pids)
    load_start = list(os.getloadavg())
    watch.start()
    until = time.monotonic() + ramp + seconds

    async def one(i: int) -> None:
        rng = random.Random(seed * 1_000_003 + i)  # each user's own sequence, the same on every run
        await asyncio.sleep(rng.uniform(0, ramp))  # users arrive over the ramp, not all at once
        first = i * len(CYCLE) // n  # users spread evenly over the cycle, not all starting with one action
        await User(usernames[i % len(usernames)], base_url, mix, rng, record, first=first,
                   number=i).live(until)

    # The slowest action ends by `until` plus its time limit; the reconnect loop by `until`.
    try:
        await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(n))), ramp + seconds + 2 * mix.timeout + 30)
    except asyncio.TimeoutError:
        record.error("level_timeout", f"users still busy {2 * mix.timeout + 30:.0f} s after the level's end")
    figures = await watch.stop()
    return {"sessions": n, "seconds": seconds, "ramp": ramp, "settled_s": settled, "loadavg_start": load_start,
            **figures, "latencies": record.latencies, "page_latencies": record.pages, "errors": dict(record.errors),
            "error_samples": record.samples,
            "signed_in": record.signed_in, "landing": dict(record.landing), "resumed": dict(record.resumed),
            "skipped": dict(record.skipped), "elements": elements_per_page(record),
            "received_mb": record.received / 2**20,
            "action_cpu": record.action_cpu.summary() if record.action_cpu else None,
            "users": sorted(record.users, key=lambda u: u["number"])}


def elements_per_page(record) -> dict[str, float]:
    """Per page path, the median number of elements its runs drew (a drill-down draws more)."""
    return {p: statistics.median(v) for p, v in sorted(record.elements.items())}
