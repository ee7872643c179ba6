"""Finding 1: sign-in sessions are server-side and revocable.

Before: the cookie held only the username and an expiry, so a copied cookie still signed in after sign-out
and after an admin reset the password. Now the cookie carries a random session id whose hash is in
``user_session``; every run checks it. Two levels of proof:

- data level, on SQLite and PostgreSQL: ``data.sessions`` and the user commands end exactly the sessions
  they should, with the right reason and audit rows, and idle/lifetime limits hold to the second;
- the real cookie, in Chromium against a real server: sign in, capture the cookie, check that it signs a fresh
  browser in (the control), then sign out / reset the password / deactivate / let it idle / let it age, and
  present the captured cookie in a new browser context: the sign-in form is shown, not the app.

Fixture (hand-made): cooperative A; admin ``adm`` (union), user ``ana`` (director, union).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json

import jwt
import pytest
from sqlalchemy import func, select, update

from data import sessions, users
from data.audit import now
from data.db import make_engine, transaction
from data.models import AppUser, AuditLog, UserSession
from data.users import actor_of
from domain.settings import Settings
from tests import factory as f
from tests.apptest_support import TEST_COOKIE_KEY

SETTINGS = Settings()  # idle 30 minutes, lifetime 12 hours
T0 = dt.datetime(2026, 11, 30, 9, 0, 0)


@pytest.fixture
def world(engine):
    with transaction(engine) as s:
        a = f.cooperative(s, "A")
        adm = f.user(s, "adm", "admin")
        ana = f.user(s, "ana", "director")
        other = f.user(s, "bob", "supervisor", cooperative_id=a.id)
    return engine, {"adm": actor_of(adm), "ana": actor_of(ana), "bob": actor_of(other)}, {"A": a.id}


def start(engine, user_id: int, at: dt.datetime = T0) -> str:
    with transaction(engine) as s:
        return sessions.start(s, user_id=user_id, at=at)


def valid(engine, session_id: str, at: dt.datetime = T0, settings: Settings = SETTINGS) -> bool:
    with transaction(engine) as s:
        return sessions.is_valid(s, session_id=session_id, settings=settings, at=at)


def row(engine, session_id: str) -> UserSession:
    with transaction(engine) as s:
        return s.scalar(select(UserSession).where(UserSession.token_hash == sessions.hash_id(session_id)))


def audits(engine, action: str) -> list[AuditLog]:
    with transaction(engine) as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


# ------------------------------------------------------------------------------------------------ data level
def test_only_a_hash_of_the_session_id_is_stored(world):
    engine, actors, _ = world
    session_id = start(engine, actors["ana"].user_id)
    assert len(session_id) >= 40
    stored = row(engine, session_id)
    assert stored.token_hash == hashlib.sha256(session_id.encode()).hexdigest() != session_id
    with transaction(engine) as s:
        every_value = json.dumps([list(r) for r in s.execute(select(UserSession.__table__)).all()], default=str)
    assert session_id not in every_value
    assert valid(engine, session_id)
    assert not valid(engine, session_id + "x") and not valid(engine, "") and not valid(engine, None)


def test_sign_out_ends_only_this_session_and_is_audited(world):
    engine, actors, _ = world
    here, elsewhere = start(engine, actors["ana"].user_id), start(engine, actors["ana"].user_id)
    with transaction(engine) as s:
        sessions.sign_out(s, actor=actors["ana"], session_id=here)
    assert not valid(engine, here) and valid(engine, elsewhere)
    assert row(engine, here).end_reason == sessions.END_SIGN_OUT
    [audit] = audits(engine, "auth.logout")
    assert audit.user_id == actors["ana"].user_id and json.loads(audit.after)["sessions_ended"] == 1


def test_sign_out_everywhere_ends_every_session_of_that_user_only(world):
    engine, actors, _ = world
    mine = [start(engine, actors["ana"].user_id) for _ in range(3)]
    theirs = start(engine, actors["bob"].user_id)
    with transaction(engine) as s:
        assert sessions.sign_out_everywhere(s, actor=actors["ana"]) == 3
    assert not any(valid(engine, m) for m in mine) and valid(engine, theirs)
    assert {row(engine, m).end_reason for m in mine} == {sessions.END_EVERYWHERE}
    [audit] = audits(engine, "auth.sign_out_everywhere")
    assert json.loads(audit.after) == {"sessions_ended": 3, "reason": sessions.END_EVERYWHERE}


def test_admin_signs_a_user_out_everywhere(world):
    engine, actors, _ = world
    theirs = [start(engine, actors["ana"].user_id) for _ in range(2)]
    own = start(engine, actors["adm"].user_id)
    with transaction(engine) as s:
        assert users.sign_out_everywhere(s, actor=actors["adm"], user_id=actors["ana"].user_id) == 2
    assert not any(valid(engine, t) for t in theirs) and valid(engine, own)
    [audit] = audits(engine, "user.sign_out_everywhere")
    assert audit.user_id == actors["adm"].user_id and audit.entity_id == str(actors["ana"].user_id)
    with pytest.raises(PermissionError), transaction(engine) as s:  # not for other roles
        users.sign_out_everywhere(s, actor=actors["bob"], user_id=actors["ana"].user_id)


@pytest.mark.parametrize(("change", "reason"), [
    ("password", sessions.END_PASSWORD), ("deactivate", sessions.END_DEACTIVATED),
    ("role", sessions.END_ACCESS_CHANGED), ("scope", sessions.END_ACCESS_CHANGED)])
def test_admin_changes_end_all_the_users_sessions_in_the_same_transaction(world, change, reason):
    engine, actors, ids = world
    ana = actors["ana"].user_id
    open_ = [start(engine, ana) for _ in range(2)]
    admins_own = start(engine, actors["adm"].user_id)
    with transaction(engine) as s:
        if change == "password":
            users.reset_password(s, actor=actors["adm"], user_id=ana, password="Another-pass-42")
        else:
            users.update(s, actor=actors["adm"], user_id=ana, role="auditor" if change == "role" else "director",
                         cooperative_id=ids["A"] if change == "scope" else None, officer_id=None,
                         active=change != "deactivate")
    assert not any(valid(engine, o) for o in open_)
    assert {row(engine, o).end_reason for o in open_} == {reason}
    assert valid(engine, admins_own)
    action = "user.reset_password" if change == "password" else "user.update"
    [audit] = audits(engine, action)
    assert json.loads(audit.after)["sessions_ended"] == 2
    assert "password_hash" not in audit.after and "$2" not in audit.after


def test_an_update_that_changes_nothing_keeps_the_sessions(world):
    engine, actors, _ = world
    open_ = start(engine, actors["ana"].user_id)
    with transaction(engine) as s:
        users.update(s, actor=actors["adm"], user_id=actors["ana"].user_id, role="director", cooperative_id=None,
                     officer_id=None, active=True)
    assert valid(engine, open_) and audits(engine, "user.update") == []


def test_a_failed_command_ends_no_session(world):
    """The session end is part of the command's transaction: a refused reset leaves the sessions open."""
    engine, actors, _ = world
    open_ = start(engine, actors["ana"].user_id)
    with pytest.raises(users.ValidationError), transaction(engine) as s:
        users.reset_password(s, actor=actors["adm"], user_id=actors["ana"].user_id, password="short")
    assert valid(engine, open_)


