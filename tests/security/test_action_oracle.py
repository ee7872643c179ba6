"""No existence oracle in the forms that look a record up by an identifier the user types or sends.

A user told "no such loan" for one contract number and "not assigned to you" / "outside your scope" for
another learns which contracts exist elsewhere in the union. Every command refuses an identifier outside
the actor's reach exactly like one that does not exist: same exception, same field, same message key, and
parameters that hold only what the user typed; and it writes nothing (the session is committed after the
refusal, so a command that wrote before checking would be caught).
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from components.i18n import catalogs
from data import actions, asset_commands, assignments, decisions, reviews
from data.db import transaction
from data.errors import ValidationError
from data.models import (Assignment, AuditLog, CollectionAction, Decision, ForeclosedAsset, Loan, Review)
from data.users import actor_of
from tests import factory as f
from tests.apptest_support import page
from tests.test_assets_data import asset

D = dt.date
TODAY = D(2025, 3, 31)
MISSING_ID = 987_654


@pytest.fixture
def union(engine):
    """Cooperative A (officers Ana and Ari; LA1 granted by Ana, now assigned to Ari; LA2 Ana's) and B (Bo, LB1,
    its open assignment, its held asset and a pending decision about Bo). Users: sup_a (supervisor of A),
    dir_a (director of A), ana (officer of A), and a union supervisor who proposed the decision."""
    with transaction(engine) as s:
        a, b = f.cooperative(s, "A"), f.cooperative(s, "B")
        ana, ari, bo = f.officer(s, a, "Ana"), f.officer(s, a, "Ari"), f.officer(s, b, "Bo")
        la1 = f.loan(s, a, ana, D(2024, 1, 1), contract="LA1")
        la2 = f.loan(s, a, ana, D(2024, 1, 1), contract="LA2")
        lb1 = f.loan(s, b, bo, D(2024, 1, 1), contract="LB1")
        for ln in (la1, la2, lb1):
            f.month_row(s, ln, D(2025, 3, 1), 5000, "doubtful", dpd=200)
        s.flush()
        f.assignment(s, la1, ari, D(2025, 1, 15), 800, D(2025, 12, 31))
        lb1_open = f.assignment(s, lb1, bo, D(2025, 1, 15), 800, D(2025, 12, 31))
        held_b = asset(s, lb1, "vehicle", D(2025, 1, 1), 3000)
        users = {"sup_a": f.user(s, "sup_a", "supervisor", cooperative_id=a.id),
                 "dir_a": f.user(s, "dir_a", "director", cooperative_id=a.id),
                 "ana": f.user(s, "ana", "officer", cooperative_id=a.id, officer_id=ana.id),
                 "sup": f.user(s, "sup", "supervisor")}
        actors = {name: actor_of(u) for name, u in users.items()}
        pending_b = decisions.propose(s, actor=actors["sup"], officer_id=bo.id, kind="warning", reason="late",
                                      effective_on=TODAY, today=TODAY)
        ids = {"LA2": la2.id, "LB1": lb1.id, "bo": bo.id, "ari": ari.id, "asset_b": held_b.id,
               "assignment_b": lb1_open.id, "decision_b": pending_b.id}
    return engine, actors, ids


def footprint(engine) -> tuple[int, ...]:
    """Row counts of everything these commands write, and the asset rows' state."""
    with transaction(engine) as s:
        counts = tuple(int(s.scalar(select(func.count()).select_from(m)))
                       for m in (CollectionAction, AuditLog, Assignment, Decision, Review, ForeclosedAsset))
        assets = tuple(s.execute(select(ForeclosedAsset.id, ForeclosedAsset.status, ForeclosedAsset.appraisal_cents)
                                 .order_by(ForeclosedAsset.id)).all())
    return counts + (assets,)


def refusal(engine, command, **arguments) -> tuple:
    """Run a command that must be refused, commit the session anyway, and return what the user would see."""
    before = footprint(engine)
    with transaction(engine) as s:
        with pytest.raises((ValidationError, PermissionError)) as caught:
            command(s, **arguments)
        assert not s.new and not s.dirty and not s.deleted
    assert footprint(engine) == before, "a refused command wrote something"
    error = caught.value
    if not isinstance(error, ValidationError):
        return (type(error).__name__,)
    texts = tuple(catalogs()[lang][error.key].format(**error.params) for lang in ("en", "es"))
    return type(error).__name__, error.field, error.key, error.params, texts


def action(contract: str) -> dict:
    return dict(contract_no=contract, method="direct", action_date=D(2025, 3, 20), recovered_cents=100,
                cost_cents=0, outcome="paid_partial", today=TODAY)


# --- the collection-action command ------------------------------------------------------------------------------------
def test_supervisor_cannot_tell_another_cooperatives_contract_from_a_missing_one(union):
    engine, actors, _ = union
    other = refusal(engine, actions.record_action, actor=actors["sup_a"], **action("LB1"))
    missing = refusal(engine, actions.record_action, actor=actors["sup_a"], **action("LB9"))
    assert other[:3] == missing[:3] == ("ValidationError", "contract_no", other[2])
    # the message differs only by echoing what was typed
    assert other[3] == {"contract": "LB1"} and missing[3] == {"contract": "LB9"}
    assert other[4] == tuple(text.replace("LB9", "LB1") for text in missing[4])


