"""The import page's mapping step: which list the file is (case list or letters-and-visits list,
as its header says, or as chosen when it says neither), the file's columns, the mapping proposed
for them (a saved profile's, then the standard names, then known aliases), the words of the
list's coded columns the format does not know (审理程序 and 结案方式; 信访形式 and 办理结果),
every rule's verdict on the first rows, and saving it all as a profile of that list.

Every pick is made in one form and applied once: a pick alone does not run the page (reading
the file again in a child process took seconds a pick). The file is read in a limited child
process (data/sandbox.py), as an import is, once per mapping applied (cached)."""
from __future__ import annotations

import hashlib
import os
import tempfile

import pandas as pd
import streamlit as st

from data import profiles, rejects
from data.profiles import Profile, columns_of, vocabularies
from data.reader import UnusableFile
from data.sandbox import preview_isolated
from security import audit

from .database import db_path, db_version
from .i18n import lang, t
from .plain import md, tm

PICK = "profile_pick"  # the profile selector's key; set to a profile's name when it is saved
COLUMNS_PER_ROW = 3


LISTS = ("cases", "visits")


def _standard(header: str, col: str, record: str) -> bool:
    return header.strip().lower() in (col, columns_of(record)[col][0].lower())


@st.cache_data(max_entries=16, show_spinner=False)
def _look(_path: str, digest: str, profile: Profile | None, shown_as: str, version: tuple,
          record: str | None = None) -> dict:
    """What the child read of the file (cached by the file's content, the mapping and the database)."""
    with tempfile.TemporaryDirectory() as tmp:
        toml = profiles.save(profile, os.path.join(tmp, "p.toml")) if profile else None
        return preview_isolated(_path, db_path(), toml, shown_as, record)


def _pick_key(record: str) -> str:
    """The profile selector's key: each list has its own profiles."""
    return PICK if record == "cases" else f"{PICK}_{record}"


def list_of(path: str, shown_as: str) -> str:
    """Which list the file is: as its header says (said on the page), else as chosen here.
    UnusableFile when the file cannot be read at all."""
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    kind = _look(path, digest, None, shown_as, db_version(db_path()))["kind"]
    if kind:
        st.caption(tm("list_recognised", list=t(f"list_{kind}")))
        return kind
    st.caption(t("list_unrecognised"))
    return st.radio(t("list_kind"), LISTS, format_func=lambda k: t(f"list_{k}"), horizontal=True,
                    key=f"list_kind_{digest[:16]}")


def _applied_key(digest: str, chosen: str, record: str = "cases") -> str:
    return f"_mapping_applied_{digest[:16]}_{record}_{chosen}"


def _widget(digest: str, chosen: str, *parts: str) -> str:
    """A pick's key: a new file, another list or another profile starts from its own proposal
    (`chosen` is "list:profile")."""
    return "_".join(("map", digest[:16], chosen, *parts))


def _word_key(digest: str, chosen: str, col: str, word: str) -> str:
    """A word's pick keyed by the word: another mapping may list other words in its place."""
    return _widget(digest, chosen, "word", col, hashlib.sha256(word.encode()).hexdigest()[:16])


def _apply(digest: str, record: str, chosen: str, base: Profile | None, words: dict[str, list[str]]) -> None:
    """The form's picks as the profile in use (a callback: it runs before the page does)."""
    state = st.session_state
    slot = f"{record}:{chosen}"
    columns = {}
    for col in columns_of(record):
        header = state.get(_widget(digest, slot, "col", col)) or ""
        if header and not _standard(header, col, record):
            columns[header] = col
    values = {col: {w: m for w in ws if (m := state.get(_word_key(digest, slot, col, w)))}
              for col, ws in words.items()}
    state[_applied_key(digest, chosen, record)] = Profile(
        chosen or "current", columns, {c: v for c, v in values.items() if v}, base.description if base else "", record)


def _save(digest: str, record: str, chosen: str, base: Profile | None, words: dict[str, list[str]],
          username: str) -> None:
    """Apply the picks and save them under the name typed; the selector then shows it (a callback)."""
    _apply(digest, record, chosen, base, words)
    state = st.session_state
    current = state[_applied_key(digest, chosen, record)]
    name = (state.get("profile_name") or "").strip()
    saved_as = Profile(name, current.columns, current.values, current.description, record)
    try:
        profiles.save(saved_as)
    except UnusableFile as e:
        state["_profile_said"] = ("error", tm("profile_bad", why=str(e)))
        return
    audit.record(username, "profile_saved", f"{saved_as.name}: {record}, {len(saved_as.columns)} columns, "
                                            f"{sum(len(v) for v in saved_as.values.values())} words")
    state[_applied_key(digest, name, record)] = saved_as  # the same mapping, now under its name
    state[_pick_key(record)] = name
    state["_profile_said"] = ("success", tm("profile_saved" if record == "cases" else "profile_saved_visits", name=name))


