"""Indicator cards: value, 同比 with an arrow that means something, and the 达标 badge."""
from __future__ import annotations

import streamlit as st

from metrics.catalogue import BY_ID
from present import format as fmt
from present.theme import STATUS_COLORS, status_label
from ui.i18n import lang, t

PER_ROW = 4


def card(ind_id: str, row, *, border: bool = True, with_help: bool = True, badge: bool = True) -> None:
    """One indicator's card (row: its line of the indicator table). A change that rounds to zero
    shows no arrow and no colour."""
    ind, L = BY_ID[ind_id], lang()
    delta = fmt.signed_change(ind, row["yoy_change"], L)
    flat = fmt.is_flat(ind, row["yoy_change"])
    color = "off" if flat else {"higher": "normal", "lower": "inverse"}.get(ind.direction, "off")
    with st.container(border=border, key=f"card_{ind_id}"):
        st.metric(ind.name(L), fmt.value(ind, row["value"], L), ("±" + delta.lstrip("+-")) if flat else delta,
                  delta_color=color, delta_arrow="off" if flat else "auto", delta_description=t("yoy"),
                  help=ind.formula(L) if with_help else None)
        label = status_label(row["status"], row["side"], L) if badge else None
        if label:
            st.badge(label, color=STATUS_COLORS["badge"][row["status"] == "meets"])
        if not fmt.missing(row.get("mom_value")):
            st.caption(f"{t('mom')} {fmt.change(ind, row['mom_change'], L)}")


def card_grid(ids: list[str], rows, per_row: int = PER_ROW) -> None:
    """Cards in rows of `per_row` (rows: the indicator table indexed by indicator); two to a row
    on a phone (ui/style.py)."""
    with st.container(key="card_grid"):
        for start in range(0, len(ids), per_row):
            for col, ind_id in zip(st.columns(per_row), ids[start:start + per_row]):
                with col:
                    card(ind_id, rows.loc[ind_id])
