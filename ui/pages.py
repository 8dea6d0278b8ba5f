"""The table of pages: where each lives, what it is called, who may open it. app.py builds the
navigation from it, every page checks it, and the tests read it; no other list of pages exists.

Title and help text come from the translation catalogue (`page_<key>`, `help_<key>`); the
section from `section_<section>`. A role's navigation is grouped in sections when it has more
than GROUP_FROM pages. Adding a page: its file in app_pages/, a row here, its texts in
present/text.py.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from metrics.access import ROLES, Reach
from ui import queries
from ui.i18n import t
from ui.plain import tm
from ui.session import current_access
from ui.url_state import drop_writes, hold


def _roles(which) -> frozenset[str]:
    return frozenset(r.id for r in ROLES.values() if which(r))


# Who opens a page, by what a role is (metrics/access.py), not by name: a new role row lands in
# the groups its reach and rights put it in, so it cannot come without pages.
ALL = _roles(lambda r: True)
ANALYSTS = _roles(lambda r: not r.own_cases_only)  # beyond their own cases: all but judges
OWN = _roles(lambda r: r.own_cases_only)  # their own cases only: a judge's landing page is theirs
MANAGERS = _roles(lambda r: r.reach in (Reach.ALL, Reach.DISTRICT, Reach.DIVISION))  # a whole unit, not a 条线
DISTRICT = _roles(lambda r: r.reach in (Reach.ALL, Reach.DISTRICT))  # a court and its district, or all
ADMIN = _roles(lambda r: r.manages_data)
GROUP_FROM = 7
_ASKED = "_asked_address"


@dataclass(frozen=True, kw_only=True)
class PageSpec:
    key: str                     # also the file name in app_pages/ and the text keys
    url: str                     # "" for a role's landing page
    icon: str
    section: str
    roles: frozenset[str]
    without_data: bool = False   # still opens when the case database cannot be read (ui/damaged.py)

    @property
    def path(self) -> str:
        return f"app_pages/{self.key}.py"


PAGES: tuple[PageSpec, ...] = (
    PageSpec(key="overview", url="", icon=":material/dashboard:", section="analysis", roles=ANALYSTS),
    PageSpec(key="my_cases", url="", icon=":material/assignment_ind:", section="analysis", roles=OWN),
    PageSpec(key="compare", url="compare", icon=":material/leaderboard:", section="analysis", roles=ALL),
    PageSpec(key="assessment", url="assessment", icon=":material/military_tech:", section="analysis", roles=ALL),
    PageSpec(key="profile", url="profile", icon=":material/id_card:", section="analysis", roles=ALL),
    PageSpec(key="trends", url="trends", icon=":material/trending_up:", section="analysis", roles=ANALYSTS),
    PageSpec(key="warnings", url="warnings", icon=":material/alarm:", section="topics", roles=ANALYSTS),
    PageSpec(key="management", url="management", icon=":material/supervisor_account:", section="topics", roles=MANAGERS),
    PageSpec(key="enforcement", url="enforcement", icon=":material/gavel:", section="topics", roles=DISTRICT),
    PageSpec(key="business", url="business", icon=":material/storefront:", section="topics", roles=ANALYSTS),
    PageSpec(key="source", url="source", icon=":material/handshake:", section="topics", roles=DISTRICT),
    # 访源治理: every role that sees more than its own cases (a head their division's visits)
    PageSpec(key="visits_governance", url="visits", icon=":material/record_voice_over:", section="topics",
             roles=ANALYSTS),
    PageSpec(key="briefing", url="briefing", icon=":material/description:", section="meeting", roles=ANALYSTS),
    PageSpec(key="screen", url="screen", icon=":material/tv:", section="meeting", roles=DISTRICT),
    PageSpec(key="actions", url="actions", icon=":material/checklist:", section="meeting", roles=ALL),
    PageSpec(key="subscriptions", url="subscriptions", icon=":material/notifications:", section="meeting", roles=ALL),
    PageSpec(key="definitions", url="definitions", icon=":material/menu_book:", section="reference", roles=ALL),
    PageSpec(key="data_overview", url="data", icon=":material/database:", section="admin", roles=ADMIN, without_data=True),
    PageSpec(key="data_import", url="import", icon=":material/upload_file:", section="admin", roles=ADMIN, without_data=True),
    PageSpec(key="evaluation_settings", url="evaluation", icon=":material/tune:", section="admin", roles=ADMIN),
    PageSpec(key="audit_log", url="audit", icon=":material/history:", section="admin", roles=ADMIN, without_data=True),
)
BY_KEY = {p.key: p for p in PAGES}
_unknown = {r for p in PAGES for r in p.roles} - set(ROLES)
if _unknown:  # a typo here would hide a page from everyone without a word
    raise ValueError(f"ui/pages.py names roles that metrics/access.py does not declare: {sorted(_unknown)}")


def pages_for(role: str) -> list[PageSpec]:
    return [p for p in PAGES if role in p.roles]


def _st_page(spec: PageSpec) -> st.Page:
    kw = dict(title=t(f"page_{spec.key}"), icon=spec.icon, help=t(f"help_{spec.key}"))
    return st.Page(spec.path, default=True, **kw) if spec.url == "" else st.Page(spec.path, url_path=spec.url, **kw)


def _unknown_address(known: set[str]) -> str | None:
    """The page address the browser asks for when no page of `known` has it. st.navigation would
    answer it with its own dialog, in English whatever the interface's language."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return None
    if ctx.pages_manager.intended_page_script_hash:  # a rerun names its page by a hash of its address
        asked = st.session_state.get(_ASKED)
        if asked and st.Page(lambda: None, url_path=asked)._script_hash != ctx.pages_manager.intended_page_script_hash:
            asked = None
    else:
        asked = (ctx.pages_manager.intended_page_name or "").strip().strip("/")
        st.session_state[_ASKED] = asked  # for the rerun that signs the user in at this address
    return None if not asked or asked in known or "/" in asked else asked