def test_idle_timeout_and_lifetime_to_the_second(world):
    engine, actors, _ = world
    idle, life = dt.timedelta(minutes=30), dt.timedelta(hours=12)
    session_id = start(engine, actors["ana"].user_id)
    assert valid(engine, session_id, T0 + idle - dt.timedelta(seconds=1))
    assert not valid(engine, session_id, T0 + idle)
    # kept alive by use, it still ends after its lifetime
    at = T0
    while at + dt.timedelta(minutes=20) < T0 + life:
        at += dt.timedelta(minutes=20)
        with transaction(engine) as s:
            assert sessions.resume(s, session_id=session_id, settings=SETTINGS, at=at, seen=True) is not None
    assert valid(engine, session_id, T0 + life - dt.timedelta(seconds=1))
    assert not valid(engine, session_id, T0 + life)
    with transaction(engine) as s:
        assert sessions.resume(s, session_id=session_id, settings=SETTINGS, at=T0 + life) is None
    ended = row(engine, session_id)
    assert (ended.end_reason, ended.ended_at) == (sessions.END_LIFETIME, T0 + life)
    assert audits(engine, "auth.logout") == [], "the per-run check is not audited"


def test_idle_session_is_ended_with_its_reason_and_the_settings_apply(world):
    engine, actors, _ = world
    session_id = start(engine, actors["ana"].user_id)
    short = Settings(session_idle_minutes=5, session_max_hours=1)
    assert valid(engine, session_id, T0 + dt.timedelta(minutes=10))
    assert not valid(engine, session_id, T0 + dt.timedelta(minutes=5), settings=short)
    with transaction(engine) as s:
        assert sessions.resume(s, session_id=session_id, settings=short, at=T0 + dt.timedelta(minutes=6)) is None
    assert row(engine, session_id).end_reason == sessions.END_IDLE
    assert not valid(engine, session_id, T0 + dt.timedelta(minutes=6)), "an ended session stays ended"


