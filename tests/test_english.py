"""The English interface has no Chinese left outside data values (court, division and judge
names, case numbers and codes): every element of every page is read, charts' data included."""
from __future__ import annotations

import io
import json

import pyarrow as pa
import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1.element_tree import Block, Dataframe

from security.users import load_users
from tests.helpers import chinese_left, data_values, demo_roles
from tests.test_app_widgets import unsigned  # noqa: F401  (fixture)
from tests.test_metrics_identities import demo  # noqa: F401  (fixture)
from ui.pages import PAGES

# Shown in both languages on purpose: the language switch itself.
BOTH_LANGUAGES = ["语言 / Language", "中文"]


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _arrow_strings(data: bytes) -> list[str]:
    if not data:
        return []
    frame = pa.ipc.open_stream(io.BytesIO(data)).read_all().to_pandas()
    return [str(c) for c in frame.columns] + [v for col in frame.columns for v in frame[col] if isinstance(v, str)]


def texts(node) -> list[str]:
    """Every string an element (and its children) sends to the browser."""
    out: list[str] = []
    if isinstance(node, Block) or hasattr(node, "children"):
        if getattr(node, "proto", None) is not None:
            out += _strings(MessageToDict(node.proto))
        for child in node.children.values():
            out += texts(child)
        return out
    if isinstance(node, Dataframe):
        frame = node.value
        out += [str(c) for c in frame.columns] + [str(i) for i in frame.index if isinstance(i, str)]
        out += [v for col in frame.columns for v in frame[col] if isinstance(v, str)]
        return out
    proto = getattr(node, "proto", None)
    if proto is None:
        return out
    fields = MessageToDict(proto)
    fields.pop("data", None)
    fields.pop("datasets", None)
    if "spec" in fields:  # a chart: its spec, and the data it draws
        out += _strings(json.loads(fields.pop("spec")))
        out += _arrow_strings(proto.data.data) if proto.HasField("data") else []
        for ds in proto.datasets:
            out += _arrow_strings(ds.data.data)
    return out + _strings(fields)


@pytest.fixture
def english(unsigned, demo):  # noqa: F811
    unsigned.query_params["lang"] = "English"
    allowed = data_values(demo) + [u.name for u in load_users().users.values()] + BOTH_LANGUAGES
    return unsigned, sorted(set(allowed), key=len, reverse=True)


def test_the_sign_in_page_in_english(english):
    at, allowed = english
    at.run()
    assert not at.exception
    assert chinese_left("\n".join(texts(at._tree)), allowed) == []


@pytest.mark.parametrize("user,page", [(user, p.key) for role, user in demo_roles().items() for p in PAGES
                                       if role in p.roles and p.key != "screen"] + [("demo_leader", "screen")])
def test_every_page_in_english(english, user, page):
    at, allowed = english
    at.session_state["_user"] = user
    at.run()
    at.switch_page(PAGES[[p.key for p in PAGES].index(page)].path).run()
    assert not at.exception, at.exception
    shown = texts(at._tree)
    assert len(shown) > 10
    assert chinese_left("\n".join(shown), allowed) == []
