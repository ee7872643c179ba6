"""Decisions: proposal validation, the four-eyes rule, status transitions, concurrency and the reads.

Fixture (hand-made): cooperatives A and B; officers Ana (A), Ines (A, inactive), Bo (B); assignments
a1, a2 of Ana and b1 of Bo; users sup_a (supervisor A), dir_a and dir_a2 (directors A), dir_b (director B),
dir_u (union director), aud (auditor), off (officer Ana).
"""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from data import decisions
from data.db import session_factory, transaction
from data.errors import ValidationError
from data.models import AuditLog, Decision, DecisionAssignment
from data.users import actor_of
from domain.decisions import APPROVED, PENDING, REJECTED, REVOKED
from domain.scope import Scope
from tests import factory as f

TODAY = dt.date.today()


@pytest.fixture
def world(engine):
    with transaction(engine) as s:
        a, b = f.cooperative(s, "A"), f.cooperative(s, "B")
        ana, ines, bo = f.officer(s, a, "Ana"), f.officer(s, a, "Ines", active=False), f.officer(s, b, "Bo")
        la, lb = f.loan(s, a, ana, dt.date(2023, 1, 1), contract="LA"), f.loan(s, b, bo, dt.date(2023, 1, 1),
                                                                                 contract="LB")
        a1 = f.assignment(s, la, ana, dt.date(2025, 1, 1), 500, dt.date(2025, 6, 30))
        a2 = f.assignment(s, la, ana, dt.date(2025, 7, 1), 300, dt.date(2025, 12, 31))
        b1 = f.assignment(s, lb, bo, dt.date(2025, 1, 1), 800, dt.date(2025, 6, 30))
        users = {name: actor_of(f.user(s, name, role, cooperative_id=coop, officer_id=officer))
                 for name, role, coop, officer in (
                     ("sup_a", "supervisor", a.id, None), ("dir_a", "director", a.id, None),
                     ("dir_a2", "director", a.id, None), ("dir_b", "director", b.id, None),
                     ("dir_u", "director", None, None), ("aud", "auditor", None, None),
                     ("off", "officer", a.id, ana.id))}
    ids = {"A": a.id, "B": b.id, "ana": ana.id, "ines": ines.id, "bo": bo.id, "a1": a1.id, "a2": a2.id, "b1": b1.id}
    return engine, users, ids


def counts(engine) -> tuple[int, int, int]:
    """(decisions, decision-assignment links, audit rows)."""
    with transaction(engine) as s:
        return tuple(int(s.scalar(select(func.count()).select_from(m))) for m in (Decision, DecisionAssignment,
                                                                                   AuditLog))


def run(engine, command, **kwargs):
    with transaction(engine) as s:
        result = command(s, **kwargs)
        return result.id if isinstance(result, Decision) else result


def propose(engine, actor, ids, **overrides):
    kwargs = dict(actor=actor, officer_id=ids["ana"], kind="warning", reason="Missed the June deadline",
                  effective_on=TODAY, assignment_ids=[ids["a1"]]) | overrides
    return run(engine, decisions.propose, **kwargs)


def status_of(engine, decision_id) -> str:
    with transaction(engine) as s:
        return s.get(Decision, decision_id).status


def test_proposal_writes_one_decision_and_one_audit_row_text_kept_exactly(world):
    engine, users, ids = world
    reason = "<script>alert('x')</script> **not bold** — 罚款"
    decision_id = propose(engine, users["sup_a"], ids, kind="compensation", amount_cents=12_345, reason=reason,
                          assignment_ids=[ids["a2"], ids["a1"], ids["a1"]])
    assert counts(engine) == (1, 2, 1)  # the duplicate a1 is linked once
    with transaction(engine) as s:
        d = s.get(Decision, decision_id)
        assert (d.status, d.kind, d.amount_cents, d.months, d.reason) == (PENDING, "compensation", 12_345, None, reason)
        assert d.cooperative_id == ids["A"] and d.decided_by_id is None
        audit = s.scalars(select(AuditLog)).one()
        assert (audit.action, audit.entity, audit.entity_id, audit.username) == (
            "decision.propose", "decision", str(decision_id), "sup_a")
        after = json.loads(audit.after)
        assert after["reason"] == reason and after["assignment_ids"] == sorted([ids["a1"], ids["a2"]])
        assert audit.before is None


