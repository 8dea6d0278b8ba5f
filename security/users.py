"""Users and their scopes (config/users.toml), password sign-in with lock-out.

Passwords are stored only as Argon2 hashes (argon2-cffi). A deployment adds accounts with
`python -m security add-user`; the repository holds only the demo users, which have no
password and are offered only when demo_mode is on.
"""
from __future__ import annotations

import dataclasses
import functools
import os
import tomllib
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from metrics.access import DATA_MANAGER, Access

from . import audit

DEFAULT_USERS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "config", "users.toml")
_hasher = PasswordHasher()


class SignInError(Exception):
    """A refused sign-in: `key` names its text in present/text.py (the message is both languages)."""

    def __init__(self, key: str, message: str, **values):
        super().__init__(message)
        self.key, self.values = key, values


@dataclass(frozen=True)
class User:
    username: str
    name: str
    access: Access
    password_hash: str | None = None
    email: str | None = None
    demo: bool = False


@dataclass(frozen=True)
class UserConfig:
    users: dict[str, User]
    demo_mode: bool
    max_failures: int
    lockout_minutes: int
    problem: str | None = None  # a file that could not be read; the last good configuration is in use

    def by_email(self, email: str) -> User | None:
        # a demo account is never signed in by an identity provider, whatever address it shows
        return next((u for u in self.users.values()
                     if u.email and not u.demo and u.email.lower() == (email or "").lower()), None)

    def demo_users(self) -> list[User]:
        return [u for u in self.users.values() if u.demo] if self.demo_mode else []


def users_path() -> str:
    return os.environ.get("SPZX_USERS", DEFAULT_USERS)


def added_users_path() -> str:
    """Accounts made on the server (the first admin of a court leaving the demo): a file beside
    the application state, never in the repository (SPZX_ADDED_USERS names another)."""
    from .state import state_path

    return os.environ.get("SPZX_ADDED_USERS") or os.path.join(os.path.dirname(os.path.abspath(state_path())),
                                                              "users.added.toml")


class UsersFileError(ValueError):
    """A users file that cannot be read (both languages, naming the file)."""


_last_good: dict[str, UserConfig] = {}  # per users file: what this server last read whole
_said: set[str] = set()


def load_users(path: str | None = None) -> UserConfig:
    """The configuration, parsed again only when a file changes (it is read on every page run):
    the users file, plus the accounts made on the server (a name of the users file wins).

    A file that cannot be read (a pasted block of invalid UTF-8, a typo in the TOML, a role that
    does not exist) does not stop the server: the last configuration it read whole stays in use,
    with `problem` saying so (the pages show it to admins). Without one, UsersFileError."""
    path = path or users_path()
    added = added_users_path()
    try:
        config, whole = _parse_users(path, _stamp(path, must=True), added, _stamp(added)), True
    except UsersFileError as e:
        config, whole = UserConfig({}, False, 5, 15, str(e)), False
    if config.problem is None:
        _last_good[path] = config
        return config
    good = _last_good.get(path)
    if config.problem not in _said:  # once in the server's log, not on every run
        _said.add(config.problem)
        import sys

        kept = "沿用上次读取成功的配置 / the last good configuration stays in use" if good else "没有可沿用的配置 / none to keep"
        print(f"{config.problem}; {kept}", file=sys.stderr, flush=True)
    if good is not None:
        return dataclasses.replace(good, problem=config.problem)
    if whole:  # only the accounts file failed: the users file's accounts still sign in
        return config
    raise UsersFileError(config.problem)


def _stamp(path: str, must: bool = False) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except FileNotFoundError:
        if must:
            raise UsersFileError(f"用户配置文件不存在 / the users file does not exist: {path}") from None
        return 0


def _unreadable(path: str, e: Exception) -> str:
    return f"用户配置文件无法读取 / cannot read the users file {path}: {e}"


