"""The application's own tables beside the audit log — the meetings' follow-up and the
deliveries — one place for both state backends (state_sqlite, state_pg); apart from state.py,
which picks the backend, so no backend imports its chooser."""
from __future__ import annotations

import re

# The meetings' follow-up (followup/): what a data meeting decided, kept beside the audit log so
# that it survives imports and rollbacks of the case database and every server sees the same.
# Plain SQL that SQLite and PostgreSQL both read; ids are given under the log's write lock.
FOLLOWUP_TABLES = (
    """CREATE TABLE IF NOT EXISTS followup_meetings (
        id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE, held TEXT NOT NULL, court_code TEXT,
        with_subordinates INTEGER NOT NULL DEFAULT 0, period TEXT NOT NULL, cumulative INTEGER NOT NULL DEFAULT 0,
        data_date TEXT NOT NULL,
        minutes TEXT NOT NULL DEFAULT '', briefing TEXT NOT NULL DEFAULT '',
        created_by TEXT NOT NULL, created_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS followup_items (
        id BIGINT PRIMARY KEY, meeting_id BIGINT NOT NULL, indicator TEXT NOT NULL, court_code TEXT NOT NULL,
        with_subordinates INTEGER NOT NULL DEFAULT 0, division TEXT, judge_id TEXT, target TEXT NOT NULL,
        due TEXT NOT NULL, owner TEXT, note TEXT NOT NULL DEFAULT '', value_at_creation DOUBLE PRECISION,
        data_date_at_creation TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL,
        closed_at TEXT, closed_by TEXT, close_note TEXT)""",
    """CREATE TABLE IF NOT EXISTS followup_progress (
        id BIGINT PRIMARY KEY, item_id BIGINT NOT NULL, at TEXT NOT NULL, username TEXT NOT NULL, text TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS followup_values (
        item_id BIGINT NOT NULL, meeting_id BIGINT NOT NULL, value DOUBLE PRECISION, data_date TEXT NOT NULL,
        PRIMARY KEY (item_id, meeting_id))""",
    """CREATE TABLE IF NOT EXISTS followup_notes (
        id BIGINT PRIMARY KEY, indicator TEXT NOT NULL, court_code TEXT NOT NULL,
        with_subordinates INTEGER NOT NULL DEFAULT 0, division TEXT, judge_id TEXT, month TEXT NOT NULL,
        text TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL)""",
)
FOLLOWUP_TABLE_NAMES = tuple(re.search(r"EXISTS (\w+)", t).group(1) for t in FOLLOWUP_TABLES)

# Deliveries (delivery/): who gets what by which channel, and every message's fate, so that a
# second run or a second server sends nothing twice. Ids are given under the log's write lock.
DELIVERY_TABLES = (
    """CREATE TABLE IF NOT EXISTS delivery_subscriptions (
        id BIGINT PRIMARY KEY, username TEXT NOT NULL, kind TEXT NOT NULL, channel TEXT NOT NULL,
        address TEXT NOT NULL DEFAULT '', lang TEXT NOT NULL DEFAULT 'zh', active INTEGER NOT NULL DEFAULT 1,
        created_by TEXT NOT NULL, created_at TEXT NOT NULL)""",
    # one row per message: key = subscription id and occurrence (a week, a period, a data date …);
    # status sending | sent | failed | uncertain | skipped; detail what it carried (JSON)
    """CREATE TABLE IF NOT EXISTS delivery_log (
        key TEXT PRIMARY KEY, subscription_id BIGINT NOT NULL, occurrence TEXT NOT NULL, status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, next_try TEXT, claimed_by TEXT, claimed_at TEXT, sent_at TEXT,
        error TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '')""",
    # a calendar URL's secret, kept as its SHA-256 only; revoked_at set ends it
    """CREATE TABLE IF NOT EXISTS calendar_tokens (
        token_hash TEXT PRIMARY KEY, username TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL,
        revoked_at TEXT, revoked_by TEXT)""",
)
APP_TABLES = FOLLOWUP_TABLES + DELIVERY_TABLES
APP_TABLE_NAMES = tuple(re.search(r"EXISTS (\w+)", t).group(1) for t in APP_TABLES)
