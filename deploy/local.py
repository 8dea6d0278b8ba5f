"""Servers started on this machine (replicas, PostgreSQL for the tests, benches): a free port
and the wait for a Streamlit server to answer its health check."""
from __future__ import annotations

import socket
import subprocess
import time
import urllib.request


def free_port() -> int:
    """A port free on the loopback interface now (the caller binds it soon after)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen | None = None, seconds: float = 120) -> bool:
    """True once the Streamlit server at `url` answers its health check; False when `seconds`
    have passed or `proc` (the server) has ended first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(url.rstrip("/") + "/_stcore/health", timeout=2).read() == b"ok":
                return True
        except OSError:
            pass
        if proc is not None and proc.poll() is not None:
            return False
        time.sleep(0.5)
    return False
