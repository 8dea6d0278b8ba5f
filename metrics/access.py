"""What a signed-in user may see, enforced where the data is read (never by hiding a widget).

The roles are one table (ROLES): each says how far the user reaches (every court, a court and
its district, a division, their own cases), what they compare, whether case lists hold only
their own cases and whether other judges appear anonymously. Every query the pages make
passes its scope through `Access.check`, which raises AccessDenied for anything outside; case
lists go through `check_cases`. The pages each role may open follow from its reach and rights
in the page table (ui/pages.py). Adding a role: a row here.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from enum import Enum

import duckdb

from schema import codes

from . import shared_reads
from .engine import Scope


class Reach(Enum):
    ALL = "all"            # every court
    DISTRICT = "district"  # their court and its district
    LINE = "line"          # their court and its district, in one category (条线: a business line)
    DIVISION = "division"  # their division of their court
    OWN = "own"            # their own cases and figures, and their division's figures as a whole


@dataclass(frozen=True, kw_only=True)
class Role:
    id: str
    zh: str
    en: str
    reach: Reach
    compare_levels: tuple[str, ...]  # what 对比分析, 综合评估 and 节点管控 group by: court, division, team, judge
    own_cases_only: bool             # case lists hold only the user's own cases
    others_anonymous: bool           # other judges appear as 法官A, 法官B … (unless judge_names_visible)
    manages_data: bool = False       # imports the data and makes the first account when the demo is left
    sets_actions: bool = False       # sets and closes the meetings' action items, and notes figures, within reach
    reports_progress: bool = False   # adds progress to the items their division owns, and notes its figures

    def name(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def needs(self) -> tuple[str, ...]:
        """The fields of a user's account this role needs."""
        return {Reach.ALL: (), Reach.DISTRICT: ("court",), Reach.LINE: ("court", "category"),
                Reach.DIVISION: ("court", "division"), Reach.OWN: ("court", "division", "judge_id")}[self.reach]


_ALL_LEVELS = ("court", "division", "team", "judge")
ROLES: dict[str, Role] = {r.id: r for r in (
    Role(id="admin", zh="审管办", en="Trial management office", reach=Reach.ALL, compare_levels=_ALL_LEVELS,
         own_cases_only=False, others_anonymous=False, manages_data=True, sets_actions=True),
    Role(id="leader", zh="院领导", en="Court leader", reach=Reach.DISTRICT, compare_levels=_ALL_LEVELS,
         own_cases_only=False, others_anonymous=False, sets_actions=True),
    Role(id="line", zh="条线庭长", en="Business-line head", reach=Reach.LINE, compare_levels=_ALL_LEVELS,
         own_cases_only=False, others_anonymous=False, reports_progress=True),
    Role(id="head", zh="庭长", en="Division head", reach=Reach.DIVISION, compare_levels=("judge", "team"),
         own_cases_only=False, others_anonymous=False, reports_progress=True),
    Role(id="judge", zh="法官", en="Judge", reach=Reach.OWN, compare_levels=("judge",),
         own_cases_only=True, others_anonymous=True),
)}


DATA_MANAGER = next(r.id for r in ROLES.values() if r.manages_data)  # the role of the first real account


class AccessDenied(PermissionError):
    pass


