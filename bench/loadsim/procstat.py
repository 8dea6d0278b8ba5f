"""CPU and memory of processes, from /proc (Linux): the server's, and the load client's own."""
from __future__ import annotations

import asyncio
import os
import resource

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> tuple[float, float]:
    """(user, system) CPU seconds of a process and its threads (DuckDB's included)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return int(fields[11]) / TICK, int(fields[12]) / TICK


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident now, resident peak over the process's life) in MB."""
    found = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                name, kb = line.split()[:2]
                found[name] = int(kb) / 1024
    return found.get("VmRSS:", 0.0), found.get("VmHWM:", 0.0)


def own_cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class Watch:
    """CPU used by some processes between start() and stop(), and their largest summed resident
    memory, sampled twice a second (a level's peak, not the process's lifetime peak)."""

    def __init__(self, pids: list[int]):
        self.pids = pids
        self.rss_peak = 0.0
        self._task = None

    def _cpu(self) -> tuple[float, float]:
        both = [cpu_seconds(p) for p in self.pids]
        return sum(u for u, _ in both), sum(s for _, s in both)

    def _rss(self) -> float:
        return sum(memory_mb(p)[0] for p in self.pids)

    async def _sample(self) -> None:
        while True:
            try:
                self.rss_peak = max(self.rss_peak, self._rss())
            except OSError:  # a replica that was killed (scale-out runs): counted no more
                pass
            await asyncio.sleep(0.5)

    def start(self) -> None:
        self._cpu0, self._own0 = self._alive_cpu(), own_cpu_seconds()
        self._t0 = asyncio.get_running_loop().time()
        self._task = asyncio.create_task(self._sample())

    def _alive_cpu(self) -> tuple[float, float]:
        try:
            return self._cpu()
        except OSError:
            return float("nan"), float("nan")

    async def stop(self) -> dict:
        self._task.cancel()
        wall = asyncio.get_running_loop().time() - self._t0
        (u0, s0), (u1, s1) = self._cpu0, self._alive_cpu()
        own = own_cpu_seconds() - self._own0
        try:
            rss_now, hwm = self._rss(), sum(memory_mb(p)[1] for p in self.pids)
        except OSError:
            rss_now = hwm = float("nan")
        cores = os.cpu_count() or 1
        if not self.pids:  # attached to a server without its process id: no server figures
            return {"wall_s": wall, "cores": cores, "server": None,
                    "client": {"cpu_s": own, "cores_pct": 100 * own / wall / cores}, "loadavg_end": list(os.getloadavg())}
        server = {"user_s": u1 - u0, "sys_s": s1 - s0, "cpu_s": (u1 - u0) + (s1 - s0)}
        server["cores_pct"] = 100 * server["cpu_s"] / wall / cores
        return {"wall_s": wall, "cores": cores, "server": server | {
                    "rss_peak_mb": max(self.rss_peak, rss_now), "rss_end_mb": rss_now, "rss_lifetime_peak_mb": hwm},
                "client": {"cpu_s": own, "cores_pct": 100 * own / wall / cores},
                "loadavg_end": list(os.getloadavg())}