@functools.lru_cache(maxsize=4)
def _parse_users(path: str, mtime_ns: int, added: str, added_ns: int) -> UserConfig:
    try:
        with open(path, "rb") as f:
            raw = tomllib.load(f)
        settings = raw.get("settings", {})
        names_visible = bool(settings.get("judge_names_visible", False))
        listed, problem = _added_users(added) if added_ns else ({}, None)
        listed.update(raw.get("users", {}))
        users = {}
        for username, u in listed.items():
            access = Access(u["role"], u.get("court"), u.get("division"), u.get("judge_id"), names_visible,
                            u.get("category"))
            users[username] = User(username, u.get("name", username), access, u.get("password_hash"), u.get("email"),
                                   bool(u.get("demo", False)))
        return UserConfig(users, bool(settings.get("demo_mode", False)), int(settings.get("max_failures", 5)),
                          int(settings.get("lockout_minutes", 15)), problem)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError,
            AttributeError) as e:  # ValueError: an unknown role or court level (metrics.access)
        raise UsersFileError(_unreadable(path, e)) from None


def _added_users(path: str) -> tuple[dict, str | None]:
    """The [users.*] of the accounts file, and what is wrong with it: an unreadable file adds
    nobody (and is not fatal: the users file's accounts still sign in)."""
    try:
        with open(path, "rb") as f:
            return {name: dict(u, demo=False) for name, u in tomllib.load(f).get("users", {}).items()}, None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError, TypeError) as e:
        return {}, _unreadable(path, e)


def holder_of(username: str) -> str | None:
    """The file that already has an account `username` (the users file, or the accounts made on
    the server), or None. UsersFileError when one cannot be read: a name could not be checked."""
    for path in (users_path(), added_users_path()):
        try:
            with open(path, "rb") as f:
                listed = tomllib.load(f).get("users", {})
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            raise UsersFileError(_unreadable(path, e)) from None
        if username in listed:
            return path
    return None


def refuse_new_account(username: str, values: dict[str, str | None]) -> None:
    """UsersFileError (ValueError) when `python -m security add-user` must not print an account:
    a value that is not valid text (its block would make the users file unreadable), a user name
    that exists already, or a users file that cannot be read to check it."""
    if bad := not_utf8(values):
        raise UsersFileError(f"{', '.join(bad)} 含无效字符（终端编码不是 UTF-8？）/ {', '.join(bad)}: not valid "
                             "UTF-8 text (is the terminal's encoding UTF-8?)")
    if held := holder_of(username):
        raise UsersFileError(f"用户名已存在：{username}（{held}）/ the user name {username} exists already in {held}")


def not_utf8(values: dict[str, str | None]) -> list[str]:
    """The names of the values that are not valid Unicode text (a terminal in another encoding
    hands Python undecodable bytes as lone surrogates, which no TOML file can hold)."""
    bad = []
    for what, value in values.items():
        try:
            (value or "").encode("utf-8")
        except UnicodeEncodeError:
            bad.append(what)
    return bad


NAME_RE = r"[A-Za-z0-9_.\-]{3,32}"
MIN_PASSWORD = 10


def toml_string(value: str) -> str:
    """A TOML basic string: JSON's escaping is valid TOML (quotes, backslashes, control characters)."""
    import json

    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")  # TOML also wants DEL escaped


def setup_code_path() -> str:
    return os.path.join(os.path.dirname(added_users_path()), "first-admin.code")


def setup_code() -> str:
    """Where the one-time code for the first real admin lives: made on first need, readable only by
    the server's user, and printed to the server's log (the terminal of ./run.sh). Whoever makes the
    first account must show they run the server: the demo accounts need no password."""
    import secrets
    import sys

    path = setup_code_path()
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(4) + "\n")
        with open(path) as f:
            print(f"第一个管理员账户的设置码 / setup code for the first admin account: {f.read().strip()} ({path})",
                  file=sys.stderr, flush=True)
    return path


def real_admins() -> list[str]:
    """The accounts that can manage real data (not the demo's)."""
    return sorted(u.username for u in load_users().users.values() if u.access.rule.manages_data and not u.demo)


