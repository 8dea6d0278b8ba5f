"""Subscriptions: who gets which kind of message by which channel. Set by the office for a user
or a group of users, or by each user for themselves (订阅); kept in the application state with
their audit entry in one transaction, like the follow-up (followup/store.py)."""
from __future__ import annotations

import datetime as dt
import json
import re

from security import audit
from security.state import store
from security.users import User

from .channels import valid_address
from .kinds import KINDS
from .model import Subscription

CHANNELS = ("email", "webhook", "outbox")  # outbox: an .eml file in a folder, for sites without mail
LANGS = ("zh", "en")
_COLUMNS = "id, username, kind, channel, address, lang, active, created_by, created_at"


class SubscriptionError(ValueError):
    """A subscription refused: `key` names its text in present/text.py, the message is both languages."""

    def __init__(self, key: str, message: str, **values):
        super().__init__(message)
        self.key, self.values = key, values


def _row(r) -> Subscription:
    return Subscription(int(r[0]), r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7], r[8])


def check(user: User | None, username: str, kind: str, channel: str, address: str, lang: str) -> None:
    """Raises SubscriptionError when the subscription could not be delivered as asked."""
    if user is None:
        raise SubscriptionError("sub_unknown_user", f"没有用户“{username}” / no user {username!r}", user=username)
    if kind not in KINDS:
        raise SubscriptionError("sub_unknown_kind", f"没有这种订阅“{kind}” / no subscription kind {kind!r}", kind=kind)
    if not KINDS[kind].allowed(user.access.rule):
        raise SubscriptionError("sub_not_for_role", f"{user.access.rule.zh}不能订阅“{KINDS[kind].zh}” / "
                                f"a {user.access.rule.en} cannot subscribe to {KINDS[kind].en}", kind=kind)
    if channel not in CHANNELS:
        raise SubscriptionError("sub_unknown_channel", f"没有这种渠道“{channel}” / no channel {channel!r}",
                                channel=channel)
    if lang not in LANGS:
        raise SubscriptionError("sub_unknown_lang", f"没有这种语言“{lang}” / no language {lang!r}", lang=lang)
    if channel == "webhook":
        if not re.match(r"^https?://[^\s]+$", address or ""):
            raise SubscriptionError("sub_bad_webhook", f"群机器人地址须以 http:// 或 https:// 开头：{address!r} / "
                                    f"a webhook needs an http(s) URL: {address!r}", address=address)
    else:
        to = address or user.email or ""
        if not valid_address(to):
            raise SubscriptionError("sub_bad_email", f"“{username}”没有可用的邮件地址：{to!r} / "
                                    f"no usable e-mail address for {username!r}: {to!r}", user=username, address=to)


def shown_address(address: str) -> str:
    """The address as the log and the pages show it: a bot's URL without its query (its token)."""
    return address.split("?", 1)[0] + ("?…" if "?" in address else "")


def may_manage(actor: User | None, username: str) -> bool:
    """The office (the role that manages the data) sets anyone's; a user only their own. None:
    the command line, run by whoever runs the server."""
    return actor is None or actor.access.rule.manages_data or actor.username == username


def _refuse_unless(actor: User | None, username: str) -> None:
    if not may_manage(actor, username):
        raise SubscriptionError("sub_not_yours", f"只能管理本人的订阅 / only your own subscriptions: {username!r}",
                                user=username)


def add(user: User | None, username: str, kind: str, channel: str, address: str, lang: str, by: str,
        actor: User | None = None) -> int:
    """Stores a subscription (its id is given here); the same one twice is refused. `actor`:
    who asks on a page (checked here, on the server)."""
    address = (address or "").strip()
    _refuse_unless(actor, username)
    if actor is not None and not actor.access.rule.manages_data and (channel != "email" or address):
        # what leaves the court's network, and where to, is the office's to decide: a user's own
        # messages go to the address of their account
        raise SubscriptionError("sub_own_address_only", "只有审管办可以设置群机器人或其他地址 / only the office sets "
                                "a group bot or another address", user=username)
    check(user, username, kind, channel, address, lang)
    with audit.change() as change:
        if change.run("SELECT 1 FROM delivery_subscriptions WHERE username = ? AND kind = ? AND channel = ? "
                      "AND address = ? AND active = 1", (username, kind, channel, address)):
            raise SubscriptionError("sub_exists", f"“{username}”已订阅“{KINDS[kind].zh}” / {username!r} "
                                    f"already subscribes to {KINDS[kind].en}", user=username, kind=kind)
        sid = int(change.run("SELECT coalesce(max(id), 0) + 1 FROM delivery_subscriptions")[0][0])
        change.run(f"INSERT INTO delivery_subscriptions ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
                   (sid, username, kind, channel, address, lang, by,
                    dt.datetime.now().isoformat(timespec="seconds")))
        change.record(by, "subscription_added", json.dumps(
            {"id": sid, "user": username, "kind": kind, "channel": channel, "address": shown_address(address),
             "lang": lang}, ensure_ascii=False))
    return sid


def end(subscription_id: int, by: str, actor: User | None = None) -> None:
    """Ends a subscription; its deliveries stay in the log."""
    with audit.change() as change:
        found = change.run("SELECT username, active FROM delivery_subscriptions WHERE id = ?", (subscription_id,))
        if not found or not found[0][1]:
            raise SubscriptionError("sub_not_found", f"没有有效的订阅 {subscription_id} / no active subscription "
                                    f"{subscription_id}", id=subscription_id)
        _refuse_unless(actor, found[0][0])
        change.run("UPDATE delivery_subscriptions SET active = 0 WHERE id = ?", (subscription_id,))
        change.record(by, "subscription_ended", json.dumps({"id": subscription_id, "user": found[0][0]},
                                                           ensure_ascii=False))


def active(username: str | None = None) -> list[Subscription]:
    """Active subscriptions (of one user), oldest first."""
    where, params = ("AND username = ?", (username,)) if username else ("", ())
    return [_row(r) for r in store().read(f"SELECT {_COLUMNS} FROM delivery_subscriptions WHERE active = 1 {where} "
                                          "ORDER BY id", params)]


def by_id(subscription_id: int) -> Subscription | None:
    rows = store().read(f"SELECT {_COLUMNS} FROM delivery_subscriptions WHERE id = ?", (subscription_id,))
    return _row(rows[0]) if rows else None