def test_last_seen_is_written_at_most_once_a_minute(world):
    engine, actors, _ = world
    session_id = start(engine, actors["ana"].user_id)
    writes = []
    for seconds in (10, 30, 59, 60, 61, 100, 119, 121):
        with transaction(engine) as s:
            writes.append(sessions.touch(s, session_id=session_id, at=T0 + dt.timedelta(seconds=seconds)))
    assert writes == [False, False, False, True, False, False, False, True]
    assert row(engine, session_id).last_seen_at == T0 + dt.timedelta(seconds=121)


def test_a_deactivated_or_other_user_session_signs_nobody_in(world):
    engine, actors, _ = world
    session_id = start(engine, actors["ana"].user_id)
    with transaction(engine) as s:
        assert sessions.resume(s, session_id=session_id, settings=SETTINGS, at=T0, username="bob") is None
        assert sessions.resume(s, session_id=session_id, settings=SETTINGS, at=T0, username="ana").username == "ana"
        s.execute(update(AppUser).where(AppUser.username == "ana").values(active=False))  # e.g. by a script
    assert not valid(engine, session_id)


def test_record_login_starts_a_session_with_its_audit_row(world):
    engine, actors, _ = world
    with transaction(engine) as s:
        session_id = users.record_login(s, username="ana")
        assert users.record_login(s, username="nobody") is None
    assert valid(engine, session_id, now())
    [audit] = audits(engine, "auth.login")
    assert audit.user_id == actors["ana"].user_id
    with transaction(engine) as s:
        assert s.scalar(select(func.count()).select_from(UserSession)) == 1


def open_sessions(session) -> int:
    """A read of the session table, cached through store.read like a page's reads."""
    return int(session.scalar(select(func.count()).select_from(UserSession).where(UserSession.ended_at.is_(None))))


def test_sign_in_and_session_bookkeeping_leave_the_read_cache_alone(demo_db_url, monkeypatch):
    """A sign-in moves only the versions of the session, user and audit tables: another user's cached chart
    read is served as it was, while a read of the sessions sees the new one at once (no cache emptied)."""
    from components import store
    from data import portfolio
    from domain.scope import Scope

    months = store.read(portfolio.list_months)
    arguments = dict(scope=Scope.union(), first=months[0], last=months[-1])
    chart = store.read(portfolio.balances_by_month, **arguments)
    before = store.read(open_sessions)
    session_id = store.bookkeep(users.record_login, username="auditor")
    store.bookkeep(sessions.touch, session_id=session_id, at=now() + dt.timedelta(minutes=2))
    store.bookkeep(users.record_failed_login, username="nobody")
    assert store.read(open_sessions) == before + 1, "the session read follows the sign-in"

    def read_again(*_args, **_kwargs):
        raise AssertionError("the chart's cached read was emptied by a sign-in")
    original = portfolio.balances_by_month
    monkeypatch.setattr(portfolio, "balances_by_month", read_again)
    assert store.read(original, **arguments).equals(chart), "the chart's cache survived"
    monkeypatch.setattr(portfolio, "balances_by_month", original)
    store.write(sessions.end, session_id=session_id, reason="test")
    assert store.read(open_sessions) == before


