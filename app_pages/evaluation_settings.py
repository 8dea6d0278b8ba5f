"""评价设置 (admin): each indicator's reference range (default and per court level) and composite
weight, and whether rankings show. Saved only when every value is valid: written atomically to
the evaluation file (metrics/evaluation.py) and recorded in the audit log; "illustrative" is
shown until someone has saved settings of their own."""
from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from metrics.catalogue import CATALOGUE
from metrics.evaluation import RANGE_LEVELS, ConfigError, EvaluationConfig, config_path, load_config, save_config
from present.format import missing
from security import audit
from ui.i18n import lang, t
from ui.layout import page_header
from ui.plain import tm
from ui.session import current_user

page_header("evaluation_settings")
L = lang()
config = load_config()
st.caption(tm("settings_file", path=config_path()))
if config.illustrative:
    st.info(t("weights_illustrative"), icon=":material/info:")

LEVEL_KEYS = dict(zip(RANGE_LEVELS, ("default", "high", "intermediate", "basic")))  # column ids stay ASCII
COLS = [("weight", None)] + [(f"{LEVEL_KEYS[lv]}_{end}", (lv, k)) for lv in RANGE_LEVELS
                             for k, end in ((0, "low"), (1, "high"))]


def _frame(c: EvaluationConfig) -> pd.DataFrame:
    rows = []
    for i in CATALOGUE:
        row = {"id": i.id, "name": i.name(L), "weight": c.weights.get(i.id)}
        for col, where in COLS[1:]:
            pair = c.ranges.get(i.id, {}).get(where[0])
            row[col] = pair[where[1]] if pair else None
        rows.append(row)
    frame = pd.DataFrame(rows)
    numbers = [c for c, _w in COLS]
    frame[numbers] = frame[numbers].astype(float)  # a blank cell is NaN, shown empty
    return frame


def _read(edited: pd.DataFrame, rankings: bool) -> tuple[EvaluationConfig | None, list[tuple[str, dict]]]:
    """The settings the table describes, or the problems (text key and values), each naming the
    indicator and the cell."""
    problems, weights, ranges = [], {}, {}
    for r in edited.to_dict("records"):
        name = r["name"]
        w = r["weight"]
        if not missing(w):
            if not math.isfinite(w) or w < 0:
                problems.append(("bad_weight", dict(name=name, value=w)))
            elif w > 0:
                weights[r["id"]] = float(w)
        for lv in RANGE_LEVELS:
            low, high = r[f"{LEVEL_KEYS[lv]}_low"], r[f"{LEVEL_KEYS[lv]}_high"]
            level = t(f"range_level_{LEVEL_KEYS[lv]}")
            if missing(low) and missing(high):
                continue
            if missing(low) or missing(high):
                problems.append(("bad_range_half", dict(name=name, level=level)))
            elif not (math.isfinite(low) and math.isfinite(high)) or low > high:
                problems.append(("bad_range_order", dict(name=name, level=level, low=low, high=high)))
            else:
                ranges.setdefault(r["id"], {})[lv] = (float(low), float(high))
    if problems:
        return None, problems
    return EvaluationConfig(ranges=ranges, rankings=rankings, illustrative=False, weights=weights), []


number = lambda label: st.column_config.NumberColumn(label, format="%.4g")  # noqa: E731
column_config = {"id": None, "name": st.column_config.TextColumn(t("indicator"), disabled=True),
                 "weight": st.column_config.NumberColumn(t("weight"), min_value=0.0, format="%.4g")}
for key in LEVEL_KEYS.values():
    column_config[f"{key}_low"] = number(f"{t(f'range_level_{key}')} {t('range_low')}")
    column_config[f"{key}_high"] = number(f"{t(f'range_level_{key}')} {t('range_high')}")
st.caption(t("settings_caption"))
with st.form("evaluation_settings"):
    edited = st.data_editor(_frame(config), hide_index=True, column_config=column_config, disabled=["name"],
                            num_rows="fixed", key="settings_table", width="stretch",
                            height=35 * (len(CATALOGUE) + 1) + 3)
    rankings = st.toggle(t("rankings_on"), value=config.rankings)
    saved = st.form_submit_button(t("save_settings"), type="primary", icon=":material/save:")
if saved:
    new, problems = _read(edited, rankings)
    if problems:
        with st.container(key="settings_problems"):
            st.error(t("settings_refused"), icon=":material/block:")
            for key, values in problems:
                st.markdown("- " + tm(key, **values))
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
