"""The audit page's words: the stored entries (English words a machine reads, hash-chained) shown
in the interface's language, each detail in the shape the recording code writes it; an event or
a detail of unknown shape shown as stored."""
from __future__ import annotations

import pytest

from metrics.catalogue import BY_ID
from present.audit_text import detail_text, event_name


@pytest.mark.parametrize("event,zh,en", [("sign_in", "登录", "Sign-in"), ("rollback", "回退", "Rollback"),
                                         ("import", "导入", "Import"), ("sign_in_failed", "登录失败", "Failed sign-in"),
                                         ("evaluation_settings", "评价设置", "Evaluation settings")])
def test_known_events_are_named_in_the_interface_language(event, zh, en):
    assert event_name(event, "zh") == zh and event_name(event, "en") == en


def test_an_event_added_later_is_shown_as_stored():
    assert event_name("some_future_event", "zh") == "some_future_event" and event_name("some_future_event", "en") == "some_future_event"


# (event, detail as app_pages/data_import.py, data/watch.py, data/__main__.py, ui/mapping.py,
#  app_pages/evaluation_settings.py, security/users.py and ui/session.py write it, Chinese shown)
STORED = [
    ("import", "鹤鸣县.csv: read 13, accepted 5, rejected 8", "鹤鸣县.csv：读取 13 行，接收 5 行，拒绝 8 行"),
    ("import", "a.csv, b.csv: read 1200, accepted 1199, rejected 1, profile 某院系统",
     "a.csv, b.csv：读取 1,200 行，接收 1,199 行，拒绝 1 行，导入配置 某院系统"),
    ("import", "inbox.csv: read 4, accepted 4, rejected 0 (watch)", "inbox.csv：读取 4 行，接收 4 行，拒绝 0 行（自动导入）"),
    ("import", "failed: 鹤鸣县.xlsx: zip bomb", "失败：鹤鸣县.xlsx: zip bomb"),
    ("rollback", "20261204T150757954335: demo 示范省演示数据 synthetic demo (29719 cases)",
     "20261204T150757954335：演示数据 示范省演示数据 synthetic demo（29,719 件）"),
    ("rollback", "20261204T150804767988: import cases.csv (29724 cases), command line",
     "20261204T150804767988：导入数据 cases.csv（29,724 件），命令行"),
    ("rollback", "failed: 2026: no such version", "失败：2026: no such version"),
    ("profile_saved", "某院系统: 3 columns, 2 words", "某院系统：3 个列对照，2 个用语"),
    ("evaluation_settings", "/srv/evaluation.toml: within_limit_rate, mediation_rate changed; rankings False",
     "/srv/evaluation.toml：有改动的指标：审限内结案率、调解率；排名不显示"),
    ("evaluation_settings", "/srv/evaluation.toml: no indicator changed; rankings True",
     "/srv/evaluation.toml：有改动的指标：无；排名显示"),
    ("sign_in", "demo", "演示用户"),
    ("sign_in_failed", "wrong password", "密码错误"),
    ("sign_in_failed", "unknown user", "用户不存在"),
    ("sign_in", "proxy header X-Remote-User", "代理请求头 X-Remote-User"),
    ("sign_in", "", ""),
]


@pytest.mark.parametrize("event,stored,shown", STORED)
def test_details_of_known_shape_are_shown_in_chinese(event, stored, shown):
    assert detail_text(event, stored, "zh") == shown


def test_details_in_english():
    assert detail_text("import", "鹤鸣县.csv: read 13, accepted 5, rejected 8 (watch)", "en") == \
        "鹤鸣县.csv: read 13, accepted 5, rejected 8 (watch folder)"
    assert detail_text("rollback", "20261204T150757954335: demo 示范省演示数据 synthetic demo (29719 cases)", "en") == \
        "20261204T150757954335: demo data 示范省演示数据 synthetic demo (29,719 cases)"
    assert detail_text("evaluation_settings", "/e.toml: within_limit_rate changed; rankings False", "en") == \
        f"/e.toml: {BY_ID['within_limit_rate'].name('en')} changed; rankings hidden"
    assert detail_text("sign_in", "demo", "en") == "demo user"


def test_a_detail_of_unknown_shape_is_shown_as_stored():
    for event, detail in (("add_user", "clerk: head 示0101 民一庭"), ("export", "compare_court_2026Q3.xlsx {'法院': '示01'}"),
                          ("import", "something new: 5")):
        assert detail_text(event, detail, "zh") == detail


def test_a_made_account_reads_in_the_interface_language():
    from present.audit_text import detail_text, event_name

    assert event_name("add_user", "zh") == "创建账户"
    assert detail_text("add_user", "hm_office: admin", "zh") == "账户 hm_office，角色：审管办"
    assert detail_text("add_user", "hm_office: admin", "en") == "account hm_office, role: Trial management office"
    assert detail_text("sign_in", "first admin", "zh") == "第一个管理员账户"
    assert detail_text("add_user_refused", "wrong setup code", "zh") == "设置码不对"


def test_a_visits_list_import_reads_in_the_interface_language():
    stored = "v.csv: read 7, accepted 6, rejected 1, visits list"
    assert detail_text("import", stored, "zh") == "v.csv：读取 7 行，接收 6 行，拒绝 1 行，信访清单"
    assert detail_text("import", stored, "en") == "v.csv: read 7, accepted 6, rejected 1, letters-and-visits list"


def test_a_reseal_and_a_state_made_again_read_in_the_interface_language(tmp_path, monkeypatch):
    """The details as security/audit.py writes them, for real: a log resealed, then its state file
    deleted and made again by the next write."""
    import os

    from security import audit

    state = tmp_path / "state.sqlite"
    monkeypatch.setenv("SPZX_STATE", str(state))
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)
    audit.record("office", "sign_in")
    audit.reseal("升级", "admin")
    os.remove(state)
    audit.record("office", "sign_in")
    shown = {event: (detail_text(event, detail, "zh"), detail_text(event, detail, "en"))
             for _at, _user, event, detail in audit.entries(path=str(state))}
    zh, en = shown["state_replaced"]
    assert zh.startswith("状态库 ") and "此前的日志头：2 条，编号 2" in zh and "entries" not in zh
    assert en.startswith("state ") and "head before: 2 entries, id 2" in en


def test_a_reseal_reads_in_the_interface_language(tmp_path, monkeypatch):
    from security import audit

    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)
    audit.record("office", "sign_in")
    _n, detail = audit.reseal("升级", "admin")
    zh, en = detail_text(audit.RESEALED, detail, "zh"), detail_text(audit.RESEALED, detail, "en")
    assert zh.startswith("重新封存此前 1 条记录（其中 0 条无哈希）") and "封存前：完整" in zh and zh.endswith("原因：升级")
    assert "此前的日志头：1 条，编号 1" in zh and "entries" not in zh
    assert en.startswith("resealed 1 earlier entries (0 without a hash)") and en.endswith("reason: 升级")


def test_guards_put_back_are_named_in_the_interface_language():
    from security.state_sqlite import TRIGGERS

    stored = ", ".join(TRIGGERS)
    assert detail_text("audit_triggers_restored", stored, "zh") == "禁止修改记录的保护、禁止删除记录的保护、禁止覆盖记录的保护"
    assert detail_text("audit_triggers_restored", "audit_no_delete", "en") == "the guard against deleting entries"
