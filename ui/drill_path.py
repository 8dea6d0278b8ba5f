"""Where a drill-down has led: the path of views from where it started (青岚中院辖区 › 鹤鸣县 › 民一庭),
shown on every page the narrowed scope carries over to, each earlier view one click away.

A view is what a click on 对比分析 changes: the court, with or without its district, the level
compared and, comparing judges, the division. The path, the current view last, is held and written
into the link (?trail=), so Back, Forward and a copied link bring it back with the view. It holds
only while the scope is the one it led to: a scope chosen by hand leaves it (ui/url_state.py).
"""
from __future__ import annotations

import json
from typing import NamedTuple

import streamlit as st

from ui import queries
from ui.i18n import t
from ui.plain import md
from ui.session import current_access
from ui.url_state import TRAIL, held, hold, write

# Pages whose scope holds the level and division compared; the others show the court's scope only.
LEVEL_PAGES = {"compare"}


class View(NamedTuple):
    court: str
    district: bool
    level: str
    division: str | None  # comparing judges: their division

    @classmethod
    def of(cls, court: str, district: bool, level: str, division: str | None) -> "View":
        return cls(court, bool(district), level, division if level == "judge" else None)


def _decode(text: str | None) -> list[View]:
    """The path in a link, or none when it is not one this user could have been led along."""
    if not text:
        return []
    try:
        views = [View.of(*v) for v in json.loads(text)]
    except (ValueError, TypeError):
        return []
    access = current_access()
    courts, levels = set(queries.allowed_courts(access)), set(access.rule.compare_levels)
    ok = all(isinstance(v.court, str) and v.court in courts and v.level in levels
             and (v.division is None or isinstance(v.division, str)) for v in views)
    return views if ok and len(views) >= 2 else []


def _encode(path: list[View]) -> str | None:
    return json.dumps([list(v) for v in path], ensure_ascii=False, separators=(",", ":")) if len(path) >= 2 else None


def _path() -> list[View]:
    return _decode(held(TRAIL, written=True))


def _go(view: View, path: list[View]) -> None:
    hold(court=view.court, district=view.district, level=view.level, **{TRAIL: _encode(path)},
         **({"division": view.division} if view.division else {}))


def open_view(before: View, after: View) -> None:
    """A drill-down from `before` to `after` (a callback, before the widgets are drawn): the path
    goes on from `before`, or starts there."""
    path = _path()
    if not path or path[-1] != before:
        path = [before]
    _go(after, path + [after])


def _back_to(index: int) -> None:
    path = _path()
    if index < len(path):
        _go(path[index], path[:index + 1])


def _label(view: View, with_level: bool, names: dict, parents: frozenset) -> str:
    name = names.get(view.court, view.court)
    if with_level and view.level == "judge" and view.division:
        return t("court_division", court=name, division=view.division)
    district = view.level == "court" if with_level else view.district
    return name + t("district_suffix") if district and view.court in parents else name


def _compared(court: str, district: bool) -> View:
    """The view 对比分析 is about to draw (its level and division widgets come after the filter bar)."""
    level = held("level", None, list(current_access().rule.compare_levels), written=True)
    return View.of(court, district, level, held("division", written=True) if level == "judge" else None)


def breadcrumb(page: str, court: str, district: bool) -> None:
    """The path that led to this page's scope, if a drill-down led to it; each earlier view a button."""
    path = _path()
    with_level = page in LEVEL_PAGES
    if path and ((path[-1].court, path[-1].district) != (court, bool(district))
                 or (with_level and path[-1] != _compared(court, district))):
        path = []  # the scope was chosen another way: the path does not lead here
        hold(**{TRAIL: None})
    write(TRAIL, _encode(path))
    if len(path) < 2:  # no earlier view to go back to (most runs): nothing to draw
        return
    lookup = queries.court_lookup()
    names, parents = lookup.names, lookup.with_courts_below
    crumbs: list[tuple[str, int]] = []  # label, the first view of the path it names
    for i, view in enumerate(path):
        label = _label(view, with_level, names, parents)
        if not crumbs or crumbs[-1][0] != label:  # off 对比分析 a division's view is its court's
            crumbs.append((label, i))
    if len(crumbs) < 2:
        return
    with st.container(horizontal=True, horizontal_alignment="left", vertical_alignment="center", gap="small",
                      key="drill_path"):
        st.caption(t("drill_path"), width="content")
        for label, i in crumbs[:-1]:
            st.button(md(label), key=f"drill_path_{i}", type="tertiary", on_click=_back_to, args=(i,),
                      help=t("drill_path_back"))
            st.caption("›", width="content")
        st.markdown("**" + md(crumbs[-1][0]) + "**", width="content")
