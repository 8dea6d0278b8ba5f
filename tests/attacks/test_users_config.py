"""Issue 25, item 9: `python -m security add-user` printed text that was not valid UTF-8 (a
surrogate from a terminal in another encoding) and did not check for an existing user; pasting
its block made users.toml unreadable and every page showed an error. Now it refuses both, and a
users file that cannot be read keeps the server's last good configuration and says so to admins."""
from __future__ import annotations

import html
import os
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from security import __main__ as security_cli
from security import users
from tests.helpers import ROOT

USERS = """
[settings]
demo_mode = false
[users.office]
name = "审管办"
role = "admin"
password_hash = "x"
[users.leader]
name = "院领导"
role = "leader"
court = "示01"
password_hash = "x"
"""


@pytest.fixture
def users_file(tmp_path, monkeypatch):
    path = tmp_path / "users.toml"
    path.write_text(USERS, encoding="utf-8")
    monkeypatch.setenv("SPZX_USERS", str(path))
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.setenv("SPZX_ADDED_USERS", str(tmp_path / "users.added.toml"))
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)
    return path


def _add_user(monkeypatch, capsys, *argv: str, password: str = "correct horse battery") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["python -m security", "add-user", *argv])
    monkeypatch.setattr(security_cli.getpass, "getpass", lambda prompt="": password)
    code = security_cli.main()
    out = capsys.readouterr()
    return code, out.out, out.err


