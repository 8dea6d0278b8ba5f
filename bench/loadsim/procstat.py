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
    memory, sampled twice a second (a level's peak, not the process's lifetime peak). A process
    that ends meanwhile (a replica killed in a scale-out run) counts up to its last sample."""

    def __init__(self, pids: list[int]):
        self.pids = pids
        self.rss_peak = 0.0
        self._task = None
        self._cpu_first: dict[int, tuple[float, float]] = {}
        self._cpu_last: dict[int, tuple[float, float]] = {}

    def _read(self) -> float:
        """Note each live process's CPU; return their summed resident memory now."""
        rss = 0.0
        for p in self.pids:
            try:
                self._cpu_last[p] = cpu_seconds(p)
                rss += memory_mb(p)[0]
            except OSError:
                continue
            self._cpu_first.setdefault(p, self._cpu_last[p])
        return rss

    async def _sample(self) -> None:
        while True:
            self.rss_peak = max(self.rss_peak, self._read())
            await asyncio.sleep(0.5)

    def start(self) -> None:
        self._read()
        self._own0 = own_cpu_seconds()
        self._t0 = asyncio.get_running_loop().time()
        self._task = asyncio.create_task(self._sample())

    async def stop(self) -> dict:
        self._task.cancel()
        wall = asyncio.get_running_loop().time() - self._t0
        rss_now = self._read()
        own = own_cpu_seconds() - self._own0
        cores = os.cpu_count() or 1
        client = {"cpu_s": own, "cores_pct": 100 * own / wall / cores}
        if not self.pids:  # attached to a server without its process id: no server figures
            return {"wall_s": wall, "cores": cores, "server": None, "client": client,
                    "loadavg_end": list(os.getloadavg())}
        user = sum(self._cpu_last[p][0] - self._cpu_first[p][0] for p in self._cpu_first)
        system = sum(self._cpu_last[p][1] - self._cpu_first[p][1] for p in self._cpu_first)
        hwm = 0.0
        for p in self.pids:
            try:
                hwm += memory_mb(p)[1]
            except OSError:
                pass
        server = {"user_s": user, "sys_s": system, "cpu_s": user + system,
                  "cores_pct": 100 * (user + system) / wall / cores, "rss_peak_mb": max(self.rss_peak, rss_now),
                  "rss_end_mb": rss_now, "rss_lifetime_peak_mb": hwm,
                  "processes_alive_at_end": sum(os.path.exists(f"/proc/{p}") for p in self.pids)}
        return {"wall_s": wall, "cores": cores, "server": server, "client": client,
                "loadavg_end": list(os.getloadavg())}


async def settle(pids: list[int], quiet_cores: float = 0.1, longest: float = 120.0) -> float:
    """Wait until the processes use less than `quiet_cores` of a core over two seconds (runs
    left over from the last level, timed out on the client, still run on the server), at most
    `longest` seconds; returns the seconds waited."""
    waited = 0.0
    while pids and waited < longest:
        try:
            before = sum(sum(cpu_seconds(p)) for p in pids)
            await asyncio.sleep(2)
            used = sum(sum(cpu_seconds(p)) for p in pids) - before
        except OSError:
            return waited
        waited += 2
        if used / 2 < quiet_cores:
            break
    return waited