def add_admin(username: str, name: str, password: str, again: str, code: str, by: str) -> User:
    """Make the first real admin account in the accounts file (Argon2 hash, as `python -m security
    add-user` prints), audited. Refused (SignInError) when an admin exists already, the setup code
    (setup_code) is wrong, the name is taken or malformed, or the password too short or not typed
    the same twice. Under a lock, the file is checked and replaced atomically; the code is used up."""
    import fcntl
    import hmac
    import re
    import tempfile

    username = (username or "").strip()
    if not re.fullmatch(NAME_RE, username):
        raise SignInError("account_name_bad", "用户名须为3—32位字母、数字、点、横线或下划线 / the user name must be 3–32 "
                          "letters, digits, dots, dashes or underscores")
    if len(password or "") < MIN_PASSWORD or password != again:
        raise SignInError("account_password_bad", f"密码至少{MIN_PASSWORD}位且两次一致 / at least {MIN_PASSWORD} "
                          "characters, typed the same twice", n=MIN_PASSWORD)
    path = added_users_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two tabs at once: one account, and neither write lost
        if real_admins():
            raise SignInError("account_admin_exists", "已有管理员账户 / an admin account exists already")
        try:
            with open(setup_code_path()) as f:
                wanted = f.read().strip()
        except OSError:
            wanted = ""
        if not wanted or not hmac.compare_digest(wanted.encode(), (code or "").strip().encode()):
            audit.record(by, "add_user_refused", "wrong setup code")
            raise SignInError("account_code_bad", "设置码不对 / wrong setup code")
        if username in load_users().users:
            raise SignInError("account_taken", f"用户名已存在：{username} / the user name is taken", name=username)
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else \
            "# 在看板上创建的账户 / accounts made on the dashboard (python -m security add-user for others)\n"
        block = (f"\n[users.{toml_string(username)}]\nname = {toml_string((name or '').strip()[:MAX_NAME] or username)}\n"
                 f"role = {toml_string(DATA_MANAGER)}\npassword_hash = {toml_string(hash_password(password))}\n")
        tomllib.loads(old + block)  # never write a file that would not read back
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".users.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(old + block)
            os.chmod(tmp, 0o600)  # password hashes: readable by the server alone
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise
        os.remove(setup_code_path())  # used up
    audit.record(by, "add_user", f"{username}: {DATA_MANAGER}")
    return load_users().users[username]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


_DUMMY_HASH = _hasher.hash("no such user")
MAX_NAME = 64


def sign_in(config: UserConfig, username: str, password: str) -> User:
    """The user when the password is right; SignInError (recorded in the audit log) otherwise.

    The attempt counts as a failure until the password checks out, so parallel guesses cannot
    pass the lock-out; an unknown user costs the same hash check as a wrong password."""
    username = (username or "").strip()[:MAX_NAME]
    if not audit.claim_attempt(username, config.max_failures, config.lockout_minutes):
        audit.record(username, "sign_in_locked")
        raise SignInError("locked_out", f"失败次数过多，请{config.lockout_minutes}分钟后再试 / too many failed "
                          f"attempts, try again in {config.lockout_minutes} minutes", minutes=config.lockout_minutes)
    user = config.users.get(username)
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    try:
        ok = _hasher.verify(stored, password or "") and stored is not _DUMMY_HASH
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        audit.record(username, "sign_in_failed", "unknown user" if user is None else "wrong password")
        raise SignInError("wrong_password", "用户名或密码错误 / wrong user name or password")
    audit.record(username, "sign_in")  # attempts count again from here
    return user


def sign_in_demo(config: UserConfig, username: str, data_is_demo: bool = True) -> User:
    """Demo users exist only in demo mode and only over the synthetic demo data."""
    user = config.users.get(username)
    if not config.demo_mode or not data_is_demo or user is None or not user.demo:
        raise SignInError("demo_disabled", "演示用户不可用 / demo users are not enabled")
    audit.record(username, "sign_in", "demo")
    return user
