"""The nginx configuration for servers on other machines (python -m deploy.nginx): nginx accepts
it, and every server has its routing cookie, its own upstream with the others as backups, and a
place among the servers new browsers are spread over."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from deploy.nginx import TEMP_FOLDERS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVERS = ["10.0.0.11:8501", "10.0.0.12:8501", "10.0.0.13:8502"]


def _printed(run: str) -> str:
    return subprocess.run([sys.executable, "-m", "deploy.nginx", "--listen", "127.0.0.1:8798", "--run", run, *SERVERS],
                          cwd=ROOT, capture_output=True, text=True, check=True).stdout


def test_each_server_has_its_cookie_upstream_and_backups(tmp_path):
    conf = _printed(str(tmp_path))
    for i, server in enumerate(SERVERS):
        assert f"~(^|\\s){re.escape(server)}$ s{i};" in conf  # the cookie of the server that answered
        assert f"s{i} spzx_s{i};" in conf  # the cookie's server
        block = re.search(rf"upstream spzx_s{i} \{{(.*?)\}}", conf, re.S).group(1)
        assert re.findall(r"server (\S+)", block) == SERVERS[i:] + SERVERS[:i]
        assert block.count(" backup;") == len(SERVERS) - 1
    new = re.search(r"upstream spzx_new \{(.*?)\}", conf, re.S).group(1)
    assert "least_conn;" in new and re.findall(r"server (\S+)", new) == SERVERS


@pytest.mark.skipif(not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")), reason="nginx not installed")
def test_nginx_accepts_it(tmp_path):
    for name in TEMP_FOLDERS:
        (tmp_path / name).mkdir()
    (tmp_path / "nginx.conf").write_text(_printed(str(tmp_path)), encoding="utf-8")
    done = subprocess.run([shutil.which("nginx") or "/usr/sbin/nginx", "-t", "-c", str(tmp_path / "nginx.conf"),
                           "-p", str(tmp_path), "-e", str(tmp_path / "error.log")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
