"""Where a measure's rows come from and which unit each row counts for, declared once.

A source is a relation whose rows each hold a column for every unit key (court, division, judge,
team) and scope attribute (category, 涉企, case type) it knows. A measure reads the source of its
kind (measures.py); the scope's condition, the groupings, the keys of the fact tables and the
drill-down lists take their columns from here. Two sources are joins resolved once at load time:

  origin  a case counted for its origin case (cases.origin_case_no = origin.case_no): data/store.py
          writes the origin's keys on the case as origin_*; the case type is the case's own, so a
          case-type scope does not apply
  visits  a letter or visit counted for the case it names (visits.case_no = cases.case_no), else for
          the court that registered it only (metrics/visits.py ATTRIBUTED_SELECT, stored as facts_visits)

Every fact table is keyed by the unit names (court_code, division …), whatever the source's columns.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .measures import BY_NAME, Kind

UNIT_KEYS = ("court_code", "division", "judge_id", "team")


@dataclass(frozen=True)
class Source:
    name: str
    facts: str                    # the fact table built from it at load time
    columns: Mapping[str, str]    # unit key or scope attribute -> the source's column holding it

    def column(self, key: str) -> str | None:
        """The column holding `key`, None when this source's rows do not have it (no such filter applies)."""
        return self.columns.get(key)

    @property
    def stored(self) -> Source:
        """This source as its fact table holds it: the same keys, each under its own name."""
        return Source(self.name, self.facts, _same(*self.columns))


def _same(*keys: str) -> dict[str, str]:
    return {k: k for k in keys}


# The order of the keys is the order of the fact tables' columns (and so part of the facts version).
CASES = Source("cases", "facts", _same("court_code", "division", "judge_id", "team", "case_type", "category",
                                       "enterprise"))
ORIGIN = Source("origin", "facts_origin", {"court_code": "origin_court", "division": "origin_division",
                                           "judge_id": "origin_judge_id", "team": "origin_team",
                                           "category": "origin_category", "enterprise": "origin_enterprise"})
VISITS = Source("visits", "facts_visits", _same(*CASES.columns))
_OF_KIND = {Kind.ORIGIN: ORIGIN, Kind.VISIT: VISITS}


def of(measure: str | None) -> Source:
    """The source measure `measure` reads (cases for None: a part that lists nothing)."""
    return CASES if measure is None else _OF_KIND.get(BY_NAME[measure].kind, CASES)
