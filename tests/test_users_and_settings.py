"""User management, sign-in bookkeeping and settings: each command writes one audited change or nothing."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from data import aggregates, portfolio, users
from data import settings as settings_store
from data.audit import now
from data.db import transaction
from data.errors import ValidationError
from data.models import AppUser, AuditLog
from data.passwords import verify_password
from domain import figures
from domain.scope import Actor, Scope
from domain.settings import Settings
from tests import factory as f

ADMIN = Actor(user_id=1, username="root", role="admin", scope=Scope.union())


@pytest.fixture
def base(engine):
    with transaction(engine) as s:
        settings_store.seed(s, Settings())
        coop = f.cooperative(s, "A")
        other = f.cooperative(s, "B")
        off = f.officer(s, coop, "Ana")
        f.user(s, "root", "admin")
    return engine, coop.id, other.id, off.id


def counts(engine) -> tuple[int, int]:
    with transaction(engine) as s:
        return s.scalar(select(func.count()).select_from(AppUser)), s.scalar(select(func.count()).select_from(AuditLog))


def test_create_user_writes_one_row_and_one_audit(base):
    engine, coop, _, off = base
    before = counts(engine)
    with transaction(engine) as s:
        users.create(s, actor=ADMIN, username="maria", display_name="María <b>López</b>'; DROP TABLE app_user;--",
                     password="secret-pass-42", role="officer", cooperative_id=coop, officer_id=off)
    assert counts(engine) == (before[0] + 1, before[1] + 1)
    with transaction(engine) as s:
        user = users.get_by_username(s, username="maria")
        assert user.display_name == "María <b>López</b>'; DROP TABLE app_user;--"  # stored exactly
        assert verify_password("secret-pass-42", user.password_hash)
        assert users.scope_of(user) == Scope(cooperative_ids=frozenset({coop}), officer_id=off)
        audit = s.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
        assert audit.action == "user.create" and "secret-pass-42" not in (audit.after or "")


@pytest.mark.parametrize("changes, field, key", [
    ({"username": "A"}, "username", "error.username_format"),
    ({"username": "root"}, "username", "error.username_taken"),
    ({"username": "x' OR 1=1"}, "username", "error.username_format"),
    ({"password": "short1"}, "password", "error.password_too_short"),
    ({"password": "onlyletterslong"}, "password", "error.password_letters_and_digits"),
    ({"display_name": "  "}, "display_name", "error.display_name"),
    ({"role": "king"}, "role", "error.unknown_role"),
    ({"role": "officer", "officer_id": None}, "officer", "error.officer_link_required"),
    ({"cooperative_id": 999}, "cooperative", "error.unknown_cooperative"),
])
def test_bad_user_input_is_refused_and_nothing_written(base, changes, field, key):
    engine, coop, _, _ = base
    arguments = dict(username="newuser", display_name="New User", password="good-pass-123", role="supervisor",
                     cooperative_id=coop, officer_id=None)
    arguments.update(changes)
    before = counts(engine)
    with pytest.raises(ValidationError) as raised, transaction(engine) as s:
        users.create(s, actor=ADMIN, **arguments)
    assert (raised.value.field, raised.value.key) == (field, key)
    assert counts(engine) == before


def test_officer_from_another_cooperative_is_refused(base):
    engine, _, other, off = base
    with pytest.raises(ValidationError, match="officer"), transaction(engine) as s:
        users.create(s, actor=ADMIN, username="bo-li", display_name="Bo", password="good-pass-123", role="officer",
                     cooperative_id=other, officer_id=off)


@pytest.mark.parametrize("role", ["director", "supervisor", "officer", "auditor"])
def test_only_admin_manages_users(base, role):
    engine, coop, _, _ = base
    actor = Actor(user_id=1, username="root", role=role, scope=Scope.union())
    before = counts(engine)
    with pytest.raises(PermissionError), transaction(engine) as s:
        users.create(s, actor=actor, username="x-user", display_name="X", password="good-pass-123",
                     role="auditor", cooperative_id=None)
    assert counts(engine) == before


def test_admin_cannot_lock_themself_out(base):
    engine, *_ = base
    with pytest.raises(ValidationError, match="own_account"), transaction(engine) as s:
        users.update(s, actor=ADMIN, user_id=1, role="admin", cooperative_id=None, officer_id=None, active=False)


def test_update_and_reset_password_are_audited(base):
    engine, coop, _, _ = base
    with transaction(engine) as s:
        target = f.user(s, "sup", "supervisor")
    before = counts(engine)
    with transaction(engine) as s:
        users.update(s, actor=ADMIN, user_id=target.id, role="director", cooperative_id=coop, officer_id=None,
                     active=True)
        users.reset_password(s, actor=ADMIN, user_id=target.id, password="another-pass-9")
    assert counts(engine) == (before[0], before[1] + 2)
    with transaction(engine) as s:
        user = s.get(AppUser, target.id)
        assert (user.role, user.cooperative_id) == ("director", coop)
        assert verify_password("another-pass-9", user.password_hash)


def test_failed_logins_lock_the_account_and_are_audited(base):
    engine, *_ = base
    with transaction(engine) as s:
        f.user(s, "victim", "auditor")
    for attempt in range(users.MAX_FAILED_LOGINS):
        with transaction(engine) as s:
            locked = users.record_failed_login(s, username="victim")
        assert (locked is not None) == (attempt == users.MAX_FAILED_LOGINS - 1)
    with transaction(engine) as s:
        assert "victim" not in users.credentials(s)["usernames"]  # locked: cannot sign in
        assert "victim" in users.credentials(s, at=now() + dt.timedelta(minutes=users.LOCK_MINUTES + 1))["usernames"]
        failures = s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "auth.login_failed"))
        assert failures == users.MAX_FAILED_LOGINS


def test_settings_update_validates_and_audits(base):
    engine, *_ = base
    before = counts(engine)
    with pytest.raises(ValidationError) as raised, transaction(engine) as s:
        settings_store.update(s, actor=ADMIN, changes={"substandard_days": "300"})  # above doubtful (270)
    assert raised.value.key == "error.setting.substandard_days"
    with pytest.raises(ValidationError) as raised, transaction(engine) as s:
        settings_store.update(s, actor=ADMIN, changes={"segment_cutoff": "not a date"})
    assert raised.value.key == "error.setting_unreadable"
    assert counts(engine) == before
    with transaction(engine) as s:
        result = settings_store.update(s, actor=ADMIN, changes={"currency": "EUR", "currency_symbol": "€",
                                                                "loss_days": "360"})  # loss unchanged
    assert result.currency == "EUR"
    assert counts(engine) == (before[0], before[1] + 1)
    with pytest.raises(PermissionError), transaction(engine) as s:
        settings_store.update(s, actor=Actor(2, "d", "director", Scope.union()), changes={"currency": "USD"})



@pytest.mark.parametrize("raw, accepted", [("0", False), ("-5", False), ("1", True), ("180", True), ("1825", True),
                                           ("1826", False), ("half a year", False)])
def test_default_assignment_days_is_validated(base, raw, accepted):
    engine, *_ = base
    assert Settings().default_assignment_days == 180
    before = counts(engine)
    if accepted:
        with transaction(engine) as s:
            assert settings_store.update(s, actor=ADMIN, changes={"default_assignment_days": raw}) \
                .default_assignment_days == int(raw)
        with transaction(engine) as s:
            assert settings_store.get(s).default_assignment_days == int(raw)
        assert counts(engine)[1] == before[1] + (raw != "180")
        return
    with pytest.raises(ValidationError) as raised, transaction(engine) as s:
        settings_store.update(s, actor=ADMIN, changes={"default_assignment_days": raw})
    assert raised.value.key in ("error.setting.default_assignment_days", "error.setting_unreadable")
    assert counts(engine) == before

def test_changing_the_cutoff_recomputes_the_segments(engine):
    month = dt.date(2025, 3, 1)
    with transaction(engine) as s:
        settings_store.seed(s, Settings(segment_cutoff=dt.date(2025, 1, 1)))
        coop = f.cooperative(s, "A")
        off = f.officer(s, coop, "Ana")
        f.user(s, "root", "admin")
        f.month_row(s, f.loan(s, coop, off, dt.date(2024, 6, 1)), month, 1000, "loss")
        s.flush()
        aggregates.rebuild_all(s)
    frame = portfolio.balances_by_month
    with transaction(engine) as s:
        assert figures.npl_balance(frame(s, scope=Scope.union(), first=month, last=month), month, "old") == 1000
        settings_store.update(s, actor=ADMIN, changes={"segment_cutoff": "2024-01-01"})
    with transaction(engine) as s:
        rows = frame(s, scope=Scope.union(), first=month, last=month)
        assert figures.npl_balance(rows, month, "old") == 0
        assert figures.npl_balance(rows, month, "new") == 1000
