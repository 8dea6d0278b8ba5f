"""Meetings, action items and notes as the follow-up keeps them, and an item's status.

Status (STATUSES), worked out from the data at every look, never stored:
  closed    closed by a person, with a note (已销号)
  met       the unit's value now reaches the target (已达标)
  overdue   the deadline has passed, not met (已逾期)
  on_track  not yet due, and the pace since the item was set reaches the target by the deadline (进度正常)
  at_risk   not yet due, and it does not (有风险)
The pace follows the year-end outlook's reasoning (metrics/outlook.py): what the figures did
since the item was set is carried on to the deadline — the change per day between the value
then and the value now, continued; with no later data than the item's own, the value now is
carried forward as the outlook carries a rate forward.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from metrics.catalogue import BY_ID, Direction
from metrics.engine import Scope
from metrics.evaluation import assess

STATUSES = ("met", "on_track", "at_risk", "overdue", "closed")
RANGE = "range"  # the target "into the indicator's range"
LEVELS = ("court", "division", "judge")


@dataclass(frozen=True)
class Unit:
    """Whose figure: a court (with its district or not), a division of it, or a judge of it."""
    court: str
    with_subordinates: bool = False
    division: str | None = None
    judge_id: str | None = None

    @property
    def level(self) -> str:
        return "judge" if self.judge_id else "division" if self.division else "court"

    @property
    def scope(self) -> Scope:
        return Scope(court=self.court, with_subordinates=self.with_subordinates, division=self.division,
                     judge_id=self.judge_id)


@dataclass(frozen=True)
class Meeting:
    id: int
    name: str
    held: dt.date
    court: str | None
    with_subordinates: bool
    period: str  # as `python -m metrics --period` takes it
    cumulative: bool
    data_date: dt.date  # the data the meeting looked at
    minutes: str = ""
    briefing: str = ""  # the briefing as issued, frozen (JSON; report/briefing.py)
    created_by: str = ""


@dataclass(frozen=True)
class Progress:
    at: str
    username: str
    text: str


@dataclass(frozen=True)
class Item:
    id: int
    meeting_id: int
    meeting: str
    indicator: str
    unit: Unit
    target: str  # RANGE, or the value to reach as text ("0.9")
    due: dt.date
    owner: str | None
    note: str
    value_at_creation: float | None
    data_date_at_creation: dt.date
    created_by: str
    created_at: str
    closed_at: str | None = None
    closed_by: str | None = None
    close_note: str | None = None
    progress: tuple[Progress, ...] = field(default=())

    @property
    def target_value(self) -> float | None:
        return None if self.target == RANGE else float(self.target)


@dataclass(frozen=True)
class Note:
    id: int
    indicator: str
    unit: Unit
    month: str  # 2026-03
    text: str
    created_by: str
    created_at: str


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def reaches(indicator: str, target: str, value, rng: tuple[float, float] | None) -> bool:
    """Whether `value` meets the target: inside the range (or past it on the better side), or at
    the target value or better."""
    if _missing(value):
        return False
    ind = BY_ID[indicator]
    if target == RANGE:
        status, side = assess(ind, value, rng)
        return status == "meets" or side == "better"
    goal = float(target)
    return value >= goal if ind.direction is Direction.HIGHER else value <= goal


def projected(item: Item, value_now, data_date: dt.date) -> float | None:
    """The value at the deadline at the pace since the item was set (see the module's note)."""
    if _missing(value_now):
        return None
    then, since = item.value_at_creation, (data_date - item.data_date_at_creation).days
    if _missing(then) or since <= 0:
        return value_now
    return value_now + (value_now - then) / since * max(0, (item.due - data_date).days)


def status(item: Item, value_now, rng: tuple[float, float] | None, today: dt.date, data_date: dt.date) -> str:
    if item.closed_at:
        return "closed"
    if reaches(item.indicator, item.target, value_now, rng):
        return "met"
    if today > item.due:
        return "overdue"
    return "on_track" if reaches(item.indicator, item.target, projected(item, value_now, data_date), rng) else "at_risk"
