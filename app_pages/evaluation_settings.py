"""评价设置 (admin): each indicator's reference range (default and per court level) and composite
weight, and whether rankings show. Saved only when every value is valid: written atomically to
the evaluation file (metrics/evaluation.py) and recorded in the audit log; "illustrative" is
shown until someone has saved settings of their own."""
from __future__ import annotations

import streamlit as st

from metrics.catalogue import CATALOGUE
from metrics.evaluation import WEIGHT_MAX, ConfigError, EvaluationConfig, config_path, load_config, save_config
from security import audit
from ui.i18n import lang, t
from ui.layout import page_header
from ui.plain import tm
from ui.session import current_user
from ui.settings_table import LEVEL_KEYS, frame, read

page_header("evaluation_settings")
L = lang()
st.caption(tm("settings_file", path=config_path()))
try:
    config = load_config()
except ConfigError as e:  # a file edited by hand with a bad value: say which key, start from a blank table
    st.error(tm("evaluation_file_bad", why=str(e)), icon=":material/error:")
    st.caption(t("evaluation_file_replace"))
    config = EvaluationConfig(illustrative=False)
if config.illustrative:
    st.info(t("weights_illustrative"), icon=":material/info:")
shown = frame(config, L)

number = lambda label: st.column_config.NumberColumn(label, min_value=0.0, format="%.4g")  # noqa: E731
column_config = {"id": None, "name": st.column_config.TextColumn(t("indicator"), disabled=True),
                 "weight": st.column_config.NumberColumn(t("weight"), min_value=0.0, max_value=WEIGHT_MAX, format="%.4g")}
for key in LEVEL_KEYS.values():
    column_config[f"{key}_low"] = number(f"{t(f'range_level_{key}')} {t('range_low')}")
    column_config[f"{key}_high"] = number(f"{t(f'range_level_{key}')} {t('range_high')}")
st.caption(t("settings_caption"))
with st.form("evaluation_settings"):
    edited = st.data_editor(shown, hide_index=True, column_config=column_config, disabled=["name"],
                            num_rows="fixed", key="settings_table", width="stretch",
                            height=35 * (len(CATALOGUE) + 1) + 3)
    rankings = st.toggle(t("rankings_on"), value=config.rankings)
    saved = st.form_submit_button(t("save_settings"), type="primary", icon=":material/save:")
if saved:
    new, problems = read(shown, edited, rankings)  # by the rows sent, not what came back
    if problems:
        with st.container(key="settings_problems"):
            st.error(t("settings_refused"), icon=":material/block:")
            for key, values in problems:
                named = {**values, **({"level": t(f"range_level_{values['level']}")} if "level" in values else {})}
                st.markdown("- " + tm(key, **named))
    else:
        user = current_user()
        try:
            save_config(new)
        except (ConfigError, OSError) as e:
            audit.record(user.username, "evaluation_settings", f"failed: {e}")
            st.error(tm("settings_not_written", why=str(e)), icon=":material/block:")
        else:
            changed = [i.id for i in CATALOGUE if config.weights.get(i.id) != new.weights.get(i.id)
                       or config.ranges.get(i.id) != new.ranges.get(i.id)]
            audit.record(user.username, "evaluation_settings",
                         f"{config_path()}: {', '.join(changed) or 'no indicator'} changed; rankings {new.rankings}")
            st.success(tm("settings_saved", n=len(changed)), icon=":material/check:")
