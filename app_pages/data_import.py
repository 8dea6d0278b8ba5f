"""数据导入 (admin): upload case lists (several at once, or a .zip: one atomic change), or a
letters-and-visits list (told apart by its header, data/recognise.py; merged into the stored
visits, data/visits.py); map a source system's columns and words onto either list's format and
save that as a profile (ui/mapping.py);
the dashboard keeps serving the old data until the new file is complete. The import runs in a
child process with memory and time limits (data/sandbox.py): a crafted file can end its own
import, never the server. Earlier versions of the database are listed below, and one can be
put back (data/versions.py), recorded in the audit log. When the database in use cannot be read
(ui/damaged.py) the page still opens: a rollback, or an import that builds a new database from the
uploaded files alone, is the admin's way back from the browser."""
from __future__ import annotations

import datetime as dt
import os
import tempfile

import pandas as pd
import streamlit as st

from data import profiles, versions
from data.reader import UnusableFile
from data.sandbox import ingest_isolated, visits_isolated
from security import audit
from ui.database import db_path
from ui.i18n import t
from ui.import_results import rejected_rows, template_button
from ui.layout import page_header
from ui.mapping import key_label, list_of, mapping_step
from ui.plain import md, tm
from ui import database, queries
from security.users import real_admins
from ui.session import current_user, first_admin_form
from ui.tables import show
from ui.uploader import file_uploader

user = current_user()
_meta, refresh_header = page_header("data_import", refreshable=True)
if made := st.session_state.pop("_first_admin", None):
    st.success(tm("first_admin_done", name=made))
damaged = database.damage() is not None  # the header said what is wrong: an import makes a new database
leaving_demo = not damaged and queries.meta().get("kind") == "demo"
if leaving_demo:  # a court's first import: say what happens, and make sure an admin can sign in after it
    admins = real_admins()
    who = (t("leave_demo_you", name=user.username) if not user.demo else
           t("leave_demo_other") if admins else t("leave_demo_make"))  # no account names to a demo visitor
    with st.container(border=True):
        st.markdown(t("leave_demo"))
        st.markdown(tm("leave_demo_points", who=who))
    if user.demo:
        if not admins:
            first_admin_form(user)
        st.stop()
st.write(t("import_intro"))
if damaged:
    st.warning(t("damage_import"), icon=":material/warning:")
uploads = file_uploader(t("case_list_file"), ["csv", "xlsx", "parquet", "zip"], "up_cases", accept_multiple_files=True)
courts_file = file_uploader(t("court_list_file"), ["csv", "xlsx", "parquet"], "up_courts")
judges_file = file_uploader(t("judge_list_file"), ["csv", "xlsx", "parquet"], "up_judges")
if not uploads:  # before there is a file: the template to fill in (after, the mapping step takes the place)
    template_button()


def _failed(message: str) -> None:
    audit.record(user.username, "import", f"failed: {', '.join(u.name for u in uploads)}: {message}")
    st.error(md(message))
    st.stop()


def _saved(upload, folder: str, stem: str) -> str:
    """The upload on disk under a name of ours (its own name only in messages)."""
    path = os.path.join(folder, stem + os.path.splitext(upload.name)[1].lower()[:8])
    with open(path, "wb") as out:
        out.write(upload.getvalue())
    return path