@dataclass(frozen=True)
class Access:
    role: str
    court: str | None = None
    division: str | None = None
    judge_id: str | None = None
    judge_names_visible: bool = False
    category: str | None = None  # the business line (民事, 刑事, 行政, 执行) of a 条线 head

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role}")
        for needed in self.rule.needs:
            if not getattr(self, needed):
                raise ValueError(f"role {self.role} needs a {needed}")
        if self.category is not None and self.rule.reach is not Reach.LINE:
            raise ValueError(f"role {self.role} takes no category")
        if self.category is not None and self.category not in codes.CATEGORIES:
            raise ValueError(f"unknown category {self.category} (民事|刑事|行政|执行)")

    @property
    def rule(self) -> Role:
        return ROLES[self.role]

    @property
    def district_wide(self) -> bool:
        """Sees courts (with their districts), not only a division."""
        return self.rule.reach in (Reach.ALL, Reach.DISTRICT, Reach.LINE)

    @property
    def fixed_division(self) -> str | None:
        """The division a head or judge is bound to (None when the user chooses courts)."""
        return None if self.district_wide else self.division

    def courts(self, con: duckdb.DuckDBPyConnection) -> list[str]:
        """Court codes this user may choose."""
        if self.rule.reach is Reach.ALL:
            return list(shared_reads.read(("every_court",), lambda: tuple(r[0] for r in con.execute(
                "SELECT court_code::VARCHAR FROM courts ORDER BY court_code").fetchall())))
        if self.rule.reach in (Reach.DISTRICT, Reach.LINE):
            return list(shared_reads.read(("district_of", self.court), lambda: tuple(r[0] for r in con.execute(
                "SELECT court_code::VARCHAR FROM court_tree WHERE ancestor = ? ORDER BY court_code",
                [self.court]).fetchall())))
        return [self.court]

    def check(self, con: duckdb.DuckDBPyConnection, scope: Scope, by: str | None = None) -> Scope:
        """The scope if this user may see figures for it (grouped `by`), else AccessDenied."""
        reach = self.rule.reach
        if (by == "team" or scope.team is not None) and "team" not in self.rule.compare_levels:
            raise AccessDenied("无权查看审判团队 / not allowed to see trial teams")
        if scope.team is not None and scope.court is None:
            raise AccessDenied("审判团队需要法院 / a trial team needs its court")
        if reach is Reach.ALL:
            return scope
        if scope.court is None:
            raise AccessDenied("需要选择法院 / a court must be chosen")
        if reach in (Reach.DISTRICT, Reach.LINE):
            if scope.court not in self.courts(con):
                raise AccessDenied(f"无权查看该法院 / not allowed to see court {scope.court}")
            if reach is Reach.LINE and scope.category != self.category:
                raise AccessDenied(f"只能查看本条线 / only your line ({self.category})")
            return scope
        if scope.court != self.court or scope.with_subordinates:
            raise AccessDenied(f"只能查看本院 / only your own court ({self.court})")
        if scope.division != self.division:
            raise AccessDenied(f"只能查看本部门 / only your own division ({self.division})")
        if reach is Reach.OWN and scope.judge_id not in (None, self.judge_id):
            raise AccessDenied("只能查看本人的数据 / only your own figures")
        if scope.team is not None and scope.team not in self.teams(con):
            raise AccessDenied(f"只能查看本部门的审判团队 / only your own division's trial teams ({self.division})")
        return scope  # a judge's division as a whole, or its judges compared (names hidden by `anonymise`)

    def teams(self, con: duckdb.DuckDBPyConnection) -> list[str]:
        """The trial teams of a division-bound user's division: those its cases' judges belong to
        (a case with no team is in none). The scope fixes the division, so a team's figures here
        are always of this division's cases."""
        if self.district_wide:
            raise ValueError("teams() is for a division-bound user")
        return list(shared_reads.read(("teams_of", self.court, self.division), lambda: tuple(r[0] for r in con.execute(
            "SELECT DISTINCT team FROM cases WHERE court_code::VARCHAR = ? AND division = ? AND team <> '' "
            "ORDER BY team", [self.court, self.division]).fetchall())))

    @property
    def profile_levels(self) -> tuple[str, ...]:
        """The units whose 画像 this user may open: a judge their own, a division head their
        division, its teams and its judges, a leader or the office every level within reach."""
        levels = {Reach.OWN: ("judge",), Reach.DIVISION: ("division", "team", "judge")}.get(
            self.rule.reach, ("court", "division", "team", "judge"))
        return tuple(lv for lv in levels if lv != "team" or "team" in self.rule.compare_levels)

    def check_profile(self, con: duckdb.DuckDBPyConnection, level: str, scope: Scope) -> Scope:
        """The scope of a unit's 画像 if this user may open it, else AccessDenied."""
        if level not in self.profile_levels:
            raise AccessDenied(f"无权查看该画像 / not allowed to see a {level} profile")
        if self.rule.reach is Reach.OWN and scope.judge_id != self.judge_id:
            raise AccessDenied("只能查看本人的画像 / only your own profile")
        return self.check(con, scope)

    def check_cases(self, con: duckdb.DuckDBPyConnection, scope: Scope) -> Scope:
        """Case lists: a user whose role lists only their own cases sees only those, whatever was asked."""
        scope = self.check(con, scope)
        if self.rule.own_cases_only and scope.judge_id != self.judge_id:
            raise AccessDenied("只能查看本人承办的案件 / only your own cases")
        return scope

    def anonymise(self, frame, id_column: str = "judge_id", name_column: str = "name", salt: str = "",
                  prefix: str = "法官"):
        """Other judges appear as 法官A, 法官B … for a role that hides them, unless names are allowed.
        The letters follow a salted hash of the id (salt: per session), not the id order."""
        if not self.rule.others_anonymous or self.judge_names_visible or id_column not in frame.columns:
            return frame
        frame = frame.copy()
        others = sorted((j for j in frame[id_column].dropna().unique() if j != self.judge_id),
                        key=lambda j: hashlib.sha256(f"{salt}|{j}".encode()).hexdigest())
        alias = {j: f"{prefix}{_letters(i)}" for i, j in enumerate(others)}
        mask = frame[id_column].notna() & (frame[id_column] != self.judge_id)
        if name_column in frame.columns:
            frame.loc[mask, name_column] = frame.loc[mask, id_column].map(alias)
        frame.loc[mask, id_column] = frame.loc[mask, id_column].map(alias)
        return frame

    # ---- the meetings' follow-up (followup/): items and notes about a unit's figure

    def _in_own_division(self, con: duckdb.DuckDBPyConnection, court: str, division: str | None,
                         judge_id: str | None) -> bool:
        """A unit of this user's court that is their division or one of its judges."""
        if court != self.court:
            return False
        if judge_id is not None:
            return judge_id == self.judge_id if self.rule.reach is Reach.OWN else bool(con.execute(
                "SELECT 1 FROM cases WHERE court_code::VARCHAR = ? AND judge_id = ? AND division = ? LIMIT 1",
                [court, judge_id, self.division]).fetchone())
        return division == self.division

    def sees_followup(self, con: duckdb.DuckDBPyConnection, court: str, with_subordinates: bool,
                      division: str | None, judge_id: str | None, owner: str | None = None) -> bool:
        """An item or note about a figure this user is part of (or, for a division-bound user, one
        their division owns): the office every one, a leader or line head those of their courts."""
        reach = self.rule.reach
        if reach is Reach.ALL:
            return True
        if reach in (Reach.DISTRICT, Reach.LINE):
            return court in self.courts(con)
        if division is None and judge_id is None:  # a court or district whose figure holds their cases
            return court == self.court or (with_subordinates and bool(con.execute(
                "SELECT 1 FROM court_tree WHERE ancestor = ? AND court_code::VARCHAR = ?", [court, self.court]).fetchone()))
        return self._in_own_division(con, court, division, judge_id) or (
            reach is Reach.DIVISION and court == self.court and owner == self.division)

    def check_sets_actions(self, con: duckdb.DuckDBPyConnection, scope: Scope) -> None:
        """Setting or closing an item (or a meeting) about `scope`: AccessDenied unless this role sets them and reaches it."""
        if not self.rule.sets_actions:
            raise AccessDenied("无权设定或销号整改事项 / not allowed to set or close action items")
        self.check(con, scope)

    def _writes_followup(self, con: duckdb.DuckDBPyConnection, court: str, read_only: str) -> bool:
        """What progress and notes share: True when one who sets items, or a line head, may write at
        `court` (within reach, else AccessDenied); AccessDenied `read_only` for a role that only
        reads; False for a division-bound user, whom their division decides."""
        if self.rule.sets_actions:
            self.check(con, Scope(court=court))
            return True
        if not self.rule.reports_progress:
            raise AccessDenied(read_only)
        if self.rule.reach is Reach.LINE:
            if court not in self.courts(con):
                raise AccessDenied(f"无权查看该法院 / not allowed to see court {court}")
            return True
        return False

    def check_progress(self, con: duckdb.DuckDBPyConnection, court: str, owner: str | None) -> None:
        """Adding progress to an item of `court` owned by division `owner`."""
        if not self._writes_followup(con, court, "只能查看整改事项 / action items are read-only for you") and (
                court != self.court or owner != self.division):
            raise AccessDenied("只能为本部门负责的事项填写进展 / only items your division owns")

    def check_notes(self, con: duckdb.DuckDBPyConnection, court: str, division: str | None, judge_id: str | None) -> None:
        """Writing a note (批注) on a unit's figure."""
        if not self._writes_followup(con, court, "只能查看批注 / notes are read-only for you") and (
                not self._in_own_division(con, court, division, judge_id)):
            raise AccessDenied("只能批注本部门的数据 / only your own division's figures")

    def pin(self, scope: Scope) -> Scope:
        """The scope with this user's fixed parts filled in: court and division for a division-bound
        user, and their own id on case lists that hold only their own cases."""
        if not self.district_wide:
            return replace(scope, court=self.court, with_subordinates=False, division=self.division)
        if self.rule.reach is Reach.LINE:
            return replace(scope, category=self.category)
        return scope


def _letters(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s
