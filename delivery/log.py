"""The delivery log: every message's fate, in the application state, so that nothing is sent
twice — by a second run, a second server, or a run after a crash.

A message is claimed (status `sending`) in one transaction under the state's write lock before
it goes out, and marked `sent` after; a claim is taken only when no row exists or a failed one's
retry time has come, so two senders never hold the same message. A `sending` row whose sender
died is not sent again by itself: the channel may have taken it before the crash, so it turns
`uncertain` and the office decides (resend). Refused messages are `failed` with a retry time
that backs off; permanent refusals (an address the server does not know) are not retried.
Statuses: sending | sent | failed | uncertain | skipped (nothing to send: the scope holds no data)
| quiet (an alert looked and found nothing new) | resend (the office asked: sent at the next run)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from security import audit
from security.state import store

from .model import Past

STALE_AFTER = dt.timedelta(minutes=15)  # a claim older than this belongs to a sender that died
FIRST_RETRY = dt.timedelta(minutes=5)
LAST_RETRY = dt.timedelta(hours=6)
MAX_ATTEMPTS = 8
RUNNER = "~runner"  # the row that says which sender is running (one at a time across servers)


@dataclass(frozen=True)
class Entry:
    key: str
    subscription_id: int
    occurrence: str
    status: str
    attempts: int
    next_try: str | None
    claimed_at: str | None
    sent_at: str | None
    error: str


def _iso(t: dt.datetime) -> str:
    return t.isoformat(timespec="seconds")


def key_of(subscription_id: int, occurrence: str) -> str:
    return f"{subscription_id}:{occurrence}"


def resends(subscription_id: int) -> list[Past]:
    """Messages the office asked to be sent again, with what they carried."""
    return [Past(o, s, json.loads(d) if d else {}) for o, s, d in store().read(
        "SELECT occurrence, status, detail FROM delivery_log WHERE subscription_id = ? AND status = 'resend' "
        "ORDER BY occurrence", (subscription_id,))]


def past(subscription_id: int, now: dt.datetime) -> list[Past]:
    """The subscription's messages in the log, but for failed ones whose retry time has come:
    those are due again."""
    return [Past(o, s, json.loads(d) if d else {}) for o, s, d in store().read(
        "SELECT occurrence, status, detail FROM delivery_log WHERE subscription_id = ? AND status <> 'resend' "
        "AND NOT (status = 'failed' AND next_try IS NOT NULL AND next_try <= ?) ORDER BY occurrence",
        (subscription_id, _iso(now)))]


def entries(statuses: tuple[str, ...] | None = None, limit: int = 500) -> list[Entry]:
    """Newest claims first (of some statuses)."""
    where = f" AND status IN ({', '.join('?' * len(statuses))})" if statuses else ""
    rows = store().read("SELECT key, subscription_id, occurrence, status, attempts, next_try, claimed_at, sent_at, "
                        f"error FROM delivery_log WHERE key <> ?{where} ORDER BY claimed_at DESC, key LIMIT ?",
                        (RUNNER, *(statuses or ()), limit))
    return [Entry(r[0], int(r[1]), r[2], r[3], int(r[4]), r[5], r[6], r[7], r[8]) for r in rows]


def retry_at(attempts: int, now: dt.datetime) -> dt.datetime:
    return now + min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY)


def _wall() -> str:
    """Claims and the runner's lease are stamped by the wall clock (a run's --now may be any day)."""
    return _iso(dt.datetime.now())


def claim(subscription_id: int, occurrence: str, worker: str, now: dt.datetime,
          detail: dict | None = None) -> int | None:
    """Takes the message for this sender: its attempts so far, or None when it is not to be sent
    now (sent, being sent, uncertain, or failed with its retry time not yet come). What it
    carries (`detail`) is kept from the claim on, so a later look knows it even after a crash."""
    key = key_of(subscription_id, occurrence)
    carried = json.dumps(detail or {}, ensure_ascii=False)
    with audit.change() as change:
        found = change.run("SELECT status, attempts, next_try FROM delivery_log WHERE key = ?", (key,))
        if not found:
            change.run("INSERT INTO delivery_log (key, subscription_id, occurrence, status, attempts, claimed_by, "
                       "claimed_at, detail) VALUES (?, ?, ?, 'sending', 0, ?, ?, ?)",
                       (key, subscription_id, occurrence, worker, _wall(), carried))
            return 0
        status, attempts, next_try = found[0]
        if status != "resend" and (status != "failed" or not next_try or next_try > _iso(now)):
            return None
        change.run("UPDATE delivery_log SET status = 'sending', claimed_by = ?, claimed_at = ?, detail = ? "
                   "WHERE key = ?", (worker, _wall(), carried, key))
        return int(attempts)


def settle(subscription_id: int, occurrence: str, status: str, now: dt.datetime, detail: dict | None = None,
           error: str = "", user: str = "") -> None:
    """A claimed message's end: sent, skipped, uncertain; or a quiet look, logged without a claim."""
    key = key_of(subscription_id, occurrence)
    with audit.change() as change:
        if status == "quiet":  # a look that found nothing new; a failed look of the same key is settled by it
            change.run("DELETE FROM delivery_log WHERE key = ? AND status IN ('failed', 'resend')", (key,))
            change.run("INSERT INTO delivery_log (key, subscription_id, occurrence, status, claimed_at, sent_at, "
                       "detail) SELECT ?, ?, ?, 'quiet', ?, ?, ? WHERE NOT EXISTS "
                       "(SELECT 1 FROM delivery_log WHERE key = ?)",
                       (key, subscription_id, occurrence, _wall(), _iso(now), json.dumps(detail or {}), key))
            return
        change.run("UPDATE delivery_log SET status = ?, attempts = attempts + 1, next_try = NULL, sent_at = ?, "
                   "error = ?, detail = ? WHERE key = ?",
                   (status, _iso(now) if status == "sent" else None, error, json.dumps(detail or {}, ensure_ascii=False),
                    key))
        if status in ("uncertain", "skipped"):
            change.record(user or "delivery", f"delivery_{status}",
                          json.dumps({"key": key, "error": error}, ensure_ascii=False))


