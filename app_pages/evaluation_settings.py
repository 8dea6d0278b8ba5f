"""评价设置 (admin): each indicator's reference range (default and per court level) and composite
weight, and whether rankings show. Saved only when every value is valid: written atomically to
the evaluation file (metrics/evaluation.py) and recorded in the audit log; "illustrative" is
shown until someone has saved settings of their own."""
from __future__ import annotations

import streamlit as st

from metrics.catalogue import CATALOGUE
from metrics.evaluation import ConfigError, EvaluationConfig, config_path, load_salvaged, save_config
from security import audit
from ui.i18n import lang, t
from ui.layout import page_header
from ui.plain import tm
from ui.session import current_user
from ui.settings_table import LEVEL_KEYS, frame, read

page_header("evaluation_settings")
L = lang()
st.caption(tm("settings_file", path=config_path()))
try:  # a file edited by hand with bad values: each named; the table starts from the valid ones
    config, bad = load_salvaged()
except ConfigError as e:  # not TOML at all: a blank table
    config, bad = EvaluationConfig(illustrative=False), [str(e)]
if bad:
    st.error(tm("evaluation_file_bad", why="; ".join(bad)), icon=":material/error:")
    st.caption(t("evaluation_file_replace"))
if config.illustrative:
    st.info(t("weights_illustrative"), icon=":material/info:")
shown = frame(config, L)

# No min or max on the columns: the browser would quietly clamp 101 to 100 and drop a minus sign;
# ui/settings_table.read refuses such a value instead, naming the indicator and the bound.
number = lambda label: st.column_config.NumberColumn(label, format="%.4g")  # noqa: E731
column_config = {"id": None, "name": st.column_config.TextColumn(t("indicator"), disabled=True),
                 "weight": number(t("weight"))}
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
                named = {**values, **({"level": t(f"range_level_{values['level']}")} if "level" in values else {}),
                         **({"hint": t("range_hint_fraction") if values["fraction"] else ""}
                            if "fraction" in values else {})}
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