def _not_found(address: str, home: str) -> st.Page:
    """A hidden page at `address` that says, in the interface's language, that there is no such
    page, with a link to the role's first page `home`."""
    def page() -> None:
        st.title(t("page_not_found"))
        st.warning(tm("page_not_found_text", address=address), icon=":material/link_off:")
        st.page_link(home, label=t("page_not_found_home"), icon=":material/home:")
    return st.Page(page, title=t("page_not_found"), url_path=address, visibility="hidden")


def navigation(role: str):
    """The st.navigation of a role's pages, in sections when there are many, and an address that
    is none of them answered in the interface's language."""
    specs = pages_for(role)
    # the landing page (url "") also answers at its file's name: no second page may claim that address
    unknown = _unknown_address({s.url for s in specs} | {s.key for s in specs if s.url == ""})
    extra = [_not_found(unknown, next(s.path for s in specs if s.url == ""))] if unknown else []
    if len(specs) < GROUP_FROM:
        return st.navigation([_st_page(s) for s in specs] + extra)
    sections: dict[str, list] = {}
    for s in specs:
        sections.setdefault(t(f"section_{s.section}"), []).append(_st_page(s))
    if extra:
        sections[next(iter(sections))] += extra
    return st.navigation(sections, expanded=True)  # every page listed: no "View more" hiding the admin pages


def sign_in_navigation(sign_in_page):
    """Before sign-in every page's address shows the sign-in form, so a shared link opens its
    view right after signing in."""
    urls = dict.fromkeys(p.url for p in PAGES if p.url)
    unknown = _unknown_address(set(urls) | {sign_in_page.__name__})  # signed in, it says there is no such page
    pages = [st.Page(sign_in_page, title=t("sign_in"), default=True)]
    pages += [st.Page(sign_in_page, title=url, url_path=url) for url in urls | ({unknown: None} if unknown else {})]
    return st.navigation(pages, position="hidden")


def without_data(page) -> bool:
    """Whether the st.Page `page` (of navigation()) opens when the case database cannot be read:
    the admin's way back (数据概况, 数据导入 with its rollback, 审计日志); every other page says why not."""
    return any(s.without_data and s.url and s.url == page.url_path for s in PAGES)


def may_open(key: str) -> bool:
    access = current_access()
    return access is not None and access.role in BY_KEY[key].roles


def link(key: str) -> None:
    """A link to page `key`, shown only to a user who may open it."""
    if may_open(key):
        spec = BY_KEY[key]
        st.page_link(spec.path, label=t(f"page_{key}"), icon=spec.icon)


def open_profile(level: str, court: str, division: str | None = None, judge: str | None = None,
                 team: str | None = None) -> None:
    """Go to the 画像 of a unit (a click on its name in a comparison), or say why not: a judge
    opens only their own. The profile page checks again that the user may open it."""
    access = current_access()
    if access is None or level not in access.profile_levels or (
            access.rule.own_cases_only and judge != access.judge_id):
        st.info(t("own_profile_only"))
        return
    if level == "judge" and not division:  # a line head's judge is placed by the cases of their line
        division = queries.judge_division(court, judge, access.category)
    if level == "team" and not division:  # a team compared across a court's divisions
        division = queries.team_division(court, team, access.category)
    hold(court=court, district=False, plevel=level, **({"division": division} if division else {}),
         **({"judge": judge} if judge else {}), **({"team": team} if team else {}))
    drop_writes()  # the profile page writes its own link
    st.switch_page(BY_KEY["profile"].path)


def require(key: str) -> None:
    """Stop a page that the signed-in user's role may not open (the navigation does not list it
    either; this holds even if a page is reached another way)."""
    access = current_access()
    if access is None:  # signed out meanwhile (or the demo replaced): a full run shows the sign-in page
        st.rerun()
    if access.role not in BY_KEY[key].roles:
        st.error(t("not_allowed"))
        st.stop()