if uploads:
    with tempfile.TemporaryDirectory() as tmp:
        try:
            paths = [_saved(u, tmp, f"cases{i}") for i, u in enumerate(uploads)]
            courts_path = _saved(courts_file, tmp, "courts") if courts_file else None  # else the stored list is kept
            judges_path = _saved(judges_file, tmp, "judges") if judges_file else None  # likewise
        except OSError as e:  # the upload could not be written (a full disk)
            _failed(f"{t('import_disk')} ({e.strerror})")
        shown = {os.path.basename(p): u.name for p, u in zip(paths, uploads)}
        profile = None
        kind = "cases"  # several files or a .zip: case lists
        if len(uploads) == 1 and not uploads[0].name.lower().endswith(".zip"):
            with st.expander(t("mapping_title"), expanded=True):
                try:
                    kind = list_of(paths[0], uploads[0].name)
                    profile = mapping_step(paths[0], uploads[0].name, user.username, kind)
                except UnusableFile as e:
                    st.error(md(str(e).replace(os.path.basename(paths[0]), uploads[0].name)))
        else:  # several files: one saved profile for them all
            name = st.selectbox(t("profile_pick"), [""] + profiles.names("cases"), key="profile_pick_many",
                                format_func=lambda n: n or t("profile_standard"))
            profile = profiles.load(name) if name else None
        visits = kind == "visits"  # merged into the stored data: no data date to set, nothing of the demo replaced
        if visits and damaged:  # nothing to merge into
            st.error(t("damage_visits"))
            st.stop()
        if visits and (courts_file or judges_file):  # checked against the stored court list, not the one uploaded
            st.info(t("visits_lists_ignored"))
        through = None if visits else st.date_input(t("through_date"), value=None, max_value=dt.date.today(),
                                                    key="import_through", help=t("through_help"), width=220)
        sure = st.checkbox(t("leave_demo_sure"), key="leave_demo_sure") if leaving_demo and not visits else True
        clicked = st.button(t("do_import"), type="primary", key="do_import")
        if clicked and not sure:
            st.warning(t("leave_demo_unsure"))
        elif clicked:
            rejects = os.path.join(tmp, "rejects.csv")
            profile_file = (profiles.save(profile, os.path.join(tmp, "profile.toml"))
                            if profile and (profile.columns or profile.values) else None)
            with st.spinner(t("importing")):
                try:
                    if visits:
                        result = visits_isolated(paths[0], db_path(), rejects, profile_file, uploads[0].name)
                    else:
                        result = ingest_isolated(paths, courts_path, db_path(), rejects, profile_file,
                                                 list(shown.values()), judges_path, replace=leaving_demo or damaged,
                                                 through=through)
                except UnusableFile as e:
                    message = str(e)
                    for ours, theirs in shown.items():
                        message = message.replace(ours, theirs)
                    _failed(message)
            audit.record(user.username, "import", f"{', '.join(shown.values())}: read {result.rows_read}, accepted "
                                                   f"{result.accepted}, rejected {result.rejected}"
                                                   + (f", profile {profile.name}" if profile_file else "")
                                                   + (", visits list" if visits else ""))
            cols = st.columns(4)
            cols[0].metric(t("rows_read"), f"{result.rows_read:,}")
            cols[1].metric(t("accepted"), f"{result.accepted:,}")
            cols[2].metric(t("rejected"), f"{result.rejected:,}")
            cols[3].metric(t("updated"), f"{result.updated:,}")
            if result.changed:
                refresh_header()  # the header drawn before the import shows the new data date
                st.success(t("visits_imported" if visits else "imported"))
            else:
                st.warning(t("import_nothing"))
            if result.rejected:
                rejected_rows(paths, list(shown.values()), rejects, tmp, key_label(kind))

st.subheader(t("versions_title"))
if done := st.session_state.pop("_rolled_back", None):  # said after the rerun that shows the new state
    st.success(tm("rolled_back", name=done[0], source=done[1]))
kept = versions.list_versions(db_path())
if not kept:
    st.caption(tm("versions_none", n=versions.keep_count()))
else:
    st.caption(tm("versions_intro", n=versions.keep_count()))
    show(pd.DataFrame([{"version": v.name, "kind": t(f"kind_{v.kind}") if v.kind in ("demo", "import") else v.kind,
                        "source": v.source, "cases": v.cases, "visits_source": v.visits_source, "data_date_col": v.data_date, "built": v.built_at,
                        "in_use": t("yes") if v.current else ""} for v in kept]), alt="versions")
    # cleared on submit: after a rollback the next one is chosen and confirmed anew; the version in
    # use is no choice (putting it back would change nothing)
    with st.form("rollback", clear_on_submit=True):
        chosen = st.selectbox(t("rollback_to"), [v.name for v in kept if not v.current], key="rollback_version")
        sure = st.checkbox(t("rollback_sure"), key="rollback_sure")
        if st.form_submit_button(t("rollback_do"), type="secondary") and sure and chosen:
            try:
                back = versions.rollback(db_path(), chosen)
            except (versions.NoSuchVersion, OSError) as e:
                audit.record(user.username, "rollback", f"failed: {chosen}: {e}")
                st.error(md(e))
            else:
                audit.record(user.username, "rollback", f"{back.name}: {back.kind} {back.source} ({back.cases} cases)")
                st.session_state["_rolled_back"] = (back.name, back.source)
                st.rerun()
