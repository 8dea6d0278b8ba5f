"""Widgets whose value lives in the URL as the option itself, whatever the language.

Streamlit's bind="query-params" writes an option's display label into the URL, so a link
would depend on the interface language (and a label change would reset the widget). Here
the URL holds the option (a court code, an indicator id); the label is only for display.
A value in the URL that is not an option falls back to the default with a notice.
"""
from __future__ import annotations

import streamlit as st

from ui import params
from ui.i18n import t


def _text(option) -> str:
    return str(option).lower() if isinstance(option, bool) else str(option)


def url_widget(widget, label: str, options: list, key: str, default=None, default_key: str | None = None, **kwargs):
    """Render `widget` (st.selectbox, st.segmented_control …) with its value synced to ?key=.
    The default is the parameter table's entry `default_key` (else `key`; ui/params.py) unless
    the page works one out."""
    default = params.default(default_key or key) if default is None else default
    if default not in options and options:
        default = options[0]
    texts = [_text(o) for o in options]
    loaded = st.session_state.setdefault("_url_loaded", set())
    if key not in loaded:  # the first run of this session reads the link
        loaded.add(key)
        raw = st.query_params.get(key)
        if raw is not None:
            if raw in texts:
                st.session_state[key] = options[texts.index(raw)]
            else:
                st.toast(f"{t('bad_url_value')}: {key}={raw}", icon=":material/info:")
    if st.session_state.get(key) not in options:
        st.session_state[key] = default
    value = widget(label, options, key=key, **kwargs)
    if value is None:
        value = default
    if value == default:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = _text(value)
    return value


def url_toggle(label: str, key: str, **kwargs) -> bool:
    """A toggle synced to ?key=true|false the same way."""
    value = url_widget(lambda lab, opts, **kw: st.toggle(lab, **kw), label, [True, False], key, params.default(key),
                       **kwargs)
    return bool(value)
