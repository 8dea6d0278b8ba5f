"""The interface language (Chinese first, English on the switch) and t(): every label comes from
the one catalogue, present/text.py."""
from __future__ import annotations

import streamlit as st

from present import format as fmt
from present import text


def lang() -> str:
    return "en" if st.session_state.get("lang") == "English" else "zh"


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
