"""What a page says when the case database file cannot be read (ui/database.py `damage`): to
whoever may manage the data, which file, what is wrong and how to get back to the newest good
version (the 数据导入 page's rollback, or `python -m data rollback`); to everyone else only that
the data is unavailable — no file names or paths to a role that cannot act on them."""
from __future__ import annotations

import functools
import os
from contextlib import contextmanager

import duckdb
import streamlit as st

from data import versions
from metrics.db import Damage
from ui import database, pages
from ui.i18n import lang, speak_for_this_run, t
from ui.plain import md, tm


def _newest_good(path: str) -> versions.Version | None:
    return next((v for v in versions.list_versions(path) if v.kind != "unreadable" and not v.current), None)


def explain(found: Damage, link: bool = True) -> None:
    """The admin's account of the damage and the way back (drawn where the page's content would be)."""
    st.error(tm("db_damaged", path=found.path) + tm(f"damage_{found.reason}", detail=found.detail) + t("db_damaged_stop"),
             icon=":material/broken_image:")
    good = _newest_good(found.path)
    if good is None:
        st.info(t("damage_no_version"), icon=":material/upload_file:")
    else:
        kind = t(f"kind_{good.kind}") if good.kind in ("demo", "import") else good.kind
        st.info(tm("damage_newest_good", name=good.name, kind=kind, source=good.source or "—",
                   day=good.data_date or "—", cases=good.cases or 0), icon=":material/history:")
        st.code(f"python -m data rollback {good.name} --db {os.path.abspath(found.path)}", language="bash")
    if link:
        pages.link("data_import")


def notice(found: Damage, title: str) -> None:
    """In place of the page `title` that needs the data: the admin's account, or the calm line for others."""
    st.title(md(title))  # the page's own title (the catalogue's), as text
    if pages.may_open("data_import"):
        explain(found)
    else:  # as the sign-in page says it (ui/session.py)
        st.warning(t("db_unavailable"), icon=":material/cloud_off:")


@contextmanager
def guard():
    """A query that meets a damaged file past the cheap check (a block overwritten) starts the whole
    run again, which then says so in place of the page; any other error stays an error."""
    at_start = database.version_or_none()
    try:
        yield
    except duckdb.Error as e:
        if not database.met(e, at_start):
            raise
        st.rerun(scope="app")


def fragment(func=None, **options):
    """st.fragment with guard(): a fragment keeps its own errors to itself, so a damaged file met in
    one would otherwise show as an error there."""
    def wrap(f):
        @functools.wraps(f)
        def guarded(*args, **kwargs):
            speak_for_this_run(None)  # a fragment's own run: its language read once, as app.py does
            speak_for_this_run(lang())
            with guard():
                return f(*args, **kwargs)
        return st.fragment(guarded, **options)
    return wrap(func) if func is not None else wrap
