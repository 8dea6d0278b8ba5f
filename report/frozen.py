"""A briefing kept as issued for a meeting: written to JSON (stored with the meeting,
followup.store.set_briefing) and read back into the same Briefing, so that its Word file,
rebuilt later, prints the figures of the day it was issued whatever was imported since.

Tables keep their columns' types; NaN and infinities are written as Python's json writes
them (the state is read only by this program), so a missing value comes back as it was."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

import numpy as np
import pandas as pd

from metrics.catalogue import BY_ID
from present import format as fmt

from .briefing import Briefing, Shortfall
from .followup_section import Followup
from .visits_section import Visits

VERSION = 1


def _plain(v):
    """A value JSON holds, tagged when it is a date, a table or a series."""
    if v is pd.NaT:  # a datetime to isinstance, but no date
        return None
    if isinstance(v, pd.DataFrame):
        return {"__frame__": {"columns": [str(c) for c in v.columns], "dtypes": [str(t) for t in v.dtypes],
                              "index": [_plain(i) for i in v.index], "data": [[_plain(x) for x in row]
                                                                               for row in v.itertuples(index=False)]}}
    if isinstance(v, pd.Series):
        return {"__series__": {"name": _plain(v.name), "index": [_plain(i) for i in v.index],
                               "values": [_plain(x) for x in v.tolist()]}}
    if isinstance(v, pd.Timestamp):
        return {"__timestamp__": v.isoformat()}
    if isinstance(v, dt.date):
        return {"__date__": v.isoformat()}
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def _restore(v):
    if isinstance(v, list):
        return [_restore(x) for x in v]
    if not isinstance(v, dict):
        return v
    if "__frame__" in v:
        f = v["__frame__"]
        frame = pd.DataFrame([[_restore(x) for x in row] for row in f["data"]], columns=f["columns"],
                             index=[_restore(i) for i in f["index"]] or None)
        for column, dtype in zip(f["columns"], f["dtypes"]):
            try:
                frame[column] = pd.to_datetime(frame[column]) if dtype.startswith("datetime") else \
                    frame[column].astype(dtype)
            except (TypeError, ValueError):  # a type pandas cannot name back: kept as read
                pass
        return frame
    if "__series__" in v:
        s = v["__series__"]
        return pd.Series([_restore(x) for x in s["values"]], index=[_restore(i) for i in s["index"]],
                         name=_restore(s["name"]), dtype=object)
    if "__timestamp__" in v:
        return pd.Timestamp(v["__timestamp__"])
    if "__date__" in v:
        return dt.date.fromisoformat(v["__date__"])
    return {k: _restore(x) for k, x in v.items()}


def dumps(b: Briefing) -> str:
    fields = {f.name: getattr(b, f.name) for f in dataclasses.fields(b)}
    fields["short"] = [{f.name: getattr(s, f.name) for f in dataclasses.fields(s)}
                       for s in b.short]
    fields["followup"] = dataclasses.asdict(b.followup)
    fields["visits"] = {f.name: getattr(b.visits, f.name) for f in dataclasses.fields(b.visits)}
    return json.dumps({"version": VERSION, "briefing": _plain(fields)}, ensure_ascii=False)


def loads(text: str) -> Briefing:
    doc = json.loads(text)
    if doc.get("version") != VERSION:
        raise ValueError(f"unknown frozen briefing version {doc.get('version')!r}")
    fields = _restore(doc["briefing"])
    fields["short"] = [Shortfall(**s) for s in fields["short"]]
    fields["followup"] = Followup(**fields["followup"])
    fields["visits"] = Visits(**fields.get("visits", {}))  # issued before the section: no list
    return Briefing(**fields)


def headline_changes(issued: Briefing, current: Briefing) -> tuple[list[str], list[list[str]]]:
    """The headline figures as issued beside the current briefing's: what changed since."""
    now = current.headline.set_index("indicator")["value"].to_dict()
    header = [current.tr(k) for k in ("b_col_indicator", "b_issued_value", "b_current_value")]
    rows = []
    for r in issued.headline.to_dict("records"):
        ind = BY_ID[r["indicator"]]
        rows.append([ind.name(current.lang), fmt.value(ind, r["value"], current.lang),
                     fmt.value(ind, now.get(r["indicator"]), current.lang)])
    return header, rows