BAD_PROPOSALS = [
    ({"kind": "fine"}, "kind", "error.decisions.kind_unknown"),
    ({"kind": "compensation"}, "amount", "error.decisions.amount_required"),
    ({"kind": "reward", "amount_cents": 0}, "amount", "error.decisions.amount_positive"),
    ({"kind": "compensation", "amount_cents": -500}, "amount", "error.decisions.amount_positive"),
    ({"kind": "warning", "amount_cents": 100}, "amount", "error.decisions.amount_forbidden"),
    ({"kind": "salary_suspension"}, "months", "error.decisions.months_required"),
    ({"kind": "salary_suspension", "months": 0}, "months", "error.decisions.months_range"),
    ({"kind": "salary_suspension", "months": 25}, "months", "error.decisions.months_range"),
    ({"kind": "dismissal", "months": 3}, "months", "error.decisions.months_forbidden"),
    ({"reason": ""}, "reason", "error.decisions.reason_required"),
    ({"reason": "   \n "}, "reason", "error.decisions.reason_required"),
    ({"reason": "x" * 5001}, "reason", "error.decisions.too_long"),
    ({"effective_on": None}, "effective_on", "error.decisions.effective_required"),
    ({"effective_on": TODAY + dt.timedelta(days=400)}, "effective_on", "error.decisions.effective_window"),
    ({"effective_on": TODAY - dt.timedelta(days=400)}, "effective_on", "error.decisions.effective_window"),
    ({"officer_id": "bo"}, "officer", "error.decisions.officer_unknown"),  # other cooperative
    ({"officer_id": 999_999}, "officer", "error.decisions.officer_unknown"),
    ({"officer_id": None}, "officer", "error.decisions.officer_unknown"),
    ({"officer_id": "ines"}, "officer", "error.decisions.officer_inactive"),
    ({"assignment_ids": ["a1", "b1"]}, "assignments", "error.decisions.assignment_not_officer"),
    ({"assignment_ids": [999_999]}, "assignments", "error.decisions.assignment_not_officer"),
]


@pytest.mark.parametrize("overrides, field, key", BAD_PROPOSALS)
def test_each_bad_proposal_is_refused_with_nothing_written(world, overrides, field, key):
    engine, users, ids = world
    resolved = {name: ids.get(value, value) if isinstance(value, str) and name == "officer_id" else value
                for name, value in overrides.items()}
    if "assignment_ids" in resolved:
        resolved["assignment_ids"] = [ids.get(v, v) if isinstance(v, str) else v for v in resolved["assignment_ids"]]
    with pytest.raises(ValidationError) as refused:
        propose(engine, users["sup_a"], ids, **resolved)
    assert (refused.value.field, refused.value.key) == (field, key)
    assert counts(engine) == (0, 0, 0)


def test_limits_of_the_good_range_are_accepted(world):
    engine, users, ids = world
    propose(engine, users["sup_a"], ids, kind="salary_suspension", months=1)
    propose(engine, users["sup_a"], ids, kind="salary_suspension", months=24)
    propose(engine, users["dir_a"], ids, kind="reward", amount_cents=1, effective_on=TODAY + dt.timedelta(days=366))
    assert counts(engine) == (3, 3, 3)


@pytest.mark.parametrize("who", ["aud", "off"])
def test_roles_that_may_not_propose_are_refused(world, who):
    engine, users, ids = world
    with pytest.raises(PermissionError):
        propose(engine, users[who], ids)
    assert counts(engine) == (0, 0, 0)


def test_four_eyes_proposer_supervisor_and_other_cooperative_cannot_approve(world):
    engine, users, ids = world
    decision_id = propose(engine, users["dir_a"], ids)  # a director proposes
    before = counts(engine)
    with pytest.raises(ValidationError) as own:
        run(engine, decisions.approve, actor=users["dir_a"], decision_id=decision_id, comment="ok by me")
    assert own.value.key == "error.decisions.own_proposal"
    with pytest.raises(PermissionError):
        run(engine, decisions.approve, actor=users["sup_a"], decision_id=decision_id, comment="ok")
    with pytest.raises(ValidationError) as foreign:
        run(engine, decisions.approve, actor=users["dir_b"], decision_id=decision_id, comment="ok")
    assert foreign.value.key == "error.decisions.decision_unknown"
    with pytest.raises(ValidationError) as own_reject:
        run(engine, decisions.reject, actor=users["dir_a"], decision_id=decision_id, comment="no")
    assert own_reject.value.key == "error.decisions.own_proposal"
    assert counts(engine) == before and status_of(engine, decision_id) == PENDING


