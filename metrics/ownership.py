"""对口认领: the division that owns each indicator and must move it, per court.

The ownership file (config/ownership.toml, or SPZX_OWNERSHIP_CONFIG) gives a default owner per
indicator and, per court, owners that replace it:

    [default]
    within_limit_rate = "民一庭"
    [courts."示0101"]
    mediation_rate = "民二庭"

Without the file no indicator has an owner. Pages show the owner next to an indicator that is
out of range on the worse side.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from .catalogue import BY_ID
from .evaluation import ConfigError, parsed_once, read_toml

DEFAULT_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "config", "ownership.toml")


@dataclass(frozen=True)
class Ownership:
    default: dict[str, str] = field(default_factory=dict)
    courts: dict[str, dict[str, str]] = field(default_factory=dict)

    def owner(self, indicator: str, court: str | None = None) -> str | None:
        """The division that owns `indicator` at `court` (its own line, else the default)."""
        return self.courts.get(court or "", {}).get(indicator) or self.default.get(indicator)


def ownership_path() -> str:
    return os.environ.get("SPZX_OWNERSHIP_CONFIG") or DEFAULT_FILE


def _owners(table, where: str) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: 应为表 / must be a table of indicator = \"division\"")
    out = {}
    for ind, owner in table.items():
        if ind not in BY_ID:
            raise ConfigError(f"{where}.{ind}: 未知指标 / unknown indicator")
        if not isinstance(owner, str) or not owner.strip():
            raise ConfigError(f"{where}.{ind}: 责任部门应为非空文字 / the owner must be a division's name")
        out[ind] = owner.strip()
    return out


def parse(raw: dict, where: str) -> Ownership:
    """The ownership from a parsed TOML table; ConfigError names the key that is wrong."""
    unknown = set(raw) - {"default", "courts", "illustrative"}
    if unknown:
        raise ConfigError(f"{where}: 未知项 / unknown keys {sorted(unknown)}")
    courts = raw.get("courts", {})
    if not isinstance(courts, dict):
        raise ConfigError(f"{where}: courts 应为表 / courts must be a table")
    return Ownership(default=_owners(raw.get("default", {}), f"{where} default"),
                     courts={str(c): _owners(t, f"{where} courts.{c}") for c, t in courts.items()})


def load(path: str | None = None) -> Ownership:
    """The ownership in use; none at all when there is no file."""
    path = path or ownership_path()
    if not os.path.exists(path):
        return Ownership()
    return parsed_once("ownership", path, lambda: parse(read_toml(path, "对口认领配置 / the ownership file"), path))
