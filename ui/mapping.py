"""The import page's mapping step: the file's columns, the mapping proposed for them (a saved
profile's, then the standard names, then known aliases), the words of 审理程序 and 结案方式 the
format does not know, every rule's verdict on the first rows, and saving it all as a profile.
The file is read in a limited child process (data/sandbox.py), as an import is."""
from __future__ import annotations

import hashlib
import os
import tempfile

import pandas as pd
import streamlit as st

from data import profiles
from data.profiles import VOCABULARIES, Profile
from data.reader import UnusableFile
from data.sandbox import preview_isolated
from schema import codes
from security import audit

from .database import db_path, db_version
from .i18n import t
from .plain import md, tm


def _standard(header: str, col: str) -> bool:
    return header.strip().lower() in (col, codes.CASE_COLUMNS[col][0].lower())


@st.cache_data(max_entries=16, show_spinner=False)
def _look(_path: str, digest: str, profile: Profile | None, shown_as: str, version: tuple) -> dict:
    """What the child read of the file (cached by the file's content, the mapping and the database)."""
    with tempfile.TemporaryDirectory() as tmp:
        toml = profiles.save(profile, os.path.join(tmp, "p.toml")) if profile else None
        return preview_isolated(_path, db_path(), toml, shown_as)


def mapping_step(path: str, shown_as: str, username: str) -> Profile:
    """Draw the step for the file at `path` (its own name `shown_as`); returns the profile the
    import should use. UnusableFile when the file cannot be read at all."""
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    chosen = st.selectbox(t("profile_pick"), [""] + profiles.names(), key="profile_pick",
                          format_func=lambda n: n or t("profile_standard"))
    base = profiles.load(chosen) if chosen else None
    first = _look(path, digest, base, shown_as, db_version(db_path()))
    header, proposed = first["header"], first["proposed"]
    table = pd.DataFrame({"column": list(codes.CASE_COLUMNS),
                          "column_zh": [zh for zh, _k, _r in codes.CASE_COLUMNS.values()],
                          "required": [t("yes") if req else "" for _zh, _k, req in codes.CASE_COLUMNS.values()],
                          "header": [proposed[c] or "" for c in codes.CASE_COLUMNS]})
    st.caption(tm("mapping_intro", n=len(header)))
    edited = st.data_editor(
        table, hide_index=True, key=f"mapping_{chosen}", disabled=["column", "column_zh", "required"],
        column_config={"column": t("col_column"), "column_zh": t("col_column_zh"), "required": t("col_required"),
                       "header": st.column_config.SelectboxColumn(t("col_file_header"), options=[""] + header)})
    columns = {r.header: r.column for r in edited.itertuples() if r.header and not _standard(r.header, r.column)}
    mapped = Profile(chosen or "current", columns, {}, base.description if base else "")
    look = _look(path, digest, mapped, shown_as, db_version(db_path()))
    values: dict[str, dict[str, str]] = {}
    for col, words in look.get("words", {}).items():
        if not words:
            continue
        before = base.values.get(col, {}) if base else {}
        field = t("field_name", zh=codes.CASE_COLUMNS[col][0], column=col)
        st.caption(tm("mapping_words", column=field, n=len(words)))
        words_table = st.data_editor(
            pd.DataFrame({"word": words, "means": [before.get(w, "") for w in words]}), hide_index=True,
            key=f"words_{col}_{chosen}", disabled=["word"],
            column_config={"word": t("col_word"), "means": st.column_config.SelectboxColumn(
                t("col_means"), options=[""] + list(VOCABULARIES[col]))})
        values[col] = {r.word: r.means for r in words_table.itertuples() if r.means}
    profile = Profile(mapped.name, columns, values, mapped.description)
    checked = _look(path, digest, profile, shown_as, db_version(db_path())) if values else look
    if "problem" in checked:
        st.warning(md(checked["problem"]))
    else:
        rows = pd.DataFrame(checked["verdicts"], columns=["row", "case_no", "reason"])
        st.caption(tm("mapping_preview", passed=int((rows["reason"] == "").sum()), n=len(rows)))
        st.dataframe(rows.assign(reason=rows["reason"].replace("", t("row_passes"))).rename(
            columns={"row": t("col_row"), "case_no": t("col_case_no"), "reason": t("col_verdict")}), hide_index=True)
    with st.form("save_profile", border=False):
        name = st.text_input(t("profile_name"), value=chosen, key="profile_name", max_chars=40)
        if st.form_submit_button(t("profile_save")):
            saved_as = Profile(name.strip(), columns, values, profile.description)
            try:
                profiles.save(saved_as)
            except UnusableFile as e:
                st.error(tm("profile_bad", why=str(e)))
            else:
                audit.record(username, "profile_saved", f"{saved_as.name}: {len(columns)} columns, "
                                                        f"{sum(len(v) for v in values.values())} words")
                st.success(tm("profile_saved", name=saved_as.name))
    return profile
