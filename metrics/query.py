"""What a page asks for: one frozen object holding the filters and who is asking.

Every query of the dashboard takes a Query; `authorised` pins it to what the viewer's role
allows and refuses anything outside (metrics/access.py), before anything is computed or a
cached result is served.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import duckdb

from .access import Access
from .engine import Scope
from .periods import Period


@dataclass(frozen=True, kw_only=True)
class Query:
    viewer: Access
    period: str
    cumulative: bool = True
    court: str | None = None
    district: bool = False
    category: str | None = None
    enterprise: bool = False  # 涉企 cases only
    division: str | None = None
    judge_id: str | None = None
    team: str | None = None  # a trial team of the court (审判团队)
    as_of: dt.date | None = None  # the data date: a period not yet ended is computed up to it

    @property
    def scope(self) -> Scope:
        return Scope(court=self.court, with_subordinates=self.district, category=self.category,
                     division=self.division, judge_id=self.judge_id, team=self.team, enterprise=self.enterprise)

    @property
    def period_obj(self) -> Period:
        return Period.parse(self.period, self.cumulative).to_date(self.as_of)

    def narrow(self, **changes) -> "Query":
        """The same question with some filters changed (a unit, a period, a category)."""
        return replace(self, **changes)

    def authorised(self, con: duckdb.DuckDBPyConnection, by: str | None = None, cases: bool = False) -> "Query":
        """The query pinned to the viewer's fixed scope and checked; raises AccessDenied."""
        v = self.viewer
        scope = v.pin(self.scope)
        if cases and v.rule.own_cases_only:
            scope = replace(scope, judge_id=v.judge_id)
        scope = v.check_cases(con, scope) if cases else v.check(con, scope, by)
        return replace(self, court=scope.court, district=scope.with_subordinates, category=scope.category,
                       division=scope.division, judge_id=scope.judge_id, team=scope.team)
