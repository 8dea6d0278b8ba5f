"""Several dashboard servers behind nginx on one machine: `./run.sh --replicas 3` or
python -m deploy.replicas --replicas 3 [--port 8501] [--address 127.0.0.1] [--local-postgres]

Every server reads the same database file (SPZX_DB) read-only and keeps its state where
SPZX_STATE_URL says (PostgreSQL), or in a local PostgreSQL started here (--local-postgres), or
else in the SQLite file beside the database (good for servers on this one machine only). They
share the server key (data/server.key, or SPZX_SECRET) and a Streamlit cookie secret derived
from it. nginx keeps each browser on one server and moves the users of a server that stops to
another, where their session cookie signs them back in. Ctrl-C stops everything started here.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

from deploy.local import free_port, wait_healthy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def shared_env(env: dict[str, str]) -> dict[str, str]:
    """What every server must share besides the database and the state: the server key (made now,
    before they start) and Streamlit's cookie secret (its upload and sign-in cookies are signed
    with it: a user moved to another server keeps working)."""
    from security.keys import keyed, server_key

    key = server_key()
    env = dict(env)
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", keyed("streamlit-cookie-secret", "", key))
    return env


@dataclass
class Replicas:
    """N servers and nginx in front; `url` is the proxy's address."""
    count: int
    run: str
    env: dict[str, str] = field(repr=False)  # holds the state's URL, password included
    port: int = 0
    address: str = "127.0.0.1"
    ports: list[int] = field(default_factory=list)
    servers: list[subprocess.Popen] = field(default_factory=list)
    proxy: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{'127.0.0.1' if self.address == '0.0.0.0' else self.address}:{self.port}"

    def start(self, timeout: float = 180) -> "Replicas":
        from deploy import nginx

        os.makedirs(self.run, exist_ok=True)
        env = shared_env(self.env)
        try:
            for i in range(self.count):
                self.ports.append(free_port())
                log = open(os.path.join(self.run, f"replica-{i + 1}.log"), "w")
                self.servers.append(subprocess.Popen(
                    [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.headless=true",
                     f"--server.port={self.ports[-1]}", "--server.address=127.0.0.1"],
                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
            deadline = time.monotonic() + timeout
            for i in range(self.count):
                self._wait_healthy(i, deadline)
            self.port = self.port or free_port()
            self.proxy = nginx.start(f"{self.address}:{self.port}", [f"127.0.0.1:{p}" for p in self.ports], self.run)
            return self
        except BaseException:
            self.stop()
            raise

    def _wait_healthy(self, i: int, deadline: float) -> None:
        if not wait_healthy(f"http://127.0.0.1:{self.ports[i]}", self.servers[i], deadline - time.monotonic()):
            state = "stopped" if self.servers[i].poll() is not None else "did not start"
            raise RuntimeError(f"server {i + 1} {state}: see {self.run}/replica-{i + 1}.log")

    def kill(self, i: int) -> None:
        """Server i stops at once, as on a crash (its open connections drop)."""
        self.servers[i].kill()
        self.servers[i].wait()

    def stop(self) -> None:
        from deploy import nginx

        if self.proxy is not None:
            nginx.stop(self.proxy)
        for proc in self.servers:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.servers:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m deploy.replicas")
    ap.add_argument("--replicas", type=int, default=3)
    ap.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8501")), help="nginx's port")
    ap.add_argument("--address", default="127.0.0.1", help="nginx's address (0.0.0.0: the court's network)")
    ap.add_argument("--local-postgres", action="store_true",
                    help="start a PostgreSQL server on this machine for the shared state (stopped on exit)")
    ap.add_argument("--run-dir", help="configuration and logs (default: a new temporary folder)")
    args = ap.parse_args()
    if args.replicas < 1:
        ap.error("--replicas must be at least 1")
    env, cluster = dict(os.environ), None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop everything as for Ctrl-C
    try:
        if args.local_postgres:
            from deploy import postgres

            cluster = postgres.start()
            env["SPZX_STATE_URL"] = cluster.app_url
        where = ("PostgreSQL" if env.get("SPZX_STATE_URL") else
                 "SQLite (此机器内 / this machine only)")
        group = Replicas(args.replicas, args.run_dir or tempfile.mkdtemp(prefix="spzx-replicas-"), env, args.port,
                         args.address).start()
        print(f"审判质效看板 / dashboard: {group.url}  ({args.replicas} servers, state: {where}, logs: {group.run})",
              flush=True)
        told: set[int] = set()
        try:
            while group.proxy.poll() is None:
                for i, proc in enumerate(group.servers):
                    if proc.poll() is not None and i not in told:
                        print(f"server {i + 1} stopped ({proc.returncode}); nginx sends its users to the others",
                              file=sys.stderr, flush=True)
                        told.add(i)
                time.sleep(1)
            return 1
        finally:
            group.stop()
    except KeyboardInterrupt:
        return 0
    finally:
        if cluster is not None:
            postgres.stop(cluster)


if __name__ == "__main__":
    sys.exit(main())