def _printable(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


@pytest.mark.parametrize("argv,named", [
    (["ok_name", "--role", "admin", "--name", "张\udce5\udc90"], "--name"),  # bytes of a GBK terminal, undecodable
    (["bad\udcff", "--role", "admin"], "username"),
    (["ok_name", "--role", "leader", "--court", "示0\udcb1"], "--court"),
    (["ok_name", "--role", "admin", "--email", "a\udc80@b.cn"], "--email"),
])
def test_add_user_refuses_text_that_is_not_utf8(users_file, monkeypatch, capsys, argv, named):
    code, out, err = _add_user(monkeypatch, capsys, *argv)
    assert code == 2 and out == "" and named in err and "UTF-8" in err
    assert _printable(err)


def test_add_user_refuses_a_password_that_is_not_utf8(users_file, monkeypatch, capsys):
    code, out, err = _add_user(monkeypatch, capsys, "ok_name", "--role", "admin", password="密码\udce5\udc90abcdefgh")
    assert code == 2 and out == "" and "UTF-8" in err


def test_add_user_refuses_an_existing_user_naming_the_file(users_file, monkeypatch, capsys):
    code, out, err = _add_user(monkeypatch, capsys, "office", "--role", "admin")
    assert code == 2 and out == ""
    assert "office" in err and str(users_file) in err and "exists already" in err


def test_add_user_refuses_a_user_made_on_the_server(users_file, tmp_path, monkeypatch, capsys):
    added = tmp_path / "users.added.toml"
    added.write_text('[users.first]\nname = "管理员"\nrole = "admin"\npassword_hash = "x"\n', encoding="utf-8")
    code, out, err = _add_user(monkeypatch, capsys, "first", "--role", "admin")
    assert code == 2 and out == "" and str(added) in err


def test_add_user_refuses_when_the_users_file_cannot_be_read(users_file, monkeypatch, capsys):
    users_file.write_bytes(USERS.encode() + b'\n[users.x]\nname = "\xe5\x90"\n')
    code, out, err = _add_user(monkeypatch, capsys, "newcomer", "--role", "admin")
    assert code == 2 and out == "" and str(users_file) in err


def test_add_user_prints_a_block_that_reads_back(users_file, monkeypatch, capsys):
    code, out, err = _add_user(monkeypatch, capsys, "newcomer", "--role", "leader", "--court", "示01", "--name", "新 \"人\"")
    assert code == 0, err
    users_file.write_text(USERS + out, encoding="utf-8")
    assert users.load_users().users["newcomer"].name == '新 "人"'


def test_the_command_line_refuses_undecodable_bytes(users_file):
    """As a terminal in another encoding hands them over: bytes Python decodes to surrogates."""
    run = subprocess.run([sys.executable, "-m", "security", "add-user", b"\xd5\xc5\xc8\xfd", "--role", "admin"],
                         cwd=ROOT, capture_output=True, stdin=subprocess.DEVNULL,
                         env={**os.environ, "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8"})
    assert run.returncode == 2 and run.stdout == b""
    run.stderr.decode("utf-8")  # the message itself is valid text
    assert b"UTF-8" in run.stderr


def _break(path, pasted: bytes = b'\n[users.new]\nname = "\xed\xb3\xbf"\nrole = "admin"\n') -> None:
    """Paste an invalid block into the file, with a new modification time."""
    with open(path, "ab") as f:
        f.write(pasted)
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


@pytest.mark.parametrize("pasted", [
    b'\n[users.new]\nname = "\xed\xb3\xbf"\nrole = "admin"\n',  # a surrogate, as add-user printed it
    b'\n[users.office]\nname = "again"\nrole = "admin"\n',      # a user pasted twice
    b'\n[users.new]\nrole = "emperor"\n',                        # a role that does not exist
    b'\n[users.new]\nname = "no role"\n',
])
def test_an_unreadable_users_file_keeps_the_last_good_configuration(users_file, pasted):
    good = users.load_users()
    assert getattr(good, "problem", None) is None and set(good.users) == {"office", "leader"}
    _break(users_file, pasted)
    kept = users.load_users()
    assert set(kept.users) == {"office", "leader"} and kept.users["office"] == good.users["office"]
    assert kept.problem and str(users_file) in kept.problem
    users_file.write_text(USERS.replace("院领导", "院长"), encoding="utf-8")  # mended: read again, no problem
    st = os.stat(users_file)
    os.utime(users_file, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    mended = users.load_users()
    assert mended.problem is None and mended.users["leader"].name == "院长"


def test_without_a_last_good_configuration_the_error_names_the_file(tmp_path, monkeypatch):
    path = tmp_path / "never.toml"
    path.write_bytes(b'[users.x]\nname = "\xed\xb3\xbf"\n')
    with pytest.raises(users.UsersFileError, match="never.toml"):
        users.load_users(str(path))


# The running server: admins are told, the others keep working.

_DEMO = """
import sys
import data.demo as g
g.generate(sys.argv[1], cases=2000, seed=2026, progress=False)
"""


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("users_demo") / "demo.duckdb")
    subprocess.run([sys.executable, "-c", _DEMO, db], cwd=ROOT, check=True)
    return db


@pytest.fixture
def app(small_db, users_file, monkeypatch):
    monkeypatch.setenv("SPZX_DB", small_db)
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(os.path.join(ROOT, "app.py"), default_timeout=60)


def _warnings(at) -> list[str]:
    return [html.unescape(w.value) for w in at.warning]


def test_the_server_keeps_signing_in_and_tells_the_admin(app, users_file):
    app.session_state["_user"] = "office"
    at = app.run()
    assert not at.exception and not [w for w in _warnings(at) if "用户配置文件" in w]
    _break(users_file)
    at.switch_page("app_pages/definitions.py").run()
    assert not at.exception
    told = [w for w in _warnings(at) if "沿用上次读取成功的用户配置" in w]
    assert told and "users.toml" in told[0]


def test_other_roles_work_on_without_the_detail(app, users_file):
    users.load_users()
    _break(users_file)
    app.session_state["_user"] = "leader"
    at = app.run()
    assert not at.exception and at.title
    assert not [w for w in _warnings(at) if "用户配置文件" in w]


def test_the_sign_in_page_says_the_last_good_configuration_is_in_use(app, users_file):
    users.load_users()
    _break(users_file)
    at = app.run()
    assert not at.exception
    said = [w for w in _warnings(at) if "沿用上次读取成功的配置" in w]
    assert said and "users.toml" not in said[0]  # the file and the error: for admins, after signing in


def test_a_server_started_with_an_unreadable_users_file_says_so_calmly(app, users_file):
    """No earlier configuration to keep (this file was never read whole): nobody signs in, the page
    says why in words (not Streamlit's bare error), without the file's path or the parser's text."""
    _break(users_file)
    at = app.run()
    assert not at.exception
    said = [html.unescape(e.value) for e in at.error]
    assert said == ["用户配置文件无法读取，暂时无法登录。管理员请查看服务器日志中的原因并修正该文件（无需重启）。"]
    assert not at.text_input  # no sign-in form
    users_file.write_text(USERS, encoding="utf-8")  # fixed: sign-in is back without a restart
    at = app.run()
    assert not at.exception and not at.error and at.text_input
