"""How the pages fit a phone (a leader reading the overview at 390 px): the filter bar on one
line that scrolls sideways, indicator cards two to a row, and the sidebar closed after a page
is chosen."""
from __future__ import annotations

import streamlit as st

PHONE = 640  # px: below this Streamlit stacks columns

CSS = f"""<style>
@media (max-width: {PHONE}px) {{
  .st-key-filter_bar {{flex-wrap: nowrap !important; overflow-x: auto !important; gap: 0.5rem !important;}}
  .st-key-filter_bar > div {{flex: 0 0 auto !important; min-width: 0 !important;}}
  .st-key-filter_bar [data-testid="stSelectbox"] [data-testid="stWidgetLabel"],
  .st-key-filter_bar [data-testid="stButtonGroup"] [data-testid="stWidgetLabel"] {{display: none !important;}}
  .st-key-card_grid [data-testid="stHorizontalBlock"] {{flex-wrap: wrap !important; gap: 0.5rem !important;}}
  .st-key-card_grid [data-testid="stColumn"] {{flex: 1 1 calc(50% - 0.5rem) !important;
                                              min-width: calc(50% - 0.5rem) !important;}}
  .st-key-card_grid [data-testid="stMetricValue"] {{font-size: 1.5rem !important;}}
  .st-key-card_grid [data-testid="stMetricLabel"] p {{font-size: 0.8rem !important;}}
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
