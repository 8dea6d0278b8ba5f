"""What a signed-in user may see, enforced where the data is read (never by hiding a widget).

Roles (design.md): 审管办 / admin sees every court; 院领导 (leader) their court and its
district; 庭长 (head) their division; 法官 (judge) their own cases and figures, and their
division's figures as a whole. Every query the pages make passes its scope through
`Access.check`, which raises AccessDenied for anything outside; case lists go through
`check_cases`, which is stricter for judges.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

import duckdb

from .engine import Scope

ROLES = ("admin", "leader", "head", "judge")


class AccessDenied(PermissionError):
    pass


@dataclass(frozen=True)
class Access:
    role: str
    court: str | None = None
    division: str | None = None
    judge_id: str | None = None
    judge_names_visible: bool = False

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role}")
        if self.role != "admin" and not self.court:
            raise ValueError(f"role {self.role} needs a court")
        if self.role in ("head", "judge") and not self.division:
            raise ValueError(f"role {self.role} needs a division")
        if self.role == "judge" and not self.judge_id:
            raise ValueError("role judge needs a judge_id")

    def courts(self, con: duckdb.DuckDBPyConnection) -> list[str]:
        """Court codes this user may choose."""
        if self.role == "admin":
            rows = con.execute("SELECT court_code::VARCHAR FROM courts ORDER BY court_code").fetchall()
        elif self.role == "leader":
            rows = con.execute("SELECT court_code::VARCHAR FROM court_tree WHERE ancestor = ? ORDER BY court_code",
                               [self.court]).fetchall()
        else:
            rows = [(self.court,)]
        return [r[0] for r in rows]

    def home_scope(self) -> Scope:
        if self.role == "admin":
            return Scope()
        if self.role == "leader":
            return Scope(court=self.court, with_subordinates=True)
        if self.role == "head":
            return Scope(court=self.court, division=self.division)
        return Scope(court=self.court, division=self.division, judge_id=self.judge_id)

    def check(self, con: duckdb.DuckDBPyConnection, scope: Scope, by: str | None = None) -> Scope:
        """The scope if this user may see figures for it (grouped `by`), else AccessDenied."""
        if self.role == "admin":
            return scope
        if scope.court is None:
            raise AccessDenied("需要选择法院 / a court must be chosen")
        if self.role == "leader":
            if scope.court not in self.courts(con):
                raise AccessDenied(f"无权查看该法院 / not allowed to see court {scope.court}")
            return scope
        if scope.court != self.court or scope.with_subordinates:
            raise AccessDenied(f"只能查看本院 / only your own court ({self.court})")
        if scope.division != self.division:
            raise AccessDenied(f"只能查看本部门 / only your own division ({self.division})")
        if self.role == "judge" and scope.judge_id not in (None, self.judge_id):
            raise AccessDenied("只能查看本人的数据 / only your own figures")
        if self.role == "judge" and scope.judge_id is None and by == "judge":
            return scope  # division's judges compared: names are hidden by `anonymise`
        return scope

    def check_cases(self, con: duckdb.DuckDBPyConnection, scope: Scope) -> Scope:
        """Case lists: a judge sees only their own cases, whatever the scope asked for."""
        scope = self.check(con, scope)
        if self.role == "judge" and scope.judge_id != self.judge_id:
            raise AccessDenied("只能查看本人承办的案件 / only your own cases")
        return scope

    def anonymise(self, frame, id_column: str = "judge_id", name_column: str = "name", salt: str = ""):
        """For a judge, other judges appear as 法官A, 法官B … unless names are allowed. The letters
        follow a salted hash of the id (salt: per session), not the id order."""
        if self.role != "judge" or self.judge_names_visible or id_column not in frame.columns:
            return frame
        frame = frame.copy()
        others = sorted((j for j in frame[id_column].dropna().unique() if j != self.judge_id),
                        key=lambda j: hashlib.sha256(f"{salt}|{j}".encode()).hexdigest())
        alias = {j: f"法官{_letters(i)}" for i, j in enumerate(others)}
        mask = frame[id_column].notna() & (frame[id_column] != self.judge_id)
        if name_column in frame.columns:
            frame.loc[mask, name_column] = frame.loc[mask, id_column].map(alias)
        frame.loc[mask, id_column] = frame.loc[mask, id_column].map(alias)
        return frame

    def pin(self, scope: Scope) -> Scope:
        """The scope with this user's fixed parts filled in (division for heads and judges)."""
        if self.role in ("head", "judge"):
            return replace(scope, court=self.court, with_subordinates=False, division=self.division)
        return scope


def _letters(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s
