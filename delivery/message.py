"""A message as built for one recipient, before any channel: a subject, plain lines, files."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Attachment:
    filename: str
    mime: str
    data: bytes


@dataclass(frozen=True)
class Message:
    subject: str
    lines: list[str]
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)
