"""Which list a file holds, from its header alone: the record (schema/records.py) all of whose
required columns the header names (English or Chinese, as the reader maps them; a profile's
headers count for its own record). A header naming the required columns of two records is
taken for the one it names more columns of; none: not recognised (the page asks, the mapping
step maps)."""
from __future__ import annotations

from schema import records

LISTS = ("cases", "visits")  # what the import page and `data watch` take from one uploaded file


def named(header: list[str], record: records.Record, renamed: dict[str, str] | None = None) -> set[str]:
    """The columns of `record` the header names (as data/reader.py `_picks` reads them)."""
    by_header = {c.name.lower(): c.name for c in record.columns} | {c.zh: c.name for c in record.columns}
    out = set()
    for h in header:
        key = h.strip()
        col = (renamed or {}).get(key) or by_header.get(key.lower()) or by_header.get(key)
        if col in by_header.values():
            out.add(col)
    return out


def kind_of(header: list[str], among: tuple[str, ...] = LISTS,
            renamed: dict[str, dict[str, str]] | None = None) -> str | None:
    """The record the header is a list of, or None; `renamed`: record -> a profile's headers."""
    full = []
    for name in among:
        rec = records.RECORDS[name]
        have = named(header, rec, (renamed or {}).get(name))
        if {c.name for c in rec.columns if c.required} <= have:
            full.append((len(have), name))
    return max(full)[1] if full else None
