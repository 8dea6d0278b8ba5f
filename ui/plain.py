"""Text from the data (names of courts, divisions and judges, file names, link parameters) shown
as itself where Streamlit reads Markdown: st.write, st.caption, st.title, st.toast, st.error,
st.table … A name like `![x](http://host/x.png)**河口**` must not load an image, make a link,
turn bold, colour (`:red[…]`) or typeset (`$…$`).

`md` writes every character Markdown (or Streamlit's additions to it) gives a meaning as a
character reference (`&#58;`), which the browser shows as the character itself; a
backslash escape is not enough, since bare URLs and e-mail addresses are turned into links
after escapes are read, so an invisible word joiner also breaks `://`, `www.` and `@`.
`tm` is `t` with its values escaped; `table` is st.table with every text cell escaped.
tests/test_shape.py holds that pages pass such sinks only literal text, t("key") without
values, or text through these.
"""
from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from .i18n import t

_SPECIAL = re.compile(r"[\\`*_{}\[\]()<>#+\-.!|~$:=&^\"'@%/]")
_AUTOLINK = re.compile(r"(?i)://|www(?=\.)|@")
_WORD_JOINER = "\u2060"


def _unlink(m: re.Match) -> str:
    found = m.group(0)
    return found[0] + _WORD_JOINER + found[1:] if found == "://" else found + _WORD_JOINER


def md(text) -> str:
    """`text` as a Markdown source that shows `text` on one line, and nothing else."""
    flat = " ".join(str(text).split())  # a line break could start a heading or a list
    flat = _AUTOLINK.sub(_unlink, flat)
    return _SPECIAL.sub(lambda m: f"&#{ord(m.group(0))};", flat)


def tm(key: str, **values) -> str:
    """t(key, ...) for a Markdown sink: the catalogue's text is ours, its text values may not be
    (numbers and dates keep their type for the catalogue's formats, e.g. {n:,})."""
    return t(key, **{k: md(v) if isinstance(v, str) else v for k, v in values.items()})


def table(data) -> None:
    """st.table of a frame or a dict of columns, every text cell, header and index label escaped."""
    frame = pd.DataFrame(data)
    # rows numbered 0, 1 … get no index column; asked before the renaming, which turns a RangeIndex into an Index
    numbered = isinstance(frame.index, pd.RangeIndex)
    frame = frame.rename(columns=md, index=lambda i: md(i) if isinstance(i, str) else i)
    for col in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[col]):
            frame[col] = frame[col].map(lambda v: md(v) if isinstance(v, str) else v)
    st.table(frame, hide_index=numbered)
