"""The interface language (Chinese first, English on the switch) and t(): every label comes from
the one catalogue, present/text.py."""
from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

import streamlit as st

from present import format as fmt
from present import text

T = TypeVar("T")
_speaking: ContextVar[str | None] = ContextVar("speaking", default=None)


def lang() -> str:
    forced = _speaking.get()
    if forced is not None:
        return forced
    return "en" if st.session_state.get("lang") == "English" else "zh"


def speak_for_this_run(language: str | None) -> None:
    """app.py, at the top of a run (None: read from the session until the switch is drawn), then
    with the switch's language for the rest of the run: a page asks lang() a hundred times, and
    each read of the session's state costs more than the label. The language changes only by
    its switch, which starts a whole new run; a fragment's run fixes it too (ui/damaged.py)."""
    _speaking.set(language)


def in_language_of_run(make: Callable[[], T]) -> Callable[[], T]:
    """`make` as it will run later, outside the script run (a download made on its click, in
    Streamlit's own thread, where the session's state is not at hand): in the language of now."""
    now = lang()

    def made() -> T:
        token = _speaking.set(now)
        try:
            return make()
        finally:
            _speaking.reset(token)
    return made


def t(key: str, **values) -> str:
    return text.tr(key, lang(), **values)


def category(name: str) -> str:
    return text.category(name, lang())


def level(name: str) -> str:
    return text.level(name, lang())


def columns(frame):
    return text.columns(frame, lang())


def count(n) -> str:
    """12,345件 / 12,345"""
    return fmt.count(n, lang())


def label_of(prefix: str = ""):
    """A widget's format_func: the catalogue text `prefix + option` in the language of this run
    (fixed now, since a format_func may be called outside the script run)."""
    now = lang()
    return lambda option: text.tr(f"{prefix}{option}", now)