def test_good_approval_writes_one_status_change_and_one_audit_row(world):
    engine, users, ids = world
    decision_id = propose(engine, users["sup_a"], ids)
    assert counts(engine) == (1, 1, 1)
    run(engine, decisions.approve, actor=users["dir_a"], decision_id=decision_id, comment="Agreed: deadline missed")
    assert counts(engine) == (1, 1, 2)  # no new decision, one new audit row
    with transaction(engine) as s:
        d = s.get(Decision, decision_id)
        assert (d.status, d.decided_by_id, d.decision_comment) == (APPROVED, users["dir_a"].user_id,
                                                                   "Agreed: deadline missed")
        assert d.decided_at is not None and d.reason == "Missed the June deadline"
        audit = s.scalars(select(AuditLog).where(AuditLog.action == "decision.approve")).one()
        assert json.loads(audit.before)["status"] == PENDING and json.loads(audit.after)["status"] == APPROVED


def test_union_director_may_approve_and_comment_is_required(world):
    engine, users, ids = world
    decision_id = propose(engine, users["sup_a"], ids)
    with pytest.raises(ValidationError) as empty:
        run(engine, decisions.approve, actor=users["dir_u"], decision_id=decision_id, comment="  ")
    assert (empty.value.field, empty.value.key) == ("comment", "error.decisions.comment_required")
    assert counts(engine) == (1, 1, 1) and status_of(engine, decision_id) == PENDING
    run(engine, decisions.approve, actor=users["dir_u"], decision_id=decision_id, comment="ok")
    assert status_of(engine, decision_id) == APPROVED


def test_rejected_decision_cannot_be_approved_later_nor_revoked(world):
    engine, users, ids = world
    decision_id = propose(engine, users["sup_a"], ids)
    run(engine, decisions.reject, actor=users["dir_a"], decision_id=decision_id, comment="Not proven")
    before = counts(engine)
    with pytest.raises(ValidationError) as late:
        run(engine, decisions.approve, actor=users["dir_a2"], decision_id=decision_id, comment="ok")
    assert late.value.key == "error.decisions.not_pending"
    with pytest.raises(ValidationError) as revoke:
        run(engine, decisions.revoke, actor=users["dir_a2"], decision_id=decision_id, reason="r")
    assert revoke.value.key == "error.decisions.not_approved"
    assert counts(engine) == before and status_of(engine, decision_id) == REJECTED


def test_revoke_requires_an_approved_decision_and_a_reason(world):
    engine, users, ids = world
    decision_id = propose(engine, users["sup_a"], ids)
    with pytest.raises(ValidationError) as pending:
        run(engine, decisions.revoke, actor=users["dir_a"], decision_id=decision_id, reason="changed mind")
    assert pending.value.key == "error.decisions.not_approved"
    run(engine, decisions.approve, actor=users["dir_a"], decision_id=decision_id, comment="ok")
    before = counts(engine)
    with pytest.raises(ValidationError) as no_reason:
        run(engine, decisions.revoke, actor=users["dir_a2"], decision_id=decision_id, reason="")
    assert (no_reason.value.field, no_reason.value.key) == ("reason", "error.decisions.reason_required")
    with pytest.raises(PermissionError):
        run(engine, decisions.revoke, actor=users["sup_a"], decision_id=decision_id, reason="x")
    with pytest.raises(ValidationError):
        run(engine, decisions.revoke, actor=users["dir_b"], decision_id=decision_id, reason="x")
    assert counts(engine) == before
    run(engine, decisions.revoke, actor=users["dir_a"], decision_id=decision_id, reason="Target met after appeal")
    assert counts(engine) == (before[0], before[1], before[2] + 1)
    with transaction(engine) as s:
        d = s.get(Decision, decision_id)
        # the approval is kept; revocation only adds its own fields
        assert (d.status, d.decided_by_id, d.decision_comment) == (REVOKED, users["dir_a"].user_id, "ok")
        assert (d.revoked_by_id, d.revocation_reason) == (users["dir_a"].user_id, "Target met after appeal")


