"""Assign and reassign NPLs: every bad input is refused with its message and writes nothing.

Reuses the hand-made book of tests/test_officers_data.py (TODAY 2026-06-15, latest month 2026-05).
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from data import assignments, officers
from data.db import transaction
from data.errors import ValidationError
from data.models import Assignment, AuditLog
from domain import accountability
from domain.scope import Actor, Scope
from tests.test_officers_data import MAY, TODAY, book, table_for  # noqa: F401 - the fixture is reused

D = dt.date


def actor(ids, role: str = "supervisor", scope: Scope | None = None, user: str = "sup") -> Actor:
    return Actor(user_id=ids[user], username=user, role=role, scope=scope or Scope.union())


def counts(engine) -> tuple[int, int]:
    with transaction(engine) as s:
        return (s.scalar(select(func.count()).select_from(Assignment)),
                s.scalar(select(func.count()).select_from(AuditLog)))


def snapshot(engine) -> list[tuple]:
    with transaction(engine) as s:
        return [tuple(r) for r in s.execute(select(Assignment.id, Assignment.outcome, Assignment.closed_on,
                                                   Assignment.officer_id, Assignment.target_cents)
                                            .order_by(Assignment.id)).all()]


def run(engine, command, **kwargs):
    with transaction(engine) as s:
        return command(s, **kwargs)


def good_create(ids, **overrides) -> dict:
    # L6: substandard 6000 in May, no open assignment; Ana is active in the same cooperative
    values = dict(loan_id=ids["L6"], officer_id=ids["ana"], target_cents=6000, deadline=D(2026, 12, 31), today=TODAY)
    return values | overrides


def test_create_writes_one_assignment_and_one_audit_row(book):
    engine, ids = book
    before = counts(engine)
    row = run(engine, assignments.create, actor=actor(ids), **good_create(ids))  # target = whole balance: allowed
    assert counts(engine) == (before[0] + 1, before[1] + 1)
    with transaction(engine) as s:
        stored = s.get(Assignment, row.id)
        assert (stored.outcome, stored.assigned_on, stored.cooperative_id, stored.target_cents) == \
            ("open", TODAY, ids["A"], 6000)
        audit = s.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
        assert (audit.action, audit.entity_id, audit.username) == ("assignment.create", str(row.id), "sup")
        assert '"target_cents": 6000' in audit.after
    npls = run(engine, officers.list_assignable_npls, scope=Scope.union(), month=MAY)
    assert "L6" not in set(npls.contract_no)


@pytest.mark.parametrize("overrides, field, key", [
    ({"target_cents": 0}, "target", "error.assignments.target_not_positive"),
    ({"target_cents": -100}, "target", "error.assignments.target_not_positive"),
    ({"target_cents": 6001}, "target", "error.assignments.target_above_balance"),
    ({"deadline": TODAY}, "deadline", "error.assignments.deadline_not_after_assignment"),
    ({"deadline": D(2026, 1, 1)}, "deadline", "error.assignments.deadline_not_after_assignment"),
    ({"assigned_on": D(2026, 7, 1), "deadline": D(2026, 12, 31)}, "assigned_on",
     "error.assignments.assigned_in_future"),
    ({"officer_id": "dee"}, "officer", "error.assignments.officer_inactive"),
    ({"officer_id": "cai"}, "officer", "error.assignments.officer_other_cooperative"),
    ({"officer_id": 999_999}, "officer", "error.assignments.officer_out_of_scope"),
    ({"loan_id": "L1"}, "loan", "error.assignments.already_assigned"),
    ({"loan_id": "L4"}, "loan", "error.assignments.not_npl"),
    # L7 has no May row: its latest balance is April's 900 (loss), so 901 is above it
    ({"loan_id": "L7", "target_cents": 901}, "target", "error.assignments.target_above_balance"),
    ({"loan_id": 999_999}, "loan", "error.assignments.loan_out_of_scope"),
])
def test_create_refuses_bad_input_and_writes_nothing(book, overrides, field, key):
    engine, ids = book
    resolved = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
    before, rows = counts(engine), snapshot(engine)
    with pytest.raises(ValidationError) as raised:
        run(engine, assignments.create, actor=actor(ids), **good_create(ids, **resolved))
    assert (raised.value.field, raised.value.key) == (field, key)
    assert counts(engine) == before and snapshot(engine) == rows


def test_create_refuses_outside_the_actors_scope(book):
    engine, ids = book
    only_b = actor(ids, scope=Scope.cooperative(ids["B"]))
    before = counts(engine)
    with pytest.raises(ValidationError) as raised:  # L6 is in cooperative A
        run(engine, assignments.create, actor=only_b, **good_create(ids))
    assert raised.value.key == "error.assignments.loan_out_of_scope"
    only_a = actor(ids, scope=Scope.cooperative(ids["A"]))
    with pytest.raises(ValidationError) as raised:  # L9 (B) by an A supervisor
        run(engine, assignments.create, actor=only_a, **good_create(ids, loan_id=ids["L9"], officer_id=ids["cai"],
                                                                     target_cents=100))
    assert raised.value.key == "error.assignments.loan_out_of_scope"
    with pytest.raises(ValidationError) as raised:  # an officer the A supervisor cannot see, on a loan of A
        run(engine, assignments.create, actor=only_a, **good_create(ids, officer_id=ids["cai"]))
    assert raised.value.key == "error.assignments.officer_out_of_scope"
    assert counts(engine) == before


@pytest.mark.parametrize("role", ["director", "auditor", "officer", "admin"])
def test_only_supervisors_assign(book, role):
    engine, ids = book
    before = counts(engine)
    with pytest.raises(PermissionError):
        run(engine, assignments.create, actor=actor(ids, role=role, user="boss"), **good_create(ids))
    with pytest.raises(PermissionError):
        run(engine, assignments.reassign, actor=actor(ids, role=role, user="boss"), assignment_id=ids["b1"],
            officer_id=ids["ana"], target_cents=100, deadline=D(2026, 9, 30), today=TODAY)
    assert counts(engine) == before


def test_reassign_keeps_history_with_one_audit_row(book):
    engine, ids = book
    before = counts(engine)
    # b1: Ben, L3 (loss 5000), open and overdue -> Ana with a new target and deadline
    new = run(engine, assignments.reassign, actor=actor(ids), assignment_id=ids["b1"], officer_id=ids["ana"],
              target_cents=2000, deadline=D(2026, 9, 30), today=TODAY)
    assert counts(engine) == (before[0] + 1, before[1] + 1)
    with transaction(engine) as s:
        old, stored = s.get(Assignment, ids["b1"]), s.get(Assignment, new.id)
        assert (old.outcome, old.closed_on) == ("reassigned", TODAY)
        assert (stored.previous_assignment_id, stored.officer_id, stored.assigned_on, stored.outcome) == \
            (ids["b1"], ids["ana"], TODAY, "open")
        audit = s.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
        assert audit.action == "assignment.reassign" and '"outcome": "open"' in audit.before
        assert '"outcome": "reassigned"' in audit.after and f'"previous_assignment_id": {ids["b1"]}' in audit.after
    # reassigned mid-way: Ben loses b1 (target 2500, recovered 300) from his figures, Ana gains an open one
    table = table_for(engine, Scope.union()).set_index("officer")
    assert (table.loc["Ben", "target_cents"], table.loc["Ben", "recovered_cents"]) == (3000, 700)
    assert (table.loc["Ben", "overdue"], table.loc["Ben", "reassigned"]) == (0, 1)
    assert (table.loc["Ana", "open"], table.loc["Ana", "on_track"], table.loc["Ana", "target_cents"]) == (2, 1, 9000)
    assert table.loc["Ana", "open_balance_cents"] == 10000 + 5000
    # the reassigned assignment left the accountability gap with its status
    gaps = run(engine, officers.list_accountability_gaps, scope=Scope.union(), today=TODAY)
    assert list(gaps.assignment_id) == [ids["b4"]]
    ben = accountability.with_status(run(engine, officers.list_assignments, scope=Scope.union(),
                                         officer_id=ids["ben"], month=MAY), today=TODAY)
    assert ben.set_index("assignment_id").loc[ids["b1"], "status"] == "reassigned"


@pytest.mark.parametrize("overrides, field, key", [
    ({"assignment_id": "a2"}, "assignment", "error.assignments.not_open"),
    ({"assignment_id": "a3"}, "assignment", "error.assignments.not_open"),
    ({"assignment_id": 999_999}, "assignment", "error.assignments.unknown_assignment"),
    ({"officer_id": "ben"}, "officer", "error.assignments.same_officer"),
    ({"officer_id": "dee"}, "officer", "error.assignments.officer_inactive"),
    ({"officer_id": "cai"}, "officer", "error.assignments.officer_other_cooperative"),
    ({"target_cents": 5001}, "target", "error.assignments.target_above_balance"),
    ({"target_cents": 0}, "target", "error.assignments.target_not_positive"),
    ({"deadline": TODAY}, "deadline", "error.assignments.deadline_not_after_assignment"),
    ({"reassigned_on": D(2026, 2, 1)}, "assigned_on", "error.assignments.reassigned_before_assigned"),
])
def test_reassign_refuses_bad_input_and_writes_nothing(book, overrides, field, key):
    engine, ids = book
    values = dict(assignment_id=ids["b1"], officer_id=ids["ana"], target_cents=2000, deadline=D(2026, 9, 30),
                  today=TODAY)
    values |= {k: ids.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
    before, rows = counts(engine), snapshot(engine)
    with pytest.raises(ValidationError) as raised:
        run(engine, assignments.reassign, actor=actor(ids), **values)
    assert (raised.value.field, raised.value.key) == (field, key)
    assert counts(engine) == before and snapshot(engine) == rows


def test_reassign_outside_scope_is_unknown(book):
    engine, ids = book
    before = counts(engine)
    with pytest.raises(ValidationError) as raised:
        run(engine, assignments.reassign, actor=actor(ids, scope=Scope.cooperative(ids["B"])),
            assignment_id=ids["b1"], officer_id=ids["cai"], target_cents=100, deadline=D(2026, 9, 30), today=TODAY)
    assert raised.value.key == "error.assignments.unknown_assignment"
    assert counts(engine) == before


def test_every_error_key_has_both_translations():
    import re
    from pathlib import Path

    from components.i18n import catalogs

    source = Path(assignments.__file__).read_text(encoding="utf-8")
    keys = set(re.findall(r'"(error\.assignments\.[a-z_]+)"', source))
    assert len(keys) >= 10
    assert all(keys <= set(catalogs()[lang]) for lang in ("en", "es", "zh"))
