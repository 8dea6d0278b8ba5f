"""Users and their scopes (config/users.toml), password sign-in with lock-out.

Passwords are stored only as Argon2 hashes (argon2-cffi). A deployment adds accounts with
`python -m security add-user`; the repository holds only the demo users, which have no
password and are offered only when demo_mode is on.
"""
from __future__ import annotations

import functools
import os
import tomllib
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from metrics.access import Access

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

    def by_email(self, email: str) -> User | None:
        return next((u for u in self.users.values() if u.email and u.email.lower() == (email or "").lower()), None)

    def demo_users(self) -> list[User]:
        return [u for u in self.users.values() if u.demo] if self.demo_mode else []


def users_path() -> str:
    return os.environ.get("SPZX_USERS", DEFAULT_USERS)


def load_users(path: str | None = None) -> UserConfig:
    """The configuration, parsed again only when the file changes (it is read on every page run)."""
    path = path or users_path()
    return _parse_users(path, os.stat(path).st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _parse_users(path: str, mtime_ns: int) -> UserConfig:
    with open(path, "rb") as f:
        raw = tomllib.load(f)
    settings = raw.get("settings", {})
    names_visible = bool(settings.get("judge_names_visible", False))
    users = {}
    for username, u in raw.get("users", {}).items():
        access = Access(u["role"], u.get("court"), u.get("division"), u.get("judge_id"), names_visible,
                        u.get("category"))
        users[username] = User(username, u.get("name", username), access, u.get("password_hash"), u.get("email"),
                               bool(u.get("demo", False)))
    return UserConfig(users, bool(settings.get("demo_mode", False)), int(settings.get("max_failures", 5)),
                      int(settings.get("lockout_minutes", 15)))


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
