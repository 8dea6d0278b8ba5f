"""The trivial app's rerun as the reference of the same run: a second Streamlit server on
bench/trivial_app.py (one select box, one Altair chart), one session rerun with the select box
changed each time, that server's CPU per rerun."""
from __future__ import annotations

import asyncio
import os

from loadsim import server
from loadsim.connection import Connection
from loadsim.page import state
from loadsim.procstat import cpu_seconds, settle

TARGET_MS = 60.0   # issue 27: a dashboard action's server CPU
TARGET_RATIO = 4.0  # … and at most this many trivial reruns


async def measure(root: str, log_path: str, reruns: int = 60, warm: int = 5, timeout: float = 60) -> dict:
    """Start the trivial app from checkout `root`, rerun it `warm` times uncounted (imports, the
    first chart), then `reruns` times measured; stop it."""
    url, proc = await asyncio.to_thread(server.start, os.path.join("bench", "trivial_app.py"), root, log_path)
    conn = Connection(url)
    try:
        await conn.open(timeout)
        _, page = await conn.run(timeout)
        box = next(w for w in page.widgets.values() if w.kind == "selectbox")
        options = box.options

        async def rerun(i: int):
            return await conn.run(timeout, states=[state(box, options[i % len(options)])])

        for i in range(1, warm + 1):
            await rerun(i)
        await settle([proc.pid])
        walls, elements = [], 0
        before = sum(cpu_seconds(proc.pid))
        for i in range(1, reruns + 1):
            wall, page = await rerun(i)
            walls.append(wall)
            elements = page.elements
            if page.exceptions:
                raise RuntimeError(f"the trivial app drew an exception: {page.exceptions[0]}")
        cpu = sum(cpu_seconds(proc.pid)) - before
    finally:
        await conn.close()
        await asyncio.to_thread(server.stop, proc)
    walls.sort()
    return {"reruns": reruns, "cpu_s": cpu, "cpu_per_rerun_ms": 1000 * cpu / reruns,
            "wall_p50_ms": 1000 * walls[len(walls) // 2], "elements": elements, "url": url}


def compare(level: dict, ref: dict | None) -> dict | None:
    """A level's server CPU per action beside the trivial rerun: ms, ratio and the targets."""
    if ref is None or level["server"] is None or not level["actions_done"] or not ref["cpu_per_rerun_ms"]:
        return None
    ms = 1000 * level["server"]["cpu_per_action_s"]
    ratio = ms / ref["cpu_per_rerun_ms"]
    return {"cpu_per_action_ms": ms, "ratio": ratio, "target_ms": TARGET_MS, "target_ratio": TARGET_RATIO,
            "met": ms <= TARGET_MS and ratio <= TARGET_RATIO}


def describe(ref: dict) -> str:
    return (f"trivial app: {ref['cpu_per_rerun_ms']:.1f} ms server CPU per rerun ({ref['reruns']} reruns; "
            f"p50 {ref['wall_p50_ms']:.0f} ms wall, {ref['elements']} elements)")