def test_two_approvers_at_once_give_one_approval_and_one_clear_refusal(world):
    """Both directors load the pending decision; the first commits; the second's conditional update finds
    the status already changed and is refused with nothing written."""
    engine, users, ids = world
    decision_id = propose(engine, users["sup_a"], ids)
    make = session_factory(engine)
    first, second = make(), make()
    try:
        first.begin()
        second.begin()
        assert second.get(Decision, decision_id).status == PENDING  # the second has read it as pending
        decisions.approve(first, actor=users["dir_a"], decision_id=decision_id, comment="first")
        first.commit()
        with pytest.raises(ValidationError) as refused:
            decisions.reject(second, actor=users["dir_a2"], decision_id=decision_id, comment="second")
        second.rollback()
    finally:
        first.close()
        second.close()
    assert refused.value.key in ("error.decisions.not_pending", "error.decisions.changed_meanwhile")
    assert status_of(engine, decision_id) == APPROVED
    assert counts(engine) == (1, 1, 2)


def test_conditional_update_refuses_a_stale_status(world, monkeypatch):
    """Force the race window: the second approver's read says pending although the row is decided."""
    engine, users, ids = world
    decision_id = propose(engine, users["sup_a"], ids)
    run(engine, decisions.approve, actor=users["dir_a"], decision_id=decision_id, comment="first")
    import domain.decision_rules as rules
    monkeypatch.setattr(decisions, "transition_problem", lambda **_: None)  # as if the read were stale
    with pytest.raises(ValidationError) as refused:
        run(engine, decisions.reject, actor=users["dir_a2"], decision_id=decision_id, comment="second")
    assert refused.value.key == "error.decisions.changed_meanwhile" and rules.can_move(PENDING, APPROVED)
    assert counts(engine) == (1, 1, 2) and status_of(engine, decision_id) == APPROVED


def test_queue_excludes_own_proposals_and_other_cooperatives(world):
    engine, users, ids = world
    by_sup = propose(engine, users["sup_a"], ids)
    by_dir = propose(engine, users["dir_a"], ids, kind="reward", amount_cents=5_000, assignment_ids=[])
    by_union = propose(engine, users["dir_u"], ids, officer_id=ids["bo"], assignment_ids=[ids["b1"]])
    with transaction(engine) as s:
        mine = decisions.pending_queue(s, scope=users["dir_a"].scope, approver_id=users["dir_a"].user_id)
        other = decisions.pending_queue(s, scope=users["dir_a2"].scope, approver_id=users["dir_a2"].user_id)
        union = decisions.pending_queue(s, scope=users["dir_u"].scope, approver_id=users["dir_u"].user_id)
    assert list(mine["id"]) == [by_sup]            # not by_dir (own), not by_union (cooperative B)
    assert list(other["id"]) == [by_sup, by_dir]   # oldest first
    assert list(union["id"]) == [by_sup, by_dir]   # not its own proposal about Bo
    assert other.loc[other.id == by_dir, "amount_cents"].iloc[0] == 5_000
    assert other.loc[other.id == by_sup, "assignments"].iloc[0] == f"LA (#{ids['a1']})"
    assert by_union


