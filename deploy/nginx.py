"""nginx (Debian's package) in front of several dashboard servers on this machine: the
configuration written from deploy/nginx.conf.template into a run folder, nginx started in the
foreground as a child process and stopped with it."""
from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import time
import urllib.request

TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nginx.conf.template")
INSTALL = "apt-get install -y nginx"
TEMP_FOLDERS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def render(listen: str, servers: list[str], run: str) -> str:
    """The configuration: `listen` as nginx writes it (127.0.0.1:8501), `servers` host:port each.
    Server i's browsers carry the routing cookie s<i>: keep the order when adding servers."""
    worker = "user www-data;" if os.geteuid() == 0 else ""  # as root, the workers drop to Debian's web user
    with open(TEMPLATE, encoding="utf-8") as f:
        text = f.read()
    return (text.replace("@USER@", worker).replace("@RUN@", run).replace("@LISTEN@", listen)
            .replace("@ROUTES@", _served_routes(servers)).replace("@POOLS@", _pools(servers))
            .replace("@SERVERS@", _servers(servers)).replace("@UPSTREAMS@", _one_server_upstreams(servers)))


def _server(address: str, backup: bool = False) -> str:
    return f"        server {address}{' backup' if backup else ' max_fails=1 fail_timeout=10s'};"


def _servers(servers: list[str]) -> str:
    return "\n".join(_server(s) for s in servers)


def _served_routes(servers: list[str]) -> str:
    """$served_route: the cookie of the server that answered (the last one nginx tried)."""
    lines = [f"        ~(^|\\s){re.escape(s)}$ s{i};" for i, s in enumerate(servers)]
    return "    map $upstream_addr $served_route {\n" + "\n".join(lines) + '\n        default "";\n    }'


def _pools(servers: list[str]) -> str:
    return "\n".join(f"        s{i} spzx_s{i};" for i in range(len(servers)))


def _one_server_upstreams(servers: list[str]) -> str:
    """An upstream per server, the others its backups (in turn from the next one, so that a
    stopped server's browsers spread over the rest)."""
    blocks = []
    for i, s in enumerate(servers):
        others = servers[i + 1:] + servers[:i]
        body = "\n".join([_server(s)] + [_server(o, backup=True) for o in others])
        blocks.append(f"    upstream spzx_s{i} {{\n{body}\n    }}")
    return "\n".join(blocks)


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


def main() -> int:
    """python -m deploy.nginx --listen 0.0.0.0:80 --run /var/lib/spzx-nginx 10.0.0.11:8501 10.0.0.12:8501
    prints the configuration for servers on other machines (keep their order when adding one)."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m deploy.nginx", description=main.__doc__)
    ap.add_argument("--listen", default="0.0.0.0:80", help="nginx's address, as nginx writes it")
    ap.add_argument("--run", required=True, help="the folder for nginx's pid, logs and temporary files")
    ap.add_argument("servers", nargs="+", metavar="HOST:PORT")
    a = ap.parse_args()
    print(render(a.listen, a.servers, os.path.abspath(a.run)), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
