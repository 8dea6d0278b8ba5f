"""Roles enforced on the data, passwords hashed, lock-out, unknown users, the append-only audit log.
The tests of sign-in state run on both state backends (SQLite, PostgreSQL)."""
from __future__ import annotations

import pytest

from metrics import Period, Scope
from metrics.access import Access, AccessDenied
from security import audit
from security.users import SignInError, User, UserConfig, hash_password, load_users, sign_in, sign_in_demo
from tests.test_metrics_identities import demo  # noqa: F401  (fixture)

JUDGE = Access("judge", "示0101", "民一庭", "J0101006")
HEAD = Access("head", "示0101", "民一庭")
LEADER = Access("leader", "示01")


@pytest.fixture(autouse=True)
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("SPZX_STATE", str(tmp_path / "state.sqlite"))
    monkeypatch.delenv("SPZX_STATE_URL", raising=False)


def test_leader_sees_their_district_only(demo):  # noqa: F811
    assert set(LEADER.courts(demo)) >= {"示01", "示0101"} and "示02" not in LEADER.courts(demo)
    LEADER.check(demo, Scope(court="示0102"))
    with pytest.raises(AccessDenied):
        LEADER.check(demo, Scope(court="示02", with_subordinates=True))
    with pytest.raises(AccessDenied):
        LEADER.check(demo, Scope())  # the whole province


def test_head_is_held_to_their_division(demo):  # noqa: F811
    HEAD.check(demo, Scope(court="示0101", division="民一庭"))
    for bad in (Scope(court="示0101"), Scope(court="示0101", division="民二庭"), Scope(court="示0102", division="民一庭"),
                Scope(court="示0101", with_subordinates=True, division="民一庭")):
        with pytest.raises(AccessDenied):
            HEAD.check(demo, bad)


def test_judge_reads_only_own_cases_and_division_figures(demo):  # noqa: F811
    JUDGE.check(demo, Scope(court="示0101", division="民一庭"))  # the division's averages
    JUDGE.check(demo, Scope(court="示0101", division="民一庭", judge_id="J0101006"))
    with pytest.raises(AccessDenied):
        JUDGE.check(demo, Scope(court="示0101", division="民一庭", judge_id="J0101007"))  # another judge's figures
    with pytest.raises(AccessDenied):
        JUDGE.check_cases(demo, Scope(court="示0101", division="民一庭"))  # the division's case list
    with pytest.raises(AccessDenied):
        JUDGE.check(demo, Scope(court="示0102", division="民一庭", judge_id="J0101006"))


def test_judge_sees_colleagues_anonymously(demo):  # noqa: F811
    from metrics import compute

    df = compute(demo, Period.parse("2025"), "judge", Scope(court="示0101", division="民一庭"), ["closed"])
    shown = JUDGE.anonymise(df)
    assert "J0101006" in set(shown["judge_id"])
    others = shown[shown["judge_id"] != "J0101006"]
    assert len(others) >= 3 and all(n.startswith("法官") for n in others["name"])
    assert not set(others["judge_id"]) & set(df["judge_id"])  # no real id left
    named = Access("judge", "示0101", "民一庭", "J0101006", judge_names_visible=True).anonymise(df)
    assert set(named["judge_id"]) == set(df["judge_id"])


def _config(**kw) -> UserConfig:
    users = {"clerk": User("clerk", "书记员", HEAD, hash_password("correct horse battery"))}
    return UserConfig(users, kw.get("demo_mode", False), kw.get("max_failures", 3), 15)


def test_password_sign_in_and_wrong_password(backend):
    cfg = _config()
    assert cfg.users["clerk"].password_hash.startswith("$argon2")
    assert sign_in(cfg, "clerk", "correct horse battery").username == "clerk"
    with pytest.raises(SignInError, match="wrong user name or password"):
        sign_in(cfg, "clerk", "wrong")
    with pytest.raises(SignInError, match="wrong user name or password"):
        sign_in(cfg, "nobody", "whatever")  # the same answer for an unknown user
    events = [e[2] for e in audit.entries()]
    assert events == ["sign_in_failed", "sign_in_failed", "sign_in"]


def test_lock_out_after_repeated_failures(backend):
    cfg = _config(max_failures=3)
    for _ in range(3):
        with pytest.raises(SignInError):
            sign_in(cfg, "clerk", "bad")
    with pytest.raises(SignInError, match="too many failed attempts"):
        sign_in(cfg, "clerk", "correct horse battery")  # even the right password, while locked
    assert audit.entries()[0][2] == "sign_in_locked"