def test_history_filters_count_and_status_counts(world):
    engine, users, ids = world
    d1 = propose(engine, users["sup_a"], ids, effective_on=TODAY - dt.timedelta(days=10))
    d2 = propose(engine, users["sup_a"], ids, kind="reward", amount_cents=7_000, assignment_ids=[])
    d3 = propose(engine, users["dir_u"], ids, officer_id=ids["bo"], kind="compensation", amount_cents=3_000,
                 assignment_ids=[ids["b1"]])
    run(engine, decisions.approve, actor=users["dir_a"], decision_id=d2, comment="well done")
    run(engine, decisions.reject, actor=users["dir_b"], decision_id=d3, comment="no")
    with transaction(engine) as s:
        union = Scope.union()
        assert list(decisions.history(s, scope=union)["id"]) == [d3, d2, d1]  # newest first
        assert decisions.count_history(s, scope=union) == 3
        assert list(decisions.history(s, scope=union, limit=2)["id"]) == [d3, d2]
        assert list(decisions.history(s, scope=Scope.cooperative(ids["A"]))["id"]) == [d2, d1]
        assert list(decisions.history(s, scope=union, officer_id=ids["bo"])["id"]) == [d3]
        assert list(decisions.history(s, scope=union, kind="reward")["id"]) == [d2]
        assert list(decisions.history(s, scope=union, status=PENDING)["id"]) == [d1]
        assert decisions.count_history(s, scope=union, first_day=TODAY - dt.timedelta(days=1)) == 2  # not d1
        assert decisions.count_history(s, scope=union, last_day=TODAY - dt.timedelta(days=1)) == 1
        officer_view = decisions.history(s, scope=users["off"].scope)
        assert set(officer_view["id"]) == {d1, d2}  # the officer's own decisions only
        row = decisions.history(s, scope=union, kind="reward").iloc[0]
        assert (row.status, row.decided_by, row.decision_comment) == (APPROVED, "Dir_A", "well done")
        summary = decisions.status_counts(s, scope=union).set_index(["kind", "status"])
        # warning pending 1; reward approved 1 (7000); compensation rejected 1 (3000)
        assert summary.loc[("warning", PENDING), "count"] == 1
        assert summary.loc[("reward", APPROVED), "amount_cents"] == 7_000
        assert summary.loc[("compensation", REJECTED), "amount_cents"] == 3_000
        assert len(decisions.status_counts(s, scope=Scope(cooperative_ids=frozenset()))) == 0


def test_officer_and_assignment_lists_are_scoped(world):
    engine, users, ids = world
    with transaction(engine) as s:
        officers = decisions.list_officers(s, scope=Scope.cooperative(ids["A"]))
        assert list(officers["name"]) == ["Ana"]  # Ines is inactive, Bo in B
        assert set(decisions.list_officers(s, scope=Scope.cooperative(ids["A"]), active_only=False)["name"]) == {
            "Ana", "Ines"}
        assert list(decisions.list_assignments(s, scope=Scope.cooperative(ids["A"]), officer_id=ids["ana"])["id"]) \
            == [ids["a2"], ids["a1"]]  # latest deadline first
        assert decisions.list_assignments(s, scope=Scope.cooperative(ids["A"]), officer_id=ids["bo"]).empty


def test_simultaneous_approvals_in_threads_never_give_two(world):
    engine, users, ids = world
    import threading

    decision_id = propose(engine, users["sup_a"], ids)
    barrier, outcomes = threading.Barrier(2), []

    def act(actor, command):
        barrier.wait()
        try:
            with transaction(engine) as s:
                command(s, actor=actor, decision_id=decision_id, comment=actor.username)
            outcomes.append("done")
        except ValidationError as error:
            outcomes.append(error.key)

    threads = [threading.Thread(target=act, args=(users["dir_a"], decisions.approve)),
               threading.Thread(target=act, args=(users["dir_a2"], decisions.reject))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes)[0] == "done" and outcomes.count("done") == 1, outcomes
    assert set(outcomes) - {"done"} <= {"error.decisions.not_pending", "error.decisions.changed_meanwhile"}
    assert counts(engine) == (1, 1, 2)


def test_pure_transition_rules():
    from domain import decision_rules as rules
    assert rules.can_move(PENDING, APPROVED) and rules.can_move(PENDING, REJECTED) and rules.can_move(APPROVED, REVOKED)
    assert not any(rules.can_move(final, target) for final in (REJECTED, REVOKED)
                   for target in (PENDING, APPROVED, REJECTED, REVOKED))
    assert not rules.can_move(PENDING, REVOKED) and not rules.can_move(APPROVED, REJECTED)
    assert (rules.source_status(APPROVED), rules.source_status(REJECTED), rules.source_status(REVOKED)) == (
        PENDING, PENDING, APPROVED)
    with pytest.raises(ValueError):
        rules.source_status(PENDING)
    assert rules.four_eyes_ok(proposer_id=1, approver_id=2) and not rules.four_eyes_ok(proposer_id=3, approver_id=3)
    assert rules.needs_amount("reward") and not rules.needs_amount("warning") and rules.needs_months("salary_suspension")