def fail(subscription_id: int, occurrence: str, attempts: int, error: str, now: dt.datetime,
         permanent: bool = False, user: str = "") -> dt.datetime | None:
    """A refused or failed message: retried later with backoff unless permanent or tried
    MAX_ATTEMPTS times. The row is made when the failure came before any claim (a check that
    could not be made). Audited. Returns the retry time (None: not retried)."""
    key = key_of(subscription_id, occurrence)
    attempts += 1
    again = None if permanent or attempts >= MAX_ATTEMPTS else retry_at(attempts, now)
    with audit.change() as change:
        if not change.run("SELECT 1 FROM delivery_log WHERE key = ?", (key,)):
            change.run("INSERT INTO delivery_log (key, subscription_id, occurrence, status, claimed_at) "
                       "VALUES (?, ?, ?, 'failed', ?)", (key, subscription_id, occurrence, _wall()))
        change.run("UPDATE delivery_log SET status = 'failed', attempts = ?, next_try = ?, error = ? WHERE key = ?",
                   (attempts, _iso(again) if again else None, error[:1000], key))
        change.record(user or "delivery", "delivery_failed", json.dumps(
            {"key": key, "attempts": attempts, "retry": _iso(again) if again else None, "error": error[:300]},
            ensure_ascii=False))
    return again


def mark_stale() -> list[str]:
    """Claims left `sending` by a sender that died: uncertain (they may have gone out)."""
    cutoff = _iso(dt.datetime.now() - STALE_AFTER)
    with audit.change() as change:
        keys = [r[0] for r in change.run("SELECT key FROM delivery_log WHERE status = 'sending' AND claimed_at < ? "
                                         "AND key <> ?", (cutoff, RUNNER))]
        for key in keys:
            change.run("UPDATE delivery_log SET status = 'uncertain', error = ? WHERE key = ?",
                       ("发送中断，可能已发出 / interrupted while sending: it may have gone out", key))
            change.record("delivery", "delivery_uncertain", json.dumps({"key": key}, ensure_ascii=False))
    return keys


def resend(key: str, by: str) -> None:
    """The office asks for a failed or uncertain message to be sent again at the next run, as it
    was built to be (its occurrence and what it carried), even when it is no longer due."""
    if key.split(":", 2)[1:2] == ["check"]:
        raise LookupError(f"“{key}”是一次失败的检查，不是一条消息：下一次运行会再查 / {key!r} is a failed look, not a "
                          f"message: the next run looks again")
    with audit.change() as change:
        found = change.run("SELECT status FROM delivery_log WHERE key = ?", (key,))
        if not found or found[0][0] not in ("failed", "uncertain"):
            raise LookupError(f"没有失败或待确认的发送“{key}” / no failed or uncertain delivery {key!r}")
        change.run("UPDATE delivery_log SET status = 'resend', next_try = NULL WHERE key = ?", (key,))
        change.record(by, "delivery_resend", json.dumps({"key": key}, ensure_ascii=False))


def take_runner(worker: str) -> bool:
    """One sender at a time across servers: False while another's run is fresh (its lease, renewed
    at every message, younger than STALE_AFTER)."""
    with audit.change() as change:
        found = change.run("SELECT status, claimed_at, claimed_by FROM delivery_log WHERE key = ?", (RUNNER,))
        if found and found[0][0] == "running" and found[0][1] >= _iso(dt.datetime.now() - STALE_AFTER) \
                and found[0][2] != worker:
            return False
        if found:
            change.run("UPDATE delivery_log SET status = 'running', claimed_by = ?, claimed_at = ? WHERE key = ?",
                       (worker, _wall(), RUNNER))
        else:
            change.run("INSERT INTO delivery_log (key, subscription_id, occurrence, status, claimed_by, claimed_at) "
                       "VALUES (?, 0, 'runner', 'running', ?, ?)", (RUNNER, worker, _wall()))
    return True


def renew_runner(worker: str) -> bool:
    """The lease renewed; False when another sender took it (this run was taken for dead): stop."""
    with audit.change() as change:
        found = change.run("SELECT claimed_by FROM delivery_log WHERE key = ? AND status = 'running'", (RUNNER,))
        if not found or found[0][0] != worker:
            return False
        change.run("UPDATE delivery_log SET claimed_at = ? WHERE key = ?", (_wall(), RUNNER))
    return True


def release_runner(worker: str) -> None:
    with audit.change() as change:
        change.run("UPDATE delivery_log SET status = 'idle' WHERE key = ? AND claimed_by = ?", (RUNNER, worker))
