"""This installation's secret: made once, kept beside the audit log with owner-only access, never
in the repository. It signs the session cookie and keys the judges' pseudonyms."""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets

from security.state import state_path


def _key_path() -> str:
    return os.path.join(os.path.dirname(os.path.abspath(state_path())), "server.key")


def key_present() -> bool:
    """Whether this installation has its key already (commands that vouch with it must not make a new one)."""
    return bool(os.environ.get("SPZX_SECRET")) or os.path.exists(_key_path())


MIN_KEY = 32  # bytes; a shorter (or empty, half-written) key is refused


def server_key() -> bytes:
    """SPZX_SECRET if set (several servers behind one address share it), else the key file,
    created on first use: written to a temporary file and linked into place, so no process
    ever reads a half-written key."""
    secret = os.environ.get("SPZX_SECRET")
    if secret:
        if len(secret.encode()) < MIN_KEY:
            raise RuntimeError(f"SPZX_SECRET must be at least {MIN_KEY} bytes")
        return secret.encode()
    path = _key_path()
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_hex(32).encode())
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)  # fails if another process linked its key first: theirs is kept
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    with open(path, "rb") as f:
        key = f.read()
    if len(key) < MIN_KEY:
        raise RuntimeError(f"{path} holds no usable key: delete it and restart (signed-in users sign in again)")
    return key


def keyed(purpose: str, text: str, key: bytes | None = None) -> str:
    """An HMAC of `text` under the server key (or `key`, read once by a caller making many), for one
    purpose (never reversible to `text`)."""
    return hmac.new(key or server_key(), f"{purpose}|{text}".encode(), hashlib.sha256).hexdigest()
