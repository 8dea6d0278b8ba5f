"""Widgets whose value holds across pages and lives in the URL as the option itself, whatever
the language.

Streamlit drops a widget's state and the link's parameters when the user moves to another page,
so each choice is kept in the session (`_held`) and given back to the widget on every page; the
URL is rewritten from it on every run, so the address bar always reproduces the view. A link's
parameters are read once, on the session's first run. The URL holds the option (a court code,
an indicator id), not its label, so a link does not depend on the interface language. A value
in the URL that is not an option falls back to the default with a notice.
"""
from __future__ import annotations

import streamlit as st

from ui import params
from ui.i18n import t
from ui.plain import md

_HELD = "_held"
_LOADED = "_url_loaded"


def _text(option) -> str:
    return str(option).lower() if isinstance(option, bool) else str(option)


def _held() -> dict:
    return st.session_state.setdefault(_HELD, {})


def hold(**values) -> None:
    """Choose values as if in their widgets (a click on a chart that opens a unit, say); call it
    from a callback, before the widgets are drawn."""
    _held().update(values)


def forget() -> None:
    """Drop every held choice (at sign-out: the next user of the browser starts from the defaults)."""
    for key in (_HELD, _LOADED):
        st.session_state.pop(key, None)


def held(key: str, default=None, options: list | None = None):
    """The value chosen for `key` this session (or given by the link), for a page without its widget."""
    _read_link(key, options)
    value = _held().get(key, default)
    return default if options is not None and value not in options else value


def _read_link(key: str, options: list | None) -> None:
    loaded = st.session_state.setdefault(_LOADED, set())
    if key in loaded:
        return
    loaded.add(key)  # the session's first run with this parameter reads the link
    raw = st.query_params.get(key)
    if raw is None:
        return
    if options is None:
        _held()[key] = raw
        return
    texts = [_text(o) for o in options]
    if raw in texts:
        _held()[key] = options[texts.index(raw)]
    else:
        st.toast(md(f"{t('bad_url_value')}: {key}={raw}"), icon=":material/info:")


def url_widget(widget, label: str, options: list, key: str, default=None, default_key: str | None = None, **kwargs):
    """Render `widget` (st.selectbox, st.segmented_control …) holding its value across pages and
    in ?key=. The default is the parameter table's entry `default_key` (else `key`; ui/params.py)
    unless the page works one out."""
    fixed_default = params.default(default_key or key)
    default = fixed_default if default is None else default
    if default not in options and options:
        default = options[0]
    _read_link(key, options)
    value = _held().get(key, default)
    if value not in options:  # e.g. a month after switching to quarters: the new kind's default
        value = default
    st.session_state[key] = value

    def keep() -> None:
        if st.session_state.get(key) is not None:
            _held()[key] = st.session_state[key]

    value = widget(label, options, key=key, on_change=keep, **kwargs)
    if value is None:
        value = default
    # A default worked out here (the user's court, the latest period) is written out. Only a change is
    # written: each write sends the browser a message, and every message redraws the page.
    if value == fixed_default:
        st.query_params.pop(key, None)
    elif st.query_params.get(key) != _text(value):
        st.query_params[key] = _text(value)
    return value


def url_toggle(label: str, key: str, **kwargs) -> bool:
    """A toggle held and linked the same way (?key=true|false)."""
    value = url_widget(lambda lab, opts, **kw: st.toggle(md(lab), **kw), label, [True, False], key, params.default(key),
                       **kwargs)
    return bool(value)