# ------------------------------------------------------------------------------------------------ real cookie
browser_test = pytest.mark.browser


def _sid(cookie_value: str) -> str:
    return jwt.decode(cookie_value, TEST_COOKIE_KEY, algorithms=["HS256"])["sid"]


def _new_user(db_url: str, username: str) -> int:
    engine = make_engine(db_url)
    try:
        with transaction(engine) as s:
            return f.user(s, username, "director").id
    finally:
        engine.dispose()


def _signed_in_cookie(browser, server: str, username: str):
    """Sign in through the form; returns (context, page, cookie value) after checking that the cookie alone
    signs a fresh browser in (the control: without it the later refusal would prove nothing)."""
    from tests.browser_support import auth_cookie, open_with_cookie, sign_in, signed_in

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, server, username, "password-123")
    value = auth_cookie(context)
    other, other_page = open_with_cookie(browser, server, value)
    assert signed_in(other_page), "the captured cookie signs a new browser in"
    other.close()
    return context, page, value


def _refused(browser, server: str, value: str) -> bool:
    from tests.browser_support import open_with_cookie, signed_in

    context, page = open_with_cookie(browser, server, value)
    try:
        assert page.locator("[data-testid='stException']").count() == 0
        return not signed_in(page)
    finally:
        context.close()


@browser_test
def test_a_copied_cookie_is_refused_after_sign_out(security_server, security_browser):
    from tests.browser_support import settle

    server, db_url = security_server
    _new_user(db_url, "cookie_signout")
    context, page, value = _signed_in_cookie(security_browser, server, "cookie_signout")
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.get_by_label("Username", exact=True).wait_for(timeout=60_000)
    settle(page)
    context.close()
    assert _refused(security_browser, server, value)


@browser_test
def test_sign_out_everywhere_signs_out_another_open_browser(security_server, security_browser):
    from tests.browser_support import settle

    from tests.browser_support import open_with_cookie, signed_in

    server, db_url = security_server
    _new_user(db_url, "cookie_everywhere")
    laptop, laptop_page, value = _signed_in_cookie(security_browser, server, "cookie_everywhere")
    phone, phone_page = open_with_cookie(security_browser, server, value)
    assert signed_in(phone_page)
    laptop_page.get_by_role("button", name="Sign out everywhere", exact=True).click()
    laptop_page.get_by_label("Username", exact=True).wait_for(timeout=60_000)
    # the phone's browser session stays open; its next run (opening another page) checks the session again
    phone_page.locator("[data-testid='stSidebarNav']").get_by_text("Officers", exact=True).click()
    phone_page.get_by_label("Username", exact=True).wait_for(timeout=60_000)
    settle(phone_page)
    assert not signed_in(phone_page)
    laptop.close()
    phone.close()
    assert _refused(security_browser, server, value)


@browser_test
@pytest.mark.parametrize("event", ["password_reset", "deactivation", "idle_timeout", "lifetime"])
def test_a_copied_cookie_is_refused_after(security_server, security_browser, event):
    server, db_url = security_server
    username = f"cookie_{event}"
    user_id = _new_user(db_url, username)
    context, _page, value = _signed_in_cookie(security_browser, server, username)
    context.close()
    engine = make_engine(db_url)
    try:
        with transaction(engine) as s:
            admin = actor_of(users.get_by_username(s, username="admin"))
            token_hash = sessions.hash_id(_sid(value))
            if event == "password_reset":
                users.reset_password(s, actor=admin, user_id=user_id, password="Brand-new-pass-7")
            elif event == "deactivation":
                users.update(s, actor=admin, user_id=user_id, role="director", cooperative_id=None, officer_id=None,
                             active=False)
            elif event == "idle_timeout":  # the browser sat unused for 31 minutes (the default limit is 30)
                s.execute(update(UserSession).where(UserSession.token_hash == token_hash)
                          .values(last_seen_at=now() - dt.timedelta(minutes=31)))
            else:  # signed in 12 hours ago and used all along
                s.execute(update(UserSession).where(UserSession.token_hash == token_hash)
                          .values(created_at=now() - dt.timedelta(hours=12, seconds=1)))
    finally:
        engine.dispose()
    assert _refused(security_browser, server, value)
