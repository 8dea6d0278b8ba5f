"""nginx (Debian's package) in front of several dashboard servers on this machine: the
configuration written from deploy/nginx.conf.template into a run folder, nginx started in the
foreground as a child process and stopped with it."""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
import urllib.request

TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nginx.conf.template")
INSTALL = "apt-get install -y nginx"
TEMP_FOLDERS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def render(listen: str, servers: list[str], run: str) -> str:
    """The configuration: `listen` as nginx writes it (127.0.0.1:8501), `servers` host:port each."""
    worker = "user www-data;" if os.geteuid() == 0 else ""  # as root, the workers drop to Debian's web user
    upstream = "\n".join(f"        server {s} max_fails=1 fail_timeout=10s;" for s in servers)
    with open(TEMPLATE, encoding="utf-8") as f:
        text = f.read()
    return (text.replace("@USER@", worker).replace("@RUN@", run).replace("@SERVERS@", upstream)
            .replace("@LISTEN@", listen))


def start(listen: str, servers: list[str], run: str) -> subprocess.Popen:
    """nginx serving on `listen` once it answers; its configuration and logs in `run`."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(binary):
        raise RuntimeError(f"nginx 未安装 / nginx is not installed: {INSTALL}")
    run = os.path.abspath(run)
    os.makedirs(run, exist_ok=True)
    for name in TEMP_FOLDERS:
        os.makedirs(os.path.join(run, name), exist_ok=True)
        if os.geteuid() == 0:
            user = pwd.getpwnam("www-data")
            os.chown(os.path.join(run, name), user.pw_uid, user.pw_gid)
    conf = os.path.join(run, "nginx.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write(render(listen, servers, run))
    proc = subprocess.Popen([binary, "-c", conf, "-p", run, "-e", os.path.join(run, "error.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    host, port = listen.rsplit(":", 1)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '*') else host}:{port}/_stcore/health"
    for _ in range(100):
        if proc.poll() is not None:
            break
        try:
            urllib.request.urlopen(url, timeout=2)
            return proc
        except OSError:
            time.sleep(0.2)
    stop(proc)
    with open(os.path.join(run, "error.log"), encoding="utf-8", errors="replace") as f:
        raise RuntimeError(f"nginx did not start: {f.read()[-2000:]}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()  # nginx's fast shutdown
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
