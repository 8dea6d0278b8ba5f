"""A recipient as the pages see them: their account, their language, the scope their role opens
on, pinned and checked by the same Access rules as every page (metrics/query.py). A message
is built from this and nothing else, so it holds what its recipient may see."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from metrics import inventory
from metrics.query import Query
from security.users import User

from .model import Past, Subscription


@dataclass
class Recipient:
    sub: Subscription
    user: User
    con: duckdb.DuckDBPyConnection
    now: dt.datetime
    past: list[Past]
    shared: dict = field(default_factory=dict)  # one run's answers that recipients alike share (by what decides them)

    @property
    def access(self):
        return self.user.access

    @property
    def lang(self) -> str:
        return self.sub.lang

    @property
    def today(self) -> dt.date:
        return self.now.date()

    def home(self, period: str = "", cumulative: bool = True, cases: bool = False) -> Query:
        """The scope the user's pages open on — the province, their court with its district, their
        line, their division, their own cases — pinned and checked (AccessDenied otherwise)."""
        a = self.access
        q = Query(viewer=a, period=period or str(self.data_date().year), cumulative=cumulative, court=a.court,
                  district=a.district_wide and a.court is not None, category=a.category,
                  division=a.fixed_division, as_of=self.data_date())
        return q.authorised(self.con, cases=cases)

    def data_date(self) -> dt.date:
        """The date every court of the user's scope has data up to."""
        a = self.access
        if "court_dates" not in self.shared:
            self.shared["court_dates"] = (inventory.court_dates(self.con),
                                          dt.date.fromisoformat(inventory.meta(self.con)["data_date"]))
        dates, day = self.shared["court_dates"]
        return inventory.scope_dates(dates, a.court, a.district_wide and a.court is not None, day).through

    def once(self, key: tuple, make):
        """`make()` once per run for every recipient whose `key` is the same (a pack of one scope)."""
        if key not in self.shared:
            self.shared[key] = make()
        return self.shared[key]

    def sent(self, prefix: str) -> list[Past]:
        """Earlier messages (or quiet checks) of this subscription whose occurrence starts with `prefix`."""
        return [p for p in self.past if p.occurrence.startswith(prefix) and p.status in ("sent", "quiet", "uncertain")]
