"""What a subscription is, what it is due and what it was sent: plain records, no behaviour."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Subscription:
    id: int
    username: str
    kind: str
    channel: str
    address: str  # an e-mail address or a webhook URL; "" for the user's own address
    lang: str
    active: bool = True
    created_by: str = ""
    created_at: str = ""


@dataclass(frozen=True)
class Occurrence:
    """One message a subscription is due: `name` is unique within the subscription (a week, a
    period, a data date, an item's turn); `detail` is what it carries, kept in the log."""
    name: str
    detail: dict = field(default_factory=dict)
    quiet: bool = False  # looked and found nothing to tell: logged (the next look compares with it), not sent


@dataclass(frozen=True)
class Past:
    """A message of this subscription in the log."""
    occurrence: str
    status: str
    detail: dict
