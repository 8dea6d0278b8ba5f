"""This installation's secret: made once, kept beside the audit log with owner-only access, never
in the repository. It signs the session cookie and keys the judges' pseudonyms."""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets

from security.audit import state_path


def _key_path() -> str:
    return os.path.join(os.path.dirname(os.path.abspath(state_path())), "server.key")


def server_key() -> bytes:
    """SPZX_SECRET if set (several servers behind one address share it), else the key file,
    created on first use."""
    if os.environ.get("SPZX_SECRET"):
        return os.environ["SPZX_SECRET"].encode()
    path = _key_path()
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        key = secrets.token_hex(32).encode()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another server process made it first
            return server_key()
        with os.fdopen(fd, "wb") as f:
            f.write(key)
        return key


def keyed(purpose: str, text: str) -> str:
    """An HMAC of `text` under the server key, for one purpose (never reversible to `text`)."""
    return hmac.new(server_key(), f"{purpose}|{text}".encode(), hashlib.sha256).hexdigest()