def test_demo_users_only_in_demo_mode():
    with pytest.raises(SignInError):
        sign_in_demo(_config(demo_mode=False), "clerk")
    shipped = load_users()
    assert shipped.demo_mode and {u.username for u in shipped.demo_users()} == {
        "demo_admin", "demo_leader", "demo_line", "demo_head", "demo_judge"}
    assert all(u.password_hash is None for u in shipped.users.values())  # no secrets in the repository
    with pytest.raises(SignInError):
        sign_in(shipped, "demo_admin", "")  # a demo user has no password to sign in with


def test_audit_log_is_append_only(backend):
    audit.record("a", "export", "x.xlsx")
    con = backend.raw()
    with pytest.raises(backend.error, match="append-only"):
        con.execute("UPDATE audit SET username = 'b'")
    with pytest.raises(backend.error, match="append-only"):
        con.execute("DELETE FROM audit")


def test_parallel_guesses_cannot_pass_the_lock_out(backend):
    from concurrent.futures import ThreadPoolExecutor

    cfg = _config(max_failures=5)

    def attempt(i):
        try:
            sign_in(cfg, "clerk", f"guess{i}")
        except SignInError as e:
            return str(e)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(attempt, range(24)))
    checked = [a for a in answers if "wrong user name or password" in a]
    assert len(checked) == 5  # only five passwords were ever tried
    assert sum("too many failed attempts" in a for a in answers) == 19


def test_aliases_do_not_follow_the_id_order(demo):  # noqa: F811
    from metrics import compute

    df = compute(demo, Period.parse("2025"), "judge", Scope(court="示0101", division="民一庭"), ["closed"])
    orders = {tuple(JUDGE.anonymise(df, salt=s).sort_values("name")["judge_id"].index) for s in ("a", "b", "c", "d")}
    assert len(orders) > 1  # the letters depend on the session's salt


def test_demo_users_refused_over_real_data(backend):
    shipped = load_users()
    with pytest.raises(SignInError):
        sign_in_demo(shipped, "demo_admin", data_is_demo=False)
    assert sign_in_demo(shipped, "demo_admin", data_is_demo=True).username == "demo_admin"


def test_session_cookie_once_signed_expiring_and_revocable(backend, monkeypatch, tmp_path):
    import os
    import time

    from security import sessions

    ticket, session_id = sessions.issue_ticket("demo_admin")
    cookie = sessions.redeem_ticket(ticket)
    assert sessions.read(cookie) == ("demo_admin", session_id)
    assert sessions.redeem_ticket(ticket) is None  # a ticket works once
    assert oct(os.stat(tmp_path / "server.key").st_mode)[-3:] == "600"  # the key beside the state, owner only
    version, user_hex, sid, expires, signature = cookie.split(".")
    for forged in (f"{version}.{'root'.encode().hex()}.{sid}.{expires}.{signature}",  # another user
                   f"{version}.{user_hex}.{sid}.{int(expires) + 10**6}.{signature}",  # a longer life
                   cookie[:-1] + ("0" if cookie[-1] != "0" else "1"), "v1.zz", "", None):
        assert sessions.read(forged) is None
    monkeypatch.setenv("SPZX_SECRET", "another installation, another key of 32+ bytes")
    assert sessions.read(cookie) is None  # signed with another key
    monkeypatch.delenv("SPZX_SECRET")
    assert sessions.read(cookie.replace(signature, "é" * len(signature))) is None  # not hex: refused, no error
    sessions.revoke(session_id)
    assert sessions.read(cookie) is None  # signed out for good
    monkeypatch.setenv("SPZX_SESSION_HOURS", "-1")
    ticket, _ = sessions.issue_ticket("demo_admin")
    assert sessions.read(sessions.redeem_ticket(ticket)) is None  # expired
    ticket, _ = sessions.issue_ticket("demo_admin")
    monkeypatch.setattr(time, "time", lambda: 10**12)
    assert sessions.redeem_ticket(ticket) is None  # a ticket older than a minute


def test_a_short_or_half_written_key_is_refused(monkeypatch, tmp_path):
    from security import keys

    (tmp_path / "server.key").write_bytes(b"")  # a crash between creating and writing the file
    with pytest.raises(RuntimeError, match="no usable key"):
        keys.server_key()
    monkeypatch.setenv("SPZX_SECRET", "short")
    with pytest.raises(RuntimeError, match="at least 32 bytes"):
        keys.server_key()

