"""What every page shows at the top: title, filter bar, data date (数据截至), demo notice."""
from __future__ import annotations

import datetime as dt
import os

import streamlit as st

from metrics.inventory import ScopeDates
from ui import damaged, database, drill_path, pages, queries, style
from ui.database import db_path
from metrics.query import Query
from ui.filters import filter_bar
from ui.i18n import category, t
from ui.plain import md, tm
from ui.session import current_access, current_user, users_notice


def page_header(key: str, refreshable: bool = False):
    """The page `key` of the page table: stops a user whose role may not open it, else draws the
    title and the data note of the whole database. `refreshable`: (meta, a function drawing the
    note again from the database as it is then, for a page that changes it)."""
    if (found := database.damage()) is not None:  # a page that opens without data (ui/pages.py): what is wrong
        return _damaged_header(key, found, refreshable)
    meta, slot = _header(key)

    def draw() -> None:
        slot.caption(md(data_note(queries.meta(), queries.scope_dates(None, False))))
    draw()
    return (meta, draw) if refreshable else meta


def _damaged_header(key: str, found, refreshable: bool):
    """Title and the account of the damage, taken away again by `draw` once the file reads (a rollback
    or an import on this page replaced it). No meta: there is none to read."""
    pages.require(key)
    style.apply(key)
    st.title(t(f"page_{key}"))
    slot = st.empty()
    with slot.container():
        damaged.explain(found, link=key != "data_import")

    def draw() -> None:
        if database.damage() is None:
            slot.empty()
    return ({}, draw) if refreshable else {}


def _header(key: str):
    """Title, then a place for the data note (filled once the scope is known), then the notices
    about the database itself."""
    pages.require(key)
    style.apply(key)
    meta = queries.meta()
    st.title(t(f"page_{key}"))
    users_notice(current_user())
    slot = st.empty()
    if "data_date_stored" in meta:
        st.warning(tm("data_date_odd", stored=meta["data_date_stored"], used=meta["data_date"]), icon=":material/event_busy:")
    if not queries.facts_current():
        st.warning(tm("facts_stale", command=f"python -m data refresh --db {os.path.relpath(db_path())}"),
                   icon=":material/update:")
    return meta, slot


def dated(day: dt.date) -> str:
    """A data date with its age: 2026-09-30（65天前） / 2026-09-30 (65 days ago)."""
    days = (dt.date.today() - day).days
    age = t("data_age_today") if days <= 0 else t("data_age", days=days)
    return t("dated", day=day, age=age)


def data_note(meta: dict, dates: ScopeDates) -> str:
    """数据截至 with the data's age (the scope's date: all its courts have reached it), then the
    demo notice or when data last arrived and from which file."""
    note = f"{t('data_date')} {dated(dates.through)}"
    if dates.mixed:
        note += f" · {t('dates_range', first=dates.through, last=dates.latest)}"
    if meta.get("kind") == "demo":
        note += f" · {t('demo_note')}"
    elif meta.get("built_at"):  # when data last arrived, and from which file
        note += f" · {t('last_import', at=meta['built_at'].replace('T', ' ')[:16], source=meta.get('source', ''))}"
    if meta.get("visits_imported_at"):  # a visits list arrives on its own, after the cases
        at = meta["visits_imported_at"].replace("T", " ")[:16]
        note += f" · {t('last_visits_import', at=at, source=meta.get('visits_source', ''))}"
    return note


def scope_notice(dates: ScopeDates) -> None:
    """Say plainly when the scope's courts have data up to different dates, and which have none."""
    names = queries.court_lookup().names
    sep = t("list_separator")
    if dates.mixed:
        ahead = sep.join(f"{names.get(c, c)} {d}" for c, d in sorted(dates.ahead.items()))
        st.warning(tm("dates_mixed", ahead=ahead, day=dates.through), icon=":material/event_note:")
    if dates.missing:
        shown = [names.get(c, c) for c in dates.missing]
        st.caption(tm("dates_missing", n=len(shown), names=sep.join(shown[:8]) + ("…" if len(shown) > 8 else "")))


def data_age_notice(day: dt.date) -> None:
    """Where deadlines appear: how old the data is, said prominently when it is not today's."""
    today = dt.date.today()
    days = (today - day).days
    if days > 1:
        st.warning(tm("data_stale", day=day, days=days, today=today), icon=":material/schedule:")
    else:
        st.info(tm("data_fresh", day=day, today=today), icon=":material/schedule:")


PAGE_SCOPE = "page_scope"  # (court, with its district) the page shows, for what is recorded from it


def page_scope() -> tuple[str | None, bool] | None:
    """The scope the current page shows (set by page_context), e.g. for a meeting recorded from it."""
    return st.session_state.get(PAGE_SCOPE)


def page_context(key: str, with_period: bool = True, with_district: bool = True,
                 with_case_filters: bool = True) -> tuple[Query, dict]:
    """Header and filter bar; returns the filters and names for the text. with_period=False: a
    page taken on the data date, without period controls (nor a period in its exports);
    with_district=False: a page of one court's unit, without the district switch;
    with_case_filters=False: a page of every case of its units, without the category and 涉企
    switches (nor them in its exports). The data date is the scope's: the date all its courts have reached."""
    meta, slot = _header(key)
    f, dates = filter_bar(first_year=queries.first_year(), with_period=with_period, with_district=with_district,
                          with_case_filters=with_case_filters)
    slot.caption(md(data_note(meta, dates)))
    scope_notice(dates)
    data_date = dates.through
    st.session_state[PAGE_SCOPE] = (f.court, bool(f.district))
    drill_path.breadcrumb(key, f.court, f.district)  # a scope a drill-down narrowed says so, with the way back
    lookup = queries.court_lookup()
    name = lookup.names.get(f.court, f.court)
    if f.district and f.court in lookup.with_courts_below:
        name += t("district_suffix")
    access = current_access()
    if access is not None and access.fixed_division:  # their figures are the division's
        name += access.fixed_division
    if access is not None and access.category:  # a 条线 head's figures are their line's
        name += t("line_suffix", category=category(access.category))
    return f, {"scope_name": name, "data_date": data_date, "level": lookup.levels[f.court],
               "with_period": with_period, "with_case_filters": with_case_filters, "dates": dates}
