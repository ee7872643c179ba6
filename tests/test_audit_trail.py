"""The audit trail: append-only in the database on both engines, in the same transaction as the change,
and read with filters and the documented scope (by the writer's cooperative).
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from data import audit_trail, decisions
from data.audit import record
from data.db import transaction
from data.models import AuditLog, Decision
from data.users import actor_of
from domain.scope import Scope
from tests import factory as f

TODAY = dt.date.today()


@pytest.fixture
def world(engine):
    """Users of A (sup_a, dir_a), of B (sup_b) and union-level (admin, aud, dir_u), each with audit rows:
    sup_a 2 rows (review.create, decision.propose), dir_a 1, sup_b 1, admin 1, plus one anonymous failed login."""
    with transaction(engine) as s:
        a, b = f.cooperative(s, "A"), f.cooperative(s, "B")
        users = {name: actor_of(f.user(s, name, role, cooperative_id=coop)) for name, role, coop in (
            ("sup_a", "supervisor", a.id), ("dir_a", "director", a.id), ("sup_b", "supervisor", b.id),
            ("admin", "admin", None), ("aud", "auditor", None), ("dir_u", "director", None),
            ("aud_a", "auditor", a.id))}
        for who, action, entity in (("sup_a", "review.create", "review"), ("sup_a", "decision.propose", "decision"),
                                    ("dir_a", "decision.approve", "decision"), ("sup_b", "review.create", "review"),
                                    ("admin", "user.create", "app_user")):
            record(s, actor=users[who], action=action, entity=entity, entity_id=1, before={"status": "pending"},
                   after={"status": "approved", "note": "<i>as typed</i>"})
        record(s, actor=None, username="mallory", action="auth.login_failed", entity="app_user")
    return engine, users, {"A": a.id, "B": b.id}


def audit_count(engine) -> int:
    with transaction(engine) as s:
        return int(s.scalar(select(func.count(AuditLog.id))))


@pytest.mark.parametrize("sql", ["UPDATE audit_log SET action = 'tampered'",
                                 "UPDATE audit_log SET after = NULL WHERE id = 1",
                                 "DELETE FROM audit_log WHERE id = 1",
                                 "DELETE FROM audit_log"])
def test_database_refuses_update_and_delete_of_audit_rows(world, sql):
    engine, _, _ = world
    with pytest.raises(DatabaseError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text(sql))
    with transaction(engine) as s:
        assert s.scalar(select(func.count(AuditLog.id))) == 6
        assert s.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "tampered")) == 0


def test_insert_still_works_and_audit_row_rolls_back_with_its_change(world):
    engine, users, _ = world
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_log (at, username, action, entity, entity_id) "
                          "VALUES (:at, 'x', 'test.insert', 'none', '')"), {"at": dt.datetime(2026, 1, 1)})
    assert audit_count(engine) == 7
    with transaction(engine) as s:  # a command that fails after writing leaves neither change nor audit row
        officer_coop = f.cooperative(s, "C")
        off = f.officer(s, officer_coop, "Cy")
    with pytest.raises(RuntimeError):
        with transaction(engine) as s:
            decisions.propose(s, actor=users["dir_u"], officer_id=off.id, kind="warning", reason="r", effective_on=TODAY)
            raise RuntimeError("the caller's transaction fails after the command")
    assert audit_count(engine) == 7
    with transaction(engine) as s:
        assert s.scalar(select(func.count(Decision.id))) == 0


def test_trail_scope_auditor_admin_union_director_see_all_cooperative_director_own_users(world):
    engine, users, ids = world
    with transaction(engine) as s:
        def usernames(actor):
            return sorted(audit_trail.list_(s, scope=audit_trail.trail_scope(actor))["username"])
        everything = sorted(["sup_a", "sup_a", "dir_a", "sup_b", "admin", "mallory"])
        assert usernames(users["aud"]) == everything
        assert usernames(users["aud_a"]) == everything  # internal control reads all, whatever its cooperative
        assert usernames(users["admin"]) == everything
        assert usernames(users["dir_u"]) == everything
        # director of A: rows by users of A only (not admin, not sup_b, not the anonymous failure)
        assert usernames(users["dir_a"]) == ["dir_a", "sup_a", "sup_a"]
        assert audit_trail.count(s, scope=audit_trail.trail_scope(users["dir_a"])) == 3
        assert audit_trail.list_(s, scope=Scope(officer_id=1)).empty  # officer scope fails closed


def test_filters_limit_and_options(world):
    engine, users, _ = world
    union = Scope.union()
    with transaction(engine) as s:
        assert audit_trail.count(s, scope=union) == 6
        assert audit_trail.count(s, scope=union, username="sup_a") == 2
        assert audit_trail.count(s, scope=union, action="review.create") == 2
        assert audit_trail.count(s, scope=union, entity="decision") == 2
        assert audit_trail.count(s, scope=union, username="sup_a", entity="review") == 1
        assert audit_trail.count(s, scope=union, first_day=TODAY, last_day=TODAY) == 6
        assert audit_trail.count(s, scope=union, first_day=TODAY + dt.timedelta(days=1)) == 0
        assert audit_trail.count(s, scope=union, last_day=TODAY - dt.timedelta(days=1)) == 0
        frame = audit_trail.list_(s, scope=union, limit=2)
        assert list(frame["id"]) == [6, 5]  # newest first
        row = audit_trail.list_(s, scope=union, username="admin").iloc[0]
        assert row.before == '{"status": "pending"}' and '"<i>as typed</i>"' in row.after
        options = audit_trail.filter_options(s, scope=audit_trail.trail_scope(users["dir_a"]))
        assert options == {"username": ["dir_a", "sup_a"], "action": ["decision.approve", "decision.propose",
                                                                        "review.create"],
                           "entity": ["decision", "review"]}
