"""How the pages fit every screen. On a phone (a leader reading the overview at 390 px): the
filter bar wrapped onto as many lines as it needs (every filter in view), indicator cards two to
a row, a wide chart in a frame of its own that scrolls sideways, and the sidebar closed after a
page is chosen. On a 4K screen at 100% zoom: larger type, so text is not 14 px. At every width:
paragraphs no wider than a readable line."""
from __future__ import annotations

import html

import streamlit as st

from present.theme import WIDE_TYPE

PHONE = 640  # px: below this Streamlit stacks columns
# Wide screens get larger type (present/theme.py); Streamlit sizes text and widgets in rem.
ROOT_FONT = {width: 16 * factor for width, factor in WIDE_TYPE.items()}  # px; Streamlit's own is 16
LINE = 42  # em: the widest paragraph (42 characters of Chinese, about 85 of English)

# The indicator cards (ui/cards.py) as st.metric in a bordered container draws them.
CSS = f"""<style>
.spzx-cards {{display: grid; grid-template-columns: repeat(var(--per-row, 4), minmax(0, 1fr)); gap: 1rem;
  font-family: "Source Sans", sans-serif; color: rgb(47, 45, 43);}}
.spzx-card {{border: 1px solid rgb(220, 216, 212); border-radius: 0.5rem; padding: calc(1rem - 1px);
  display: flex; flex-direction: column; gap: 0.5rem; min-width: 0;}}
.spzx-plain {{border: none; padding: 0; gap: 0;}}
.spzx-label {{font-size: 0.875rem; line-height: 1.6; display: flex; align-items: center; gap: 0.375rem;}}
.spzx-help {{display: inline-flex; align-items: center; justify-content: center; width: 13px; height: 13px;
  border: 1.5px solid currentColor; border-radius: 50%; font-size: 10px; font-weight: 700; line-height: 1; cursor: help;
  opacity: 0.8;}}
.spzx-help::after {{content: "?";}}
.spzx-value {{font-size: 2.25rem; line-height: 1.4; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;}}
.spzx-delta-row {{display: flex; align-items: center; gap: 0.5rem; flex-wrap: wrap;}}
.spzx-delta {{display: inline-flex; align-items: center; font-size: 0.875rem; border-radius: 9999px;
  padding: 2px 6px 2px 4px;}}
.spzx-arrow {{margin-right: 2px; font-weight: 700;}}
.spzx-good {{color: rgb(12, 90, 68); background: rgb(241, 251, 246);}}
.spzx-bad {{color: rgb(158, 48, 59); background: rgb(255, 241, 242);}}
.spzx-off {{color: rgb(104, 98, 85); background: rgb(245, 244, 242);}}
.spzx-note {{font-size: 0.875rem; line-height: 1.6; color: rgba(47, 45, 43, 0.6);}}
.spzx-badge {{display: inline-block; font-size: 0.875rem; line-height: 1.6; border-radius: 4px; padding: 0 4px;}}
.spzx-meets {{color: rgb(0, 84, 163); background: rgb(236, 245, 255);}}
.spzx-short {{color: rgb(155, 69, 25); background: rgb(255, 246, 237);}}
.spzx-three .spzx-cards {{gap: 0.5rem;}}
.spzx-three .spzx-card .spzx-card {{padding: 0.5rem 0.75rem; gap: 0.25rem;}}
.spzx-three .spzx-value {{font-size: 1.5rem;}}
[data-testid="stMain"] [data-testid="stMarkdownContainer"] > p {{max-width: {LINE}em;}}
.spzx-wide-hint {{display: none;}}
{"".join(f"@media (min-width: {w}px) {{ html {{font-size: {px:g}px !important;}} }}" for w, px in ROOT_FONT.items())}
@media (max-width: {PHONE}px) {{
  .st-key-filter_bar {{flex-wrap: wrap !important; gap: 0.25rem 0.75rem !important;}}
  .st-key-filter_bar > div {{flex: 0 1 auto !important; min-width: 0 !important; max-width: 100% !important;}}
  [class*="st-key-wide_"] {{overflow-x: auto !important;}}
  [class*="st-key-wide_"] > div {{min-width: var(--wide, 100%) !important;}}
  .spzx-wide-hint {{display: block; font-size: 0.875rem; color: rgba(47, 45, 43, 0.6);}}
  .spzx-cards {{grid-template-columns: repeat(2, minmax(0, 1fr)) !important; gap: 0.5rem !important;}}
  .spzx-value {{font-size: 1.5rem !important;}}
  .spzx-label {{font-size: 0.8rem !important;}}
}}
</style>"""

# Closes the sidebar when a phone has just opened a page from it (it would stay over the page).
CLOSE_SIDEBAR = f"""<script>
if (window.innerWidth < {PHONE}) {{
  const open = document.querySelector('[data-testid="stSidebar"][data-collapsed="false"]');
  const button = open && open.querySelector('[data-testid="stSidebarCollapseButton"] button, '
                                            + '[data-testid="stBaseButton-headerNoPadding"]');
  if (button) button.click();
}}
</script>"""


def apply(page_key: str) -> None:
    """The phone styles, and the sidebar closed on a page change."""
    st.html(CSS)
    if st.session_state.get("_page_shown") != page_key:
        st.session_state["_page_shown"] = page_key
        st.html(CLOSE_SIDEBAR, unsafe_allow_javascript=True, width="content")


def wide_chart(name: str, spec: dict, natural_width: int, hint: str, **kwargs) -> None:
    """A chart (its Vega-Lite spec) whose columns need `natural_width` px: on a phone it keeps that
    width in a frame that scrolls sideways (with a line saying so) rather than squeezing its columns
    until labels overlap."""
    with st.container(key=f"wide_{name}"):
        st.html(f'<div class="spzx-wide-hint">{html.escape(hint)}</div>'
                f"<style>.st-key-wide_{name} {{--wide: {int(natural_width)}px;}}</style>")
        st.vega_lite_chart(spec, **kwargs)