@pytest.mark.parametrize("contract", ["LA1", "LB1"], ids=["colleague's loan", "other cooperative's loan"])
def test_officer_cannot_tell_a_loan_they_do_not_answer_for_from_a_missing_one(union, contract):
    engine, actors, _ = union
    refused = refusal(engine, actions.record_action, actor=actors["ana"], **action(contract))
    missing = refusal(engine, actions.record_action, actor=actors["ana"], **action("ZZ9"))
    assert refused[:3] == missing[:3] and refused[3] == {"contract": contract}
    assert refused[4] == tuple(text.replace("ZZ9", contract) for text in missing[4])


def test_blank_and_padded_contracts_get_the_same_message(union):
    engine, actors, _ = union
    blank = refusal(engine, actions.record_action, actor=actors["sup_a"], **action("   "))
    padded = refusal(engine, actions.record_action, actor=actors["sup_a"], **action("  LB1 "))
    assert blank[:3] == padded[:3] and padded[3] == {"contract": "LB1"}


def test_the_form_shows_identical_errors_and_writes_nothing(private_demo_engine):
    """On the methods page, supervisor_c1 types another cooperative's contract, then one that does not exist."""
    from data.models import AppUser

    with transaction(private_demo_engine) as s:
        own = s.scalar(select(AppUser.cooperative_id).where(AppUser.username == "supervisor_c1"))
        foreign = s.scalar(select(Loan.contract_no).where(Loan.cooperative_id != own).order_by(Loan.id).limit(1))
    shown = {}
    for label, contract in (("foreign", foreign), ("missing", "NO-SUCH-CONTRACT")):
        before = footprint(private_demo_engine)
        at = page("methods", username="supervisor_c1", state={"methods.section": "record"})
        at.text_input(key="methods.action.contract").set_value(contract)
        at.number_input(key="methods.action.amount").set_value(1.0)
        at = at.button(key="methods.action.submit").click().run()
        assert not at.exception
        shown[label] = [e.value.replace(contract, "<typed>") for e in at.error]
        assert footprint(private_demo_engine) == before
    assert shown["foreign"] == shown["missing"] and len(shown["missing"]) == 1


# --- the other commands that look a record up by id -------------------------------------------------------------------
def test_asset_of_another_cooperative_is_refused_like_a_missing_asset(union):
    engine, actors, ids = union
    for command, extra in ((asset_commands.record_appraisal, dict(amount_cents=10, appraised_on=TODAY, today=TODAY)),
                           (asset_commands.change_status, dict(status="in_disposal")),
                           (asset_commands.record_disposal, dict(method="sale", disposed_on=TODAY, proceeds_cents=1,
                                                                 today=TODAY))):
        other = refusal(engine, command, actor=actors["sup_a"], asset_id=ids["asset_b"], **extra)
        missing = refusal(engine, command, actor=actors["sup_a"], asset_id=MISSING_ID, **extra)
        assert other == missing and other[0] == "ValidationError", command.__name__


def test_assignment_forms_refuse_foreign_and_missing_ids_alike(union):
    engine, actors, ids = union
    terms = dict(target_cents=100, deadline=D(2025, 12, 31), today=TODAY)
    sup_a = actors["sup_a"]
    assert (refusal(engine, assignments.create, actor=sup_a, loan_id=ids["LB1"], officer_id=ids["ari"], **terms)
            == refusal(engine, assignments.create, actor=sup_a, loan_id=MISSING_ID, officer_id=ids["ari"], **terms))
    assert (refusal(engine, assignments.create, actor=sup_a, loan_id=ids["LA2"], officer_id=ids["bo"], **terms)
            == refusal(engine, assignments.create, actor=sup_a, loan_id=ids["LA2"], officer_id=MISSING_ID, **terms))
    assert (refusal(engine, assignments.reassign, actor=sup_a, assignment_id=ids["assignment_b"],
                    officer_id=ids["ari"], **terms)
            == refusal(engine, assignments.reassign, actor=sup_a, assignment_id=MISSING_ID, officer_id=ids["ari"],
                       **terms))


def test_decision_and_review_forms_refuse_foreign_and_missing_ids_alike(union):
    engine, actors, ids = union
    proposal = dict(kind="warning", reason="late", effective_on=TODAY, today=TODAY)
    assert (refusal(engine, decisions.propose, actor=actors["sup_a"], officer_id=ids["bo"], **proposal)
            == refusal(engine, decisions.propose, actor=actors["sup_a"], officer_id=MISSING_ID, **proposal))
    review = dict(period_start=D(2025, 1, 1), period_end=D(2025, 3, 1), rating="good", findings="ok", today=TODAY)
    assert (refusal(engine, reviews.create, actor=actors["sup_a"], officer_id=ids["bo"], **review)
            == refusal(engine, reviews.create, actor=actors["sup_a"], officer_id=MISSING_ID, **review))
    for command in (decisions.approve, decisions.reject):
        assert (refusal(engine, command, actor=actors["dir_a"], decision_id=ids["decision_b"], comment="ok")
                == refusal(engine, command, actor=actors["dir_a"], decision_id=MISSING_ID, comment="ok"))
    assert (refusal(engine, decisions.revoke, actor=actors["dir_a"], decision_id=ids["decision_b"], reason="x")
            == refusal(engine, decisions.revoke, actor=actors["dir_a"], decision_id=MISSING_ID, reason="x"))
