"""A Streamlit server started by the bench on a free loopback port, and its stop."""
from __future__ import annotations

import os
import subprocess
import sys

from deploy.local import free_port, wait_healthy


def start(script: str, root: str, log_path: str, env: dict | None = None,
          options: list[str] = ()) -> tuple[str, subprocess.Popen]:
    """`streamlit run script` from checkout `root` (so its .streamlit/config.toml applies), its
    output in `log_path` (kept: an exception drawn in a page is told in full only there), with
    Streamlit `options` ("runner.postScriptGC=false") and `env` added to this environment."""
    port = free_port()
    os.makedirs(os.path.dirname(log_path) or ".", exist_ok=True)
    log = open(log_path, "w")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", script, "--server.headless=true",
                             f"--server.port={port}", "--server.address=127.0.0.1", *(f"--{o}" for o in options)],
                            cwd=root, env=dict(os.environ, **(env or {})), stdout=log, stderr=subprocess.STDOUT)
    log.close()  # the child holds its own copy
    url = f"http://127.0.0.1:{port}/"
    if wait_healthy(url, proc):
        return url, proc
    stop(proc)
    sys.exit(f"the server for {script} did not start; its log: {log_path}")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
