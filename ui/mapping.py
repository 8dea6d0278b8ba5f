"""The import page's mapping step: the file's columns, the mapping proposed for them (a saved
profile's, then the standard names, then known aliases), the words of 审理程序 and 结案方式 the
format does not know, every rule's verdict on the first rows, and saving it all as a profile."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from data import preview, profiles
from data.profiles import VOCABULARIES, Profile
from data.reader import UnusableFile, read_header, read_table
from schema import codes
from security import audit

from .database import db_path
from .i18n import t
from .plain import tm

SAMPLE = 500  # rows read for the words to map


def _standard(header: str, col: str) -> bool:
    return header.strip().lower() in (col, codes.CASE_COLUMNS[col][0].lower())


def mapping_step(path: str, username: str) -> Profile:
    """Draw the step for the file at `path`; returns the profile the import should use."""
    header = read_header(path)
    saved = profiles.names()
    chosen = st.selectbox(t("profile_pick"), [""] + saved, key="profile_pick",
                          format_func=lambda n: n or t("profile_standard"))
    base = profiles.load(chosen) if chosen else None
    proposed = preview.proposed_mapping(header, base)
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
    sample = read_table(path, codes.CASE_COLUMNS, columns, limit=SAMPLE)
    values: dict[str, dict[str, str]] = {}
    for col, vocabulary in VOCABULARIES.items():
        known = set(vocabulary) | set(codes.PROCEDURE_ALIASES if col == "procedure" else codes.CLOSING_ALIASES)
        words = sorted({w for w in sample[col].to_pylist() if w and w not in known})
        if not words:
            continue
        before = base.values.get(col, {}) if base else {}
        st.caption(tm("mapping_words", column=codes.CASE_COLUMNS[col][0], n=len(words)))
        words_table = st.data_editor(
            pd.DataFrame({"word": words, "means": [before.get(w, "") for w in words]}), hide_index=True,
            key=f"words_{col}_{chosen}", disabled=["word"],
            column_config={"word": t("col_word"),
                           "means": st.column_config.SelectboxColumn(t("col_means"), options=[""] + list(vocabulary))})
        values[col] = {r.word: r.means for r in words_table.itertuples() if r.means}
    profile = Profile(chosen or "current", columns, values, base.description if base else "")
    checked = preview.verdicts(path, profile, db_path())
    passed = int((checked["reason"] == "").sum())
    st.caption(tm("mapping_preview", passed=passed, n=len(checked)))
    st.dataframe(checked.assign(reason=checked["reason"].replace("", t("row_passes"))).rename(
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
