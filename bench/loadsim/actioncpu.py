"""Server CPU per action, taken when a level has one user: each action then runs alone, so the
server's CPU from just before its BackMsg is sent until just after its script_finished is that
action's cost (work the server finishes a few ms later falls into the think time). /proc counts
CPU in ticks (10 ms at CLK_TCK 100): the median over a level's actions, not one action's figure.
Beside it, the server's CPU between actions: what it did with nobody asking (warming, say)."""
from __future__ import annotations

import statistics
import time

from loadsim.procstat import TICK, cpu_seconds

SHOWN = ("page", "court", "period", "drill")


class ActionCpu:
    def __init__(self, pids: list[int]):
        self.pids = pids
        self.kinds: dict[str, list[float]] = {}   # action kind → server CPU seconds of each
        self.pages: dict[str, list[float]] = {}   # the page action's, by the page opened
        self.between_cpu = 0.0
        self.between_wall = 0.0
        self._last: tuple[float, float] | None = None  # (CPU, monotonic) when the last action ended

    def _read(self) -> float | None:
        try:
            return sum(sum(cpu_seconds(p)) for p in self.pids)
        except OSError:  # the server went away: no figure for this action
            return None

    def begin(self) -> float | None:
        cpu, now = self._read(), time.monotonic()
        if cpu is not None and self._last is not None:
            self.between_cpu += cpu - self._last[0]
            self.between_wall += now - self._last[1]
        self._last = None
        return cpu

    def end(self, start: float | None, action: str, page: str | None, ok: bool) -> None:
        """`page`: the page a page action opened; ok False (an exception drawn): not counted."""
        cpu = self._read()
        if cpu is None:
            return
        self._last = (cpu, time.monotonic())
        if start is None or not ok:
            return
        self.kinds.setdefault(action, []).append(cpu - start)
        if page is not None:
            self.pages.setdefault(page, []).append(cpu - start)

    def summary(self) -> dict:
        def stats(v: list[float]) -> dict:
            return {"n": len(v), "median_ms": round(1000 * statistics.median(v), 1),
                    "mean_ms": round(1000 * statistics.fmean(v), 1)}
        return {"actions": {k: stats(v) for k, v in sorted(self.kinds.items())},
                "pages": {p: stats(v) for p, v in sorted(self.pages.items())},
                "between_actions": {"cpu_s": self.between_cpu, "wall_s": self.between_wall,
                                    "cores_pct": 100 * self.between_cpu / self.between_wall
                                    if self.between_wall else None},
                "tick_ms": 1000 / TICK}


def describe(sessions: int, s: dict) -> str:
    acts = s["actions"]
    parts = []
    for kind in SHOWN:
        if kind not in acts:
            continue
        text = f"{kind} {acts[kind]['median_ms']:.0f} ms"
        if kind == "page" and s["pages"]:
            text += " (" + ", ".join(f"{p} {v['median_ms']:.0f}" for p, v in s["pages"].items()) + ")"
        parts.append(text)
    b = s["between_actions"]
    idle = (f"; between actions the server used {b['cores_pct']:.1f}% of a core"
            if b["cores_pct"] is not None else "")
    return (f"server CPU per action at N={sessions} (median): {', '.join(parts) or 'no action timed'}"
            f" (n {', '.join(str(acts[k]['n']) for k in SHOWN if k in acts)}; /proc ticks of {s['tick_ms']:g} ms{idle})")
