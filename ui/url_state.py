"""Widgets whose value holds across pages and lives in the URL as the option itself, whatever
the language.

Streamlit drops a widget's state and the link's parameters when the user moves to another page,
so each choice is kept in the session (`_held`) and given back to the widget on every page; the
URL is rewritten from it at the end of every run (`write_link`), so the address bar always
reproduces the view. A link's parameters are read once, on the session's first run. The URL holds
the option (a court code, an indicator id), not its label, so a link does not depend on the
interface language. A value in the URL that is not an option falls back to the default with a
notice.

The browser keeps a history entry for every change of the link, so a run changes it at most once:
a drill-down is one step back. Back and Forward bring back the view of that entry: Streamlit runs
the page again with that entry's link, and that run reads the link again (`new_run`).
"""
from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.state.session_state_proxy import get_session_state

from ui import params
from ui.i18n import t
from ui.plain import md

_HELD = "_held"
_LOADED = "_url_loaded"
_FROM_HISTORY = "_url_from_history"
_PENDING = "_url_pending"  # this run's link: key → text, or None to leave it out
_PAGE = "_url_page"  # the page of the last run
TRAIL = "trail"  # the drill-down's path (ui/drill_path.py)
SCOPE_KEYS = {"court", "district", "level", "division"}  # choosing one of these by hand leaves the drill-down's path


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
    for key in (_HELD, _LOADED, _FROM_HISTORY, _PENDING, _PAGE):
        st.session_state.pop(key, None)


def _history_navigation() -> bool:
    # Streamlit marks the run a Back or Forward of the browser starts (it has no public flag for it).
    ctx = get_script_run_ctx()
    return bool(getattr(ctx, "is_history_navigation", False))


def new_run(page: str) -> None:
    """Called first on every run, with the page's address. After Back or Forward the link of that
    history entry is read again, as on a session's first run, so the view is the one the entry
    showed. Streamlit keeps a page's bare address as an entry of its own when the page changes, before
    the page writes its view: Back or Forward onto it steps on over it, so one press shows the view
    before (or after)."""
    last, st.session_state[_PAGE] = st.session_state.get(_PAGE), page
    st.session_state[_PENDING] = {}
    st.session_state.pop(_FROM_HISTORY, None)
    if not _history_navigation():
        return
    if any(key in st.query_params for key in params.PARAMS if key != "lang"):
        st.session_state[_LOADED] = set()
        st.session_state[_FROM_HISTORY] = True
    elif last is not None:  # the bare address: on the same page it was Back, from another Forward
        st.session_state[_PENDING] = None  # left bare, so the next press steps over it again
        step = "back" if last == page else "forward"
        st.html(f"<script>history.{step}()</script>", unsafe_allow_javascript=True, width="content")


def write(key: str, value) -> None:
    """Put `value` into this run's link (None leaves the key out)."""
    text = None if value is None else _text(value)
    if _PENDING in st.session_state:  # a full run: written at its end, if at all
        if st.session_state[_PENDING] is not None:
            st.session_state[_PENDING][key] = text
        return
    if text is None:  # a fragment's own run (态势总览, 我的案件): no end of the run to wait for
        st.query_params.pop(key, None)
    elif st.query_params.get(key) != text:
        st.query_params[key] = text


def write_link() -> None:
    """Called last on every run: the link as this run left the view, in one change (one history
    entry), and none when it is the same."""
    pending = st.session_state.pop(_PENDING, None) or {}
    st.session_state.pop(_FROM_HISTORY, None)  # a fragment's later runs are not Back's
    sets = {k: v for k, v in pending.items() if v is not None and st.query_params.get(k) != v}
    gone = [k for k, v in pending.items() if v is None and k in st.query_params]
    if not sets and not gone:
        return  # every message redraws the page
    current = {k: st.query_params.get(k) for k in st.query_params}
    with get_session_state().query_params() as link:
        bound = {k for k in current if link.is_bound(k)}  # the language switch writes its own
        for key in current.keys() - bound:
            link.discard_param_no_forward_msg(key)  # written again below, in order, in one message
    ours = {k: v for k, v in current.items() if k not in gone and k not in bound} | sets
    st.query_params.update(sorted(ours.items(), key=lambda kv: _ORDER.get(kv[0], len(_ORDER))))


# Every page writes the link in this one order, so the same view is the same address whichever
# page wrote it: when a page switch's first link reaches the browser before its new address (a
# loaded browser can take Streamlit's two messages in that order), the link equals the address
# bar's and adds no history entry of the old page showing the new page's view.
_ORDER = {key: n for n, key in enumerate(params.PARAMS)}


def drop_writes() -> None:
    """Leave the link to a page switch (st.switch_page writes its own)."""
    if st.session_state.get(_PENDING) is not None:
        st.session_state[_PENDING] = {}


def held(key: str, default=None, options: list | None = None, written: bool = False):
    """The value chosen for `key` this session (or given by the link), for a page without its widget.
    written: the page writes the key into its link, so a link without it (after Back) means the default."""
    _read_link(key, options, written)
    value = _held().get(key, default)
    return default if options is not None and value not in options else value


def _read_link(key: str, options: list | None, written: bool = True) -> None:
    loaded = st.session_state.setdefault(_LOADED, set())
    if key in loaded:
        return
    loaded.add(key)  # the session's first run with this parameter reads the link
    raw = st.query_params.get(key)
    if raw is None:
        if written and st.session_state.get(_FROM_HISTORY):  # that entry's link left it at its default
            _held().pop(key, None)
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
        if key in SCOPE_KEYS:  # a scope chosen by hand: the drill-down's path no longer leads here
            _held().pop(TRAIL, None)

    value = widget(label, options, key=key, on_change=keep, **kwargs)
    if value is None:
        value = default
    # A default worked out here (the user's court, the latest period) is written out.
    write(key, None if value == fixed_default else value)
    return value


def url_toggle(label: str, key: str, **kwargs) -> bool:
    """A toggle held and linked the same way (?key=true|false)."""
    value = url_widget(lambda lab, opts, **kw: st.toggle(md(lab), **kw), label, [True, False], key, params.default(key),
                       **kwargs)
    return bool(value)
