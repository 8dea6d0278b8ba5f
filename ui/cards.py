"""Indicator cards: value, 同比 with an arrow that means something, and the 达标 badge."""
from __future__ import annotations

import streamlit as st

from metrics.catalogue import BY_ID
from present import format as fmt
from present.theme import STATUS_COLORS, falls_short, status_label
from ui.i18n import lang, t
from ui.plain import md, tm

PER_ROW = 4


def yoy_delta(ind, row, lang: str) -> dict:
    """st.metric's delta arguments for 同比: coloured by the indicator's better side; a change that
    rounds to zero shows no arrow and no colour."""
    delta = fmt.signed_change(ind, row["yoy_change"], lang)
    if fmt.is_flat(ind, row["yoy_change"]):
        return dict(delta="±" + delta.lstrip("+-"), delta_color="off", delta_arrow="off", delta_description=t("yoy"))
    return dict(delta=delta, delta_color={"higher": "normal", "lower": "inverse"}.get(ind.direction, "off"),
                delta_description=t("yoy"))


def card(ind_id: str, row, *, border: bool = True, with_help: bool = True, badge: bool = True,
         owner: str | None = None) -> None:
    """One indicator's card (row: its line of the indicator table); `owner`: the division that
    owns it (对口认领), shown when it falls short."""
    ind, L = BY_ID[ind_id], lang()
    with st.container(border=border, key=f"card_{ind_id}"):
        st.metric(ind.name(L), fmt.value(ind, row["value"], L), help=ind.formula(L) if with_help else None,
                  **yoy_delta(ind, row, L))
        label = status_label(row["status"], row["side"], L) if badge else None
        if label:
            st.badge(label, color=STATUS_COLORS["badge"][row["status"] == "meets"])
        if owner and falls_short(row["status"], row["side"]):
            st.caption(tm("owned_by", owner=owner))
        if not fmt.missing(row.get("mom_value")):
            st.caption(md(f"{t('mom')} {fmt.change(ind, row['mom_change'], L)}"))


def card_grid(ids: list[str], rows, per_row: int = PER_ROW, owners: dict[str, str] | None = None) -> None:
    """Cards in rows of `per_row` (rows: the indicator table indexed by indicator); two to a row
    on a phone (ui/style.py). owners: indicator → the division that owns it."""
    with st.container(key="card_grid"):
        for start in range(0, len(ids), per_row):
            for col, ind_id in zip(st.columns(per_row), ids[start:start + per_row]):
                with col:
                    card(ind_id, rows.loc[ind_id], owner=(owners or {}).get(ind_id))
