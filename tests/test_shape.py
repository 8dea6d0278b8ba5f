"""The shape the project keeps: libraries without Streamlit, SQL only in metrics/ and data/, one
table of pages and one of roles, no hand-kept lists of indicator ids, no import cycles."""
from __future__ import annotations

import argparse
import ast
import os
import re
import subprocess
import sys

import pytest

from metrics.catalogue import IDS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRESENTATION = ["app.py", "app_pages", "ui", "report", "present"]


def _files(*folders: str) -> list[str]:
    out = []
    for f in folders:
        path = os.path.join(ROOT, f)
        if os.path.isfile(path):
            out.append(path)
            continue
        for name in sorted(os.listdir(path)):
            if name.endswith(".py"):
                out.append(os.path.join(path, name))
    return out


def _imports(path: str) -> set[str]:
    """Every module a file imports, at the top or inside a function, as a dotted name."""
    tree = ast.parse(open(path, encoding="utf-8").read())
    package = os.path.relpath(os.path.dirname(path), ROOT).replace(os.sep, ".")
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names}
    return out


def test_libraries_load_no_streamlit():
    code = ("import sys, metrics, metrics.api, metrics.query, metrics.__main__, data, data.ingest, data.demo, "
            "data.__main__, report.briefing, report.__main__, security.users, security.audit, security.__main__, "
            "schema.codes, present.format, present.summary, present.theme, present.text; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


SQL = re.compile(r"\b(SELECT\b[^\n]*\bFROM|INSERT INTO|CREATE TABLE|COPY \(|ATTACH )|\.execute\(")


@pytest.mark.parametrize("path", _files(*PRESENTATION), ids=lambda p: os.path.relpath(p, ROOT))
def test_no_sql_outside_metrics_and_data(path):
    text = open(path, encoding="utf-8").read()
    assert not SQL.search(text), f"{os.path.relpath(path, ROOT)} writes SQL; ask metrics instead"


@pytest.mark.parametrize("path", _files(*PRESENTATION), ids=lambda p: os.path.relpath(p, ROOT))
def test_pages_use_public_names_of_metrics_and_ui(path):
    for name in _imports(path):
        parts = name.split(".")
        assert not any(p.startswith("_") and p != "__future__" and p != "__main__" for p in parts), \
            f"{os.path.relpath(path, ROOT)} imports private {name}"
    text = open(path, encoding="utf-8").read()
    assert not re.search(r"queries\._\w+\(", text) or path.endswith("queries.py")


@pytest.mark.parametrize("path", _files(*PRESENTATION), ids=lambda p: os.path.relpath(p, ROOT))
def test_no_hand_kept_list_of_indicators(path):
    """A page takes its indicators from the catalogue's views, never from a list of its own."""
    ids = set(IDS)
    for node in ast.walk(ast.parse(open(path, encoding="utf-8").read())):
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            names = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            assert len([n for n in names if n in ids]) < 2, (os.path.relpath(path, ROOT), names)


ROLE_WORDS = re.compile(r"""\.role\s*(==|!=|in|not in)|["'](admin|leader|head)["']""")


@pytest.mark.parametrize("path", [p for p in _files(*PRESENTATION, "security")
                                  if not p.endswith(os.path.join("ui", "pages.py"))],
                         ids=lambda p: os.path.relpath(p, ROOT))
def test_roles_are_decided_only_by_the_role_table(path):
    """Behaviour follows the role table (metrics/access.py) and the page table (ui/pages.py);
    no other file compares role names."""
    text = open(path, encoding="utf-8").read()
    assert not ROLE_WORDS.search(text), f"{os.path.relpath(path, ROOT)} compares role names"


def test_every_page_file_is_in_the_page_table_and_nowhere_else():
    from ui.pages import PAGES

    files = {n[:-3] for n in os.listdir(os.path.join(ROOT, "app_pages")) if n.endswith(".py")}
    assert files == {p.key for p in PAGES}
    for path in _files(*PRESENTATION):
        if not path.endswith(os.path.join("ui", "pages.py")):
            assert "app_pages/" not in open(path, encoding="utf-8").read(), path



def test_every_role_reaches_pages():
    """Pages name their audience by what a role is (its reach and rights, metrics/access.py), so
    every role opens pages and exactly one landing page, and so does a new row of any reach."""
    import dataclasses
    import importlib

    from metrics import access
    from ui import pages

    def check() -> None:
        for role in access.ROLES.values():
            opened = pages.pages_for(role.id)
            assert opened, f"role {role.id} opens no page"
            assert sum(p.url == "" for p in opened) == 1, f"role {role.id}: not one landing page"

    check()
    added = {f"new_{r.id}": dataclasses.replace(r, id=f"new_{r.id}") for r in access.ROLES.values()}
    try:
        access.ROLES.update(added)  # a new row built like each existing one
        importlib.reload(pages)
        check()
    finally:
        for key in added:
            del access.ROLES[key]
        importlib.reload(pages)


# package -> the packages it may import (its own included); anything else is a cycle waiting to happen
ALLOWED = {
    "schema": set(),
    "metrics": {"schema"},
    "data": {"schema", "metrics", "security"},  # security: the watch command writes the audit log
    "present": {"schema", "metrics"},
    "security": {"schema", "metrics"},
    "followup": {"schema", "metrics", "security"},
    "report": {"schema", "metrics", "present", "followup"},
    "ui": {"schema", "metrics", "present", "report", "security", "data", "followup", "delivery"},
    "delivery": {"schema", "metrics", "present", "report", "security", "followup"},
}
# The command lines that reach a package built on theirs: `python -m report deliver` is the
# contract's name for sending deliveries, which are built from reports (delivery imports report).
COMMAND_LINE_REACH = {os.path.join("report", "__main__.py"): {"delivery"}}


@pytest.mark.parametrize("package", list(ALLOWED))
def test_package_layers(package):
    ours = set(ALLOWED) | {"app_pages"}
    for path in _files(package):
        for name in _imports(path):
            top = name.split(".")[0]
            if top in ours and top != package:
                allowed = ALLOWED[package] | COMMAND_LINE_REACH.get(os.path.relpath(path, ROOT), set())
                assert top in allowed, f"{os.path.relpath(path, ROOT)} imports {name}"


def test_queries_do_not_ask_the_session():
    """Who is asking travels in the Query, so ui.queries needs nothing of ui.session (no cycle)."""
    assert not any(n.startswith("ui.session") for n in _imports(os.path.join(ROOT, "ui", "queries.py")))


MARKDOWN_SINKS = {"write", "markdown", "caption", "title", "header", "subheader", "toast", "error", "warning",
                  "info", "success", "expander", "popover", "button", "download_button", "form_submit_button",
                  "checkbox", "toggle", "radio", "metric", "link_button"}  # page_link: its label= below
CATALOGUE_TEXT = {"name", "formula", "describe"}  # an indicator's or period's own text, from the catalogue
NOT_STREAMLIT = {"out", "f", "fh", "w", "buffer"}


def _plain_argument(arg: ast.expr) -> bool:
    """Literal text, t("key") without values (the catalogue's own text), or text through ui.plain."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return True
    if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Add):
        return _plain_argument(arg.left) and _plain_argument(arg.right)
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name):
        return arg.func.id in ("md", "tm") or (arg.func.id == "t" and not arg.keywords)
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute):
        return arg.func.attr in CATALOGUE_TEXT
    if isinstance(arg, ast.IfExp):
        return _plain_argument(arg.body) and _plain_argument(arg.orelse)
    return isinstance(arg, ast.Constant) and arg.value is None


@pytest.mark.parametrize("path", _files("app.py", "app_pages", "ui"), ids=lambda p: os.path.relpath(p, ROOT))
def test_markdown_sinks_show_data_as_text(path):
    """Streamlit reads Markdown in these calls: a name from the data or a link parameter reaches
    them only escaped (ui/plain.py), and st.table only through plain.table."""
    tree = ast.parse(open(path, encoding="utf-8").read())
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        receiver = node.func.value
        if isinstance(receiver, ast.Name) and receiver.id in NOT_STREAMLIT:
            continue
        where = f"{os.path.relpath(path, ROOT)}:{node.lineno}"
        if node.func.attr == "table" and isinstance(receiver, ast.Name) and receiver.id == "st":
            assert path.endswith(os.path.join("ui", "plain.py")), f"{where}: st.table outside ui/plain.py"
        if node.func.attr in MARKDOWN_SINKS and node.args:
            assert _plain_argument(node.args[0]), f"{where}: {node.func.attr}() of text that is not escaped"
        for kw in node.keywords:  # help texts and labels are Markdown too
            if kw.arg in ("help", "label") and node.func.attr in MARKDOWN_SINKS | {"page_link", "selectbox", "multiselect",
                                                                                  "segmented_control", "pills",
                                                                                  "text_input", "file_uploader",
                                                                                  "data_editor", "dataframe"}:
                assert _plain_argument(kw.value), f"{where}: {kw.arg}= of text that is not escaped"


def test_no_text_key_is_written_twice():
    """A key given twice in the text catalogue silently keeps only the last text (one page's words
    would show on another)."""
    tree = ast.parse(open(os.path.join(ROOT, "present", "text.py"), encoding="utf-8").read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            assert len(keys) == len(set(keys)), sorted({k for k in keys if keys.count(k) > 1})


def test_every_data_subcommand_has_its_function():
    """`python -m data` dispatches by one table: a subcommand added to the parser without a
    function (or a function left for a removed one) is caught here, not by a user."""
    from data import __main__ as cli

    parser = cli._parser()
    subcommands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    assert set(subcommands) == set(cli.COMMANDS)


def _project_modules() -> dict[str, str]:
    """Dotted name → file of every module in the project's packages (folders with __init__.py)."""
    out = {}
    for top in sorted(os.listdir(ROOT)):
        if not os.path.isfile(os.path.join(ROOT, top, "__init__.py")):
            continue
        for folder, _, names in os.walk(os.path.join(ROOT, top)):
            for name in names:
                if name.endswith(".py"):
                    dotted = os.path.relpath(os.path.join(folder, name), ROOT)[:-3].replace(os.sep, ".")
                    out[dotted.removesuffix(".__init__")] = os.path.join(folder, name)
    return out


def test_no_import_cycle():
    """Modules import each other one way only, counting imports inside functions (which hide a
    cycle from Python but not from a reader): a cycle means two modules are one job split
    badly, and a change in either breaks the other."""
    modules = _project_modules()
    graph = {}
    for name, path in modules.items():
        targets = set()
        for imported in _imports(path):
            while imported and imported not in modules:  # `from data.reader import X` → data.reader
                imported = imported.rpartition(".")[0]
            if imported and not (name + ".").startswith(imported + "."):  # a module's own packages load first
                targets.add(imported)
        graph[name] = targets
    cycles, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(" → ".join(trail[trail.index(nxt):] + [node, nxt]) if nxt in trail
                              else f"{node} → {nxt}")
            elif nxt not in state:
                visit(nxt, trail + [node])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    assert not cycles, "import cycles: " + "; ".join(cycles)


PENDING_WRITTEN = re.compile(r"closed_date\s+IS\s+NULL\s+OR|closed_date\s*>=?\s*(\?|p_end|\w+\.p_end|\w+\.day)")


def test_pending_is_written_once():
    """"Pending on day d" is PENDING's rule in metrics/measures.py (open_on, handled_in): a page or
    list that wrote it again could drift from the indicator 未结 it stands beside. In metrics/ no
    other module tests a missing closing date at all (data/validate.py's checks of a record do)."""
    found = []
    for path in _files("metrics", "data", "report", "ui", "app_pages", "present", "followup"):
        if path.endswith(os.path.join("metrics", "measures.py")):
            continue
        text = open(path, encoding="utf-8").read()
        in_metrics = os.path.basename(os.path.dirname(path)) == "metrics"
        for m in (re.finditer(r"closed_date\s+IS\s+NULL", text) if in_metrics else PENDING_WRITTEN.finditer(text)):
            found.append(f"{os.path.relpath(path, ROOT)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}")
    assert not found, found


def test_every_text_key_is_used():
    """A text no code asks for is a page's word left behind: every key of present/text.py is
    written somewhere as a string, or starts with the fixed part of a key built in an f-string
    (f"page_{key}"), or is a written string and the fixed end of one (f"{key}_help")."""
    from present.text import TEXT

    text_py = os.path.join(ROOT, "present", "text.py")
    literals, prefixes, suffixes = set(), set(), set()
    for path in _files(*PRESENTATION, "metrics", "followup", "security", "data", "delivery", "serve.py"):
        tree = ast.parse(open(path, encoding="utf-8").read())
        keys = set()
        if path == text_py:  # the catalogue's own keys do not use themselves
            keys = {id(k) for node in ast.walk(tree) if isinstance(node, ast.AnnAssign)
                    and getattr(node.target, "id", "") == "TEXT" for k in node.value.keys}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in keys:
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values:
                if isinstance(node.values[0], ast.Constant):
                    prefixes.add(node.values[0].value)
                if isinstance(node.values[-1], ast.Constant):
                    suffixes.add(node.values[-1].value)
    unused = [k for k in TEXT if k not in literals and not any(k.startswith(p) for p in prefixes if p)
              and not any(k.endswith(x) and k[: -len(x)] in literals for x in suffixes if x)]
    assert not unused, unused