def _column_picks(digest: str, slot: str, record: str, header: list[str], proposed: dict[str, str | None]) -> None:
    options = [""] + header
    rows = st.columns(COLUMNS_PER_ROW)
    for i, (col, (zh, _kind, required)) in enumerate(columns_of(record).items()):
        now = proposed.get(col) or ""
        rows[i % COLUMNS_PER_ROW].selectbox(
            label=tm("mapping_field_required" if required else "mapping_field", zh=zh, column=col), options=options,
            index=options.index(now) if now in options else 0,
            format_func=lambda h: h or t("mapping_unmapped"), key=_widget(digest, slot, "col", col))


def _word_picks(digest: str, slot: str, record: str, words: dict[str, list[str]],
                meant: dict[str, dict[str, str]]) -> None:
    vocabulary, columns = vocabularies(record), columns_of(record)
    for col, ws in words.items():
        st.caption(tm("mapping_words", column=t("field_name", zh=columns[col][0], column=col), n=len(ws)))
        options = [""] + list(vocabulary[col])
        rows = st.columns(COLUMNS_PER_ROW)
        for i, word in enumerate(ws):
            now = meant.get(col, {}).get(word, "")
            rows[i % COLUMNS_PER_ROW].selectbox(
                label=md(word), options=options, index=options.index(now) if now in options else 0,
                format_func=lambda w: w or t("word_as_written"), key=_word_key(digest, slot, col, word))


def _verdicts(checked: dict, record: str) -> None:
    if "problem" in checked:
        st.warning(md(checked["problem"]))
        return
    rows = pd.DataFrame(checked["verdicts"], columns=["row", "key", "reason"])
    st.caption(tm("mapping_preview", passed=int((rows["reason"] == "").sum()), n=len(rows)))
    below = checked["header_line"]  # a row's line in the spreadsheet, as the rejects list says it
    said = [rejects.in_language(r, lang(), lambda row, _file: row + below) if r else t("row_passes")
            for r in rows["reason"]]
    st.dataframe(pd.DataFrame({t("col_line"): rows["row"] + below, t(key_label(record)): rows["key"],
                               t("col_verdict"): said}), hide_index=True)


def key_label(record: str) -> str:
    """The text key of the column naming a row: 案号, or 信访编号."""
    return "col_case_no" if record == "cases" else "col_visit_no"


def mapping_step(path: str, shown_as: str, username: str, record: str = "cases") -> Profile:
    """Draw the step for the file at `path` (its own name `shown_as`) as a list of `record`;
    returns the profile the import should use. UnusableFile when the file cannot be read at all."""
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    chosen = st.selectbox(t("profile_pick"), [""] + profiles.names(record), key=_pick_key(record),
                          format_func=lambda n: n or t("profile_standard"))
    base = profiles.load(chosen) if chosen else None
    slot = f"{record}:{chosen}"
    version = db_version(db_path())
    applied = st.session_state.get(_applied_key(digest, chosen, record))
    if applied is None:  # until the first Apply: the proposal (the profile's, the standard names, aliases)
        proposed = _look(path, digest, base, shown_as, version, record)["proposed"]
        applied = Profile(chosen or "current", {h: c for c, h in proposed.items() if h and not _standard(h, c, record)},
                          base.values if base else {}, base.description if base else "", record)
    look = _look(path, digest, applied, shown_as, version, record)
    header, words = look["header"], {c: w for c, w in look.get("words", {}).items() if w}
    with st.form(f"mapping_{digest[:16]}_{record}_{chosen}", border=False):
        st.caption(tm("mapping_intro", n=len(header)))
        _column_picks(digest, slot, record, header, look["proposed"])
        _word_picks(digest, slot, record, words, applied.values)
        st.form_submit_button(t("mapping_apply"), type="primary", on_click=_apply,
                              args=(digest, record, chosen, base, words))
        st.text_input(t("profile_name"), value=chosen, key="profile_name", max_chars=40)
        st.form_submit_button(t("profile_save"), on_click=_save, args=(digest, record, chosen, base, words, username))
    if said := st.session_state.pop("_profile_said", None):
        (st.success if said[0] == "success" else st.error)(said[1])
    _verdicts(look, record)
    return applied
