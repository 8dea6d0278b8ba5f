"""诉源·案源·访源 side by side: each source's headline indicators as cards in one block, so a
meeting sees the three sources together (the catalogue's views THREE_SUIT, THREE_CASE, THREE_VISITS)."""
from __future__ import annotations

from html import escape

import streamlit as st

from metrics.catalogue import View, in_view
from present import format as fmt
from ui.cards import card_html
from ui.i18n import t

SOURCES = (("three_suit", View.THREE_SUIT), ("three_case", View.THREE_CASE), ("three_visits", View.THREE_VISITS))


def three_sources(table) -> None:
    """The block (table: the scope's indicator table indexed by indicator). Without a visits list
    (the visit indicators have no value) 访源 says so instead of showing empty cards."""
    groups = []
    for key, view in SOURCES:
        ids = in_view(view)
        listed = view is not View.THREE_VISITS or not all(fmt.missing(table.loc[i, "value"]) for i in ids)
        body = ("".join(card_html(i, table.loc[i], with_help=False) for i in ids) if listed
                else f'<div class="spzx-note">{escape(t("three_no_visits"))}</div>')
        groups.append(f'<div class="spzx-card" data-source="{key}"><div class="spzx-label"><b>{escape(t(key))}</b>'
                      f'</div><div class="spzx-cards" style="--per-row: 1">{body}</div></div>')
    st.html(f'<div class="spzx-cards spzx-three" style="--per-row: 3">{"".join(groups)}</div>')  # compact: ui/style.py
