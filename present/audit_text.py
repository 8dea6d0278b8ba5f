"""The audit log in the interface's language. The stored entries stay as written (they are a
hash-chained record, in English words a machine can read); the audit page shows each event by
its catalogue name and each detail of a known shape in words of the catalogue. An event or a
detail of a shape not known here is shown as stored."""
from __future__ import annotations

import re

from metrics.access import ROLES
from metrics.catalogue import BY_ID
from present.text import TEXT, tr

# How the recording code words each detail (the pages, data and security): the first that
# matches the whole detail gives its catalogue key; the named groups fill its placeholders.
_IMPORT = re.compile(r"(?P<files>.*): read (?P<read>\d+), accepted (?P<accepted>\d+), rejected (?P<rejected>\d+)"
                     r"(?:, profile (?P<profile>.*?))?(?P<visits>, visits list)?(?P<watch> \(watch\))?")
_ROLLBACK = re.compile(r"(?P<version>\d{8}T\d{6,12}): (?P<kind>\S+) (?P<source>.*) \((?P<cases>\d+|None) cases\)"
                       r"(?P<cli>, command line)?")
_PROFILE_SAVED = re.compile(r"(?P<name>.*): (?P<columns>\d+) columns, (?P<words>\d+) words")
_SETTINGS = re.compile(r"(?P<path>.*): (?P<changed>.*) changed; rankings (?P<rankings>True|False)")
_CHAIN = re.compile(r"(?P<n>\d+) earlier entries, digest (?P<digest>\S+)")
# security/audit.py: reseal-audit's and a state made again's details
_RESEALED = re.compile(r"(?P<n>\d+) earlier entries \((?P<blank>\d+) without a hash\), digest (?P<digest>\S+); "
                       r"before: (?P<before>.*?); (?P<before_head>no head before|head before unreadable|head before: .*?); "
                       r"reason: (?P<reason>.*)", re.S)
_STATE_REPLACED = re.compile(r"state (?P<sid>\S+), previous state (?P<previous>\S+); (?P<before_head>.*)", re.S)
_HEAD = re.compile(r"head before: (?P<entries>\d+) entries, id (?P<id>\d+), hash (?P<hash>\S+), (?P<at>.*)")
_PROXY = re.compile(r"proxy header (?P<header>.*)")
_ADD_USER = re.compile(r"(?P<name>[A-Za-z0-9_.\-]+): (?P<role>\w+)")
_FAILED = re.compile(r"failed: (?P<why>.*)", re.S)
# delivery/tokens.py: the account whose calendar link was made, revoked or refused (never the token)
_CALENDAR = re.compile(r'\{"user": "(?P<user>[^"\\]*)"\}')
_WORDS = {"demo": "audit_demo", "oidc": "audit_oidc", "unknown user": "audit_unknown_user",
          "wrong password": "audit_wrong_password", "oidc user not in users.toml": "audit_oidc_unknown",
          "first admin": "audit_first_admin", "wrong setup code": "audit_wrong_setup_code"}


def role_name(role: str, lang: str) -> str:
    return ROLES[role].name(lang) if role in ROLES else role


def event_name(event: str, lang: str) -> str:
    """The event in the interface's language; an event this catalogue does not know, as stored."""
    key = f"audit_event_{event}"
    return tr(key, lang) if key in TEXT else event


def _import(m: re.Match, lang: str) -> str:
    text = tr("audit_import", lang, files=m["files"], read=int(m["read"]), accepted=int(m["accepted"]),
              rejected=int(m["rejected"]))
    if m["profile"] is not None:
        text += tr("audit_import_profile", lang, name=m["profile"])
    text += tr("audit_import_visits", lang) if m["visits"] else ""
    return text + (tr("audit_import_watch", lang) if m["watch"] else "")


def _rollback(m: re.Match, lang: str) -> str:
    kind = tr(f"kind_{m['kind']}", lang) if f"kind_{m['kind']}" in TEXT else m["kind"]
    text = tr("audit_rollback", lang, version=m["version"], kind=kind, source=m["source"],
              cases="?" if m["cases"] == "None" else f"{int(m['cases']):,}")
    return text + (tr("audit_command_line", lang) if m["cli"] else "")


def _settings(m: re.Match, lang: str) -> str:
    ids = m["changed"].split(", ")
    changed = (tr("audit_no_indicator", lang) if ids == ["no indicator"] else
               tr("list_separator", lang).join(BY_ID[i].name(lang) if i in BY_ID else i for i in ids))
    return tr("audit_settings", lang, path=m["path"], changed=changed,
              rankings=tr("audit_rankings_on" if m["rankings"] == "True" else "audit_rankings_off", lang))


def _head(text: str, lang: str) -> str:
    """The head before, as a reseal or a state made again recorded it."""
    if m := _HEAD.fullmatch(text):
        return tr("audit_head_before", lang, entries=int(m["entries"]), id=m["id"], hash=m["hash"], at=m["at"])
    if text == "no head before":
        return tr("audit_no_head_before", lang)
    return tr("audit_head_unreadable", lang) if text.startswith("head before") else text


def _resealed(m: re.Match, lang: str) -> str:
    before = tr("audit_reseal_held", lang) if m["before"] == "held" else m["before"]  # a reason, as found
    return tr("audit_resealed", lang, n=int(m["n"]), blank=int(m["blank"]), digest=m["digest"], before=before,
              head=_head(m["before_head"], lang), reason=m["reason"])


_SHAPES = (
    (_IMPORT, _import),
    (_ROLLBACK, _rollback),
    (_PROFILE_SAVED, lambda m, lang: tr("audit_profile_saved", lang, name=m["name"], columns=int(m["columns"]),
                                         words=int(m["words"]))),
    (_SETTINGS, _settings),
    (_CHAIN, lambda m, lang: tr("audit_chain_anchor", lang, n=int(m["n"]), digest=m["digest"])),
    (_RESEALED, _resealed),
    (_STATE_REPLACED, lambda m, lang: tr("audit_state_replaced", lang, sid=m["sid"], previous=m["previous"],
                                         head=_head(m["before_head"], lang))),
    (_PROXY, lambda m, lang: tr("audit_proxy", lang, header=m["header"])),
)


def detail_text(event: str, detail: str | None, lang: str) -> str:
    """The detail in the interface's language where its shape is known; otherwise as stored."""
    detail = detail or ""
    failed = _FAILED.fullmatch(detail)
    if failed:  # the reason is the error's own message: kept as it was
        return tr("audit_failed", lang, why=failed["why"])
    if detail in _WORDS:
        return tr(_WORDS[detail], lang)
    if event == "add_user" and (m := _ADD_USER.fullmatch(detail)):
        return tr("audit_add_user", lang, name=m["name"], role=role_name(m["role"], lang))
    if event == "audit_triggers_restored":  # the guards' names, as security/state_*.py name them
        return tr("list_separator", lang).join(
            tr(f"audit_guard_{g}", lang) if f"audit_guard_{g}" in TEXT else g for g in detail.split(", "))
    if event.startswith("calendar_token_") and (m := _CALENDAR.fullmatch(detail)):
        return tr("audit_calendar_user", lang, user=m["user"])
    if event == "export":  # the file's name and its filters, written in the language of the export
        return detail
    for shape, words in _SHAPES:
        m = shape.fullmatch(detail)
        if m:
            return words(m, lang)
    return detail
