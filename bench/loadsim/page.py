"""What one script run drew, read from the server's ForwardMsgs: the widgets (with the value the
browser would send back for each), the navigation, exceptions and the sign-in ticket."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

SIDEBAR = 1  # delta_path[0]: 0 the main area, 1 the sidebar
TICKET = re.compile(r"/session/start\?ticket=([A-Za-z0-9_\-]+)")


@dataclass
class Widget:
    id: str
    kind: str            # selectbox, button_group, checkbox, text_input, expander, button
    root: int
    value: object        # what the browser sends back untouched (None: nothing, as for a button)
    options: list[str] = field(default_factory=list)
    disabled: bool = False
    fragment: str = ""   # the fragment drawing it ("" none): a change reruns that fragment alone

    @property
    def key(self) -> str:
        """The key the page gave it ("$$ID-<hash>-court" → "court")."""
        return self.id.split("-", 2)[2] if self.id.startswith("$$ID-") else self.id


@dataclass
class Page:
    widgets: dict[str, Widget] = field(default_factory=dict)   # by id
    exceptions: list[str] = field(default_factory=list)
    ticket: str | None = None
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)  # url path ("" the landing page) → (script hash, name)
    current: str = ""          # the url path of the page drawn
    query_string: str = ""
    elements: int = 0          # elements and blocks drawn (new_element and add_block deltas)

    def add(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "delta":
            self._delta(msg)
        elif kind == "navigation":
            nav = msg.navigation
            self.pages = {p.url_pathname: (p.page_script_hash, p.page_name) for p in nav.app_pages}
            self.current = next((p.url_pathname for p in nav.app_pages if p.page_script_hash == nav.page_script_hash), "")
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string

    def signed_in(self) -> bool:
        return self.find("sign_out") is not None  # app.py draws it for a signed-in user only

    @property
    def path_name(self) -> str:
        """The page drawn, by url path ("landing" for the role's first page; the sign-in page apart)."""
        if not self.signed_in():
            return "sign-in"
        return self.current or "landing"

    @property
    def current_hash(self) -> str:
        return self.pages.get(self.current, ("", ""))[0]

    @property
    def current_name(self) -> str:
        return self.pages.get(self.current, ("", ""))[1]

    def find(self, key: str) -> Widget | None:
        return next((w for w in self.widgets.values() if w.key == key), None)

    def states(self, sidebar_only: bool = False) -> list[WidgetState]:
        """The widget states the browser sends with its next rerun (a page switch keeps only the
        sidebar's, as the frontend does)."""
        out = []
        for w in self.widgets.values():
            if w.value is None or (sidebar_only and w.root != SIDEBAR):
                continue
            out.append(state(w, w.value))
        return out

    def _delta(self, msg: ForwardMsg) -> None:
        root = msg.metadata.delta_path[0] if msg.metadata.delta_path else 0
        delta = msg.delta
        if delta.WhichOneof("type") in ("add_block", "new_element"):
            self.elements += 1
        if delta.WhichOneof("type") == "add_block":
            block = delta.add_block
            if block.WhichOneof("type") == "expandable" and block.expandable.id:
                self._keep(Widget(block.expandable.id, "expander", root, bool(block.expandable.expanded),
                                  fragment=delta.fragment_id))
            return
        if delta.WhichOneof("type") != "new_element":
            return
        el = delta.new_element
        kind = el.WhichOneof("type")
        if kind == "exception":
            self.exceptions.append(f"{el.exception.type}: {el.exception.message}"[:300])
        elif kind == "html":
            found = TICKET.search(el.html.body)
            if found:
                self.ticket = found.group(1)
        elif kind in WIDGETS:
            self._keep(replace(WIDGETS[kind](getattr(el, kind), root), fragment=delta.fragment_id))

    def _keep(self, w: Widget) -> None:
        self.widgets[w.id] = w

    def continued(self) -> "Page":
        """The page a fragment's run starts from: what the last run drew, its elements uncounted
        (a fragment's run redraws its own elements and leaves the rest as they were)."""
        return replace(self, widgets=dict(self.widgets), exceptions=[], elements=0, ticket=None)


def _selectbox(p, root: int) -> Widget:
    options = list(p.options)
    value = p.raw_value if p.set_value else (options[p.default] if 0 <= p.default < len(options) else None)
    return Widget(p.id, "selectbox", root, value, options, p.disabled)


def _button_group(p, root: int) -> Widget:
    options = [o.content for o in p.options]
    value = list(p.raw_values) if p.set_value else [options[i] for i in p.default if 0 <= i < len(options)]
    return Widget(p.id, "button_group", root, value, options, p.disabled)


def _checkbox(p, root: int) -> Widget:
    return Widget(p.id, "checkbox", root, bool(p.value if p.set_value else p.default), disabled=p.disabled)


def _text_input(p, root: int) -> Widget:
    return Widget(p.id, "text_input", root, p.value if p.set_value else p.default, disabled=p.disabled)


def _button(p, root: int) -> Widget:
    return Widget(p.id, "button", root, None, [p.label], p.disabled)


WIDGETS = {"selectbox": _selectbox, "button_group": _button_group, "checkbox": _checkbox,
           "text_input": _text_input, "button": _button}


def state(w: Widget, value) -> WidgetState:
    """A widget's state as the frontend encodes it: a selectbox by its label, a segmented control
    by the list of labels, a toggle or an expander as a bool, a button as a trigger."""
    s = WidgetState(id=w.id)
    if w.kind in ("selectbox", "text_input"):
        s.string_value = value
    elif w.kind == "button_group":
        s.string_array_value.data.extend(value)
    elif w.kind in ("checkbox", "expander"):
        s.bool_value = bool(value)
    elif w.kind == "button":
        s.trigger_value = True
    return s
