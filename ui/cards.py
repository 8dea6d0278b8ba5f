"""Indicator cards: value, 同比 with an arrow that means something, and the 达标 badge.

A page's cards are one HTML block (styled in ui/style.py), not a column, a bordered container, a
metric, a badge and captions per card: each Streamlit element costs the browser time on every
rerun, and a grid of fourteen cards was most of a page's elements. Every text in the block is
escaped (names of owners come from a configuration file)."""
from __future__ import annotations

from html import escape

import streamlit as st

from metrics.catalogue import BY_ID
from present import format as fmt
from present.theme import falls_short, status_label
from ui.i18n import lang, t

PER_ROW = 4
ARROWS = {"up": "↑", "down": "↓"}


def yoy_delta(ind, row, lang: str) -> dict:
    """st.metric's delta arguments for 同比: coloured by the indicator's better side; a change that
    rounds to zero shows no arrow and no colour."""
    delta = fmt.signed_change(ind, row["yoy_change"], lang)
    if fmt.is_flat(ind, row["yoy_change"]):
        return dict(delta="±" + delta.lstrip("+-"), delta_color="off", delta_arrow="off", delta_description=t("yoy"))
    return dict(delta=delta, delta_color={"higher": "normal", "lower": "inverse"}.get(ind.direction, "off"),
                delta_description=t("yoy"))


def _delta_html(d: dict) -> str:
    """The delta as st.metric draws it: green when better, red when worse, grey for no side."""
    delta = d.get("delta")
    if delta is None:
        return ""
    down = delta.startswith("-")
    tone = {"normal": "bad" if down else "good", "inverse": "good" if down else "bad"}.get(d["delta_color"], "off")
    arrow = "" if d.get("delta_arrow") == "off" else (
        f'<span class="spzx-arrow" aria-hidden="true">{ARROWS["down" if down else "up"]}</span>')
    return (f'<div class="spzx-delta-row"><span class="spzx-delta spzx-{tone}">{arrow}{escape(delta)}</span>'
            f'<span class="spzx-note">{escape(d["delta_description"])}</span></div>')


def card_html(ind_id: str, row, *, with_help: bool = True, badge: bool = True, owner: str | None = None) -> str:
    """One indicator's card (row: its line of the indicator table); `owner`: the division that
    owns it (对口认领), shown when it falls short."""
    ind, L = BY_ID[ind_id], lang()
    name = escape(ind.name(L))
    help_icon = (f'<span class="spzx-help" role="img" title="{escape(ind.formula(L))}" '
                 f'aria-label="{escape(ind.formula(L))}"></span>' if with_help else "")
    parts = [f'<div class="spzx-label"><span>{name}</span>{help_icon}</div>',
             f'<div class="spzx-value">{escape(fmt.value(ind, row["value"], L))}</div>',
             _delta_html(yoy_delta(ind, row, L))]
    label = status_label(row["status"], row["side"], L) if badge else None
    if label:
        parts.append(f'<div><span class="spzx-badge spzx-{"meets" if row["status"] == "meets" else "short"}">'
                     f"{escape(label)}</span></div>")
    if owner and falls_short(row["status"], row["side"]):
        parts.append(f'<div class="spzx-note">{escape(t("owned_by", owner=owner))}</div>')
    if not fmt.missing(row.get("mom_value")):
        parts.append(f'<div class="spzx-note">{escape(t("mom"))} {escape(fmt.change(ind, row["mom_change"], L))}</div>')
    return f'<div class="spzx-card" data-indicator="{escape(ind_id)}">{"".join(parts)}</div>'


def card_grid(ids: list[str], rows, per_row: int = PER_ROW, owners: dict[str, str] | None = None) -> None:
    """Cards in rows of `per_row` (rows: the indicator table indexed by indicator), as one element;
    two to a row on a phone (ui/style.py). owners: indicator → the division that owns it."""
    cards = "".join(card_html(i, rows.loc[i], owner=(owners or {}).get(i)) for i in ids)
    with st.container(key="card_grid"):
        st.html(f'<div class="spzx-cards" style="--per-row: {int(per_row)}">{cards}</div>')


def figure_row(figures: list[tuple[str, str]]) -> None:
    """Plain figures side by side, label over value (as st.metric without a border), as one element."""
    cells = "".join(f'<div class="spzx-card spzx-plain"><div class="spzx-label"><span>{escape(label)}</span></div>'
                    f'<div class="spzx-value">{escape(value)}</div></div>' for label, value in figures)
    st.html(f'<div class="spzx-cards" style="--per-row: {len(figures)}">{cells}</div>')
