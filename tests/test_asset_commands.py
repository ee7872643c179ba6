"""Commands on foreclosed assets: each bad input is refused with its reason and writes nothing;
each good one writes exactly one change and one audit row (and a disposal its recovery)."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from data import asset_commands as commands
from data import recoveries
from data import settings as settings_store
from data.db import transaction
from data.errors import ValidationError
from data.models import AuditLog, CollectionAction, ForeclosedAsset
from domain.scope import Actor, Scope
from domain.settings import Settings
from tests import factory as f
from tests.test_assets_data import asset

TODAY = dt.date(2026, 6, 15)
D = dt.date


@pytest.fixture
def book(engine):
    """Cooperatives A and B; loan LA (A) with an open assignment to Carla, loan LB (B) with none.

    held: H (A, building acquired 2025-01-10, book 50000, appraised 40000 on 2025-03-01, pending)
          HB (B, vehicle acquired 2025-09-01, book 3000, pending)
    disposed: X (A, machinery, sold 2026-01-05 for 700)
    """
    with transaction(engine) as s:
        settings_store.seed(s, Settings())
        a, b = f.cooperative(s, "A"), f.cooperative(s, "B")
        origin, carla, bo = f.officer(s, a, "Ana"), f.officer(s, a, "Carla"), f.officer(s, b, "Bo")
        la, lb = f.loan(s, a, origin, D(2020, 1, 1), contract="LA"), f.loan(s, b, bo, D(2020, 1, 1), contract="LB")
        open_assignment = f.assignment(s, la, carla, D(2025, 1, 1), 10_000, D(2026, 12, 31))
        f.month_row(s, la, D(2024, 12, 1), 60_000, "substandard", dpd=120)
        f.month_row(s, la, D(2025, 12, 1), 30_000, "doubtful", dpd=300)
        f.month_row(s, la, D(2026, 1, 1), 5_000, "doubtful", dpd=330)  # January's tape already shows a disposal
        held = asset(s, la, "building", D(2025, 1, 10), 50000, appraisal=40000)
        held.appraised_on = D(2025, 3, 1)
        held_b = asset(s, lb, "vehicle", D(2025, 9, 1), 3000)
        gone = asset(s, la, "machinery", D(2025, 2, 1), 900, status="disposed", method="sale",
                     disposed=D(2026, 1, 5), proceeds=700)
        users = {role: f.user(s, role, role, cooperative_id=coop)
                 for role, coop in (("supervisor", None), ("director", None), ("auditor", None))}
        users["supervisor_a"] = f.user(s, "supervisor_a", "supervisor", cooperative_id=a.id)
        users["officer"] = f.user(s, "officer", "officer", cooperative_id=a.id, officer_id=carla.id)
        actors = {name: Actor(user_id=u.id, username=u.username, role=u.role,
                              scope=Scope(cooperative_ids=None if u.cooperative_id is None
                                          else frozenset({u.cooperative_id})))
                  for name, u in users.items()}
        ids = {"H": held.id, "HB": held_b.id, "X": gone.id, "A": a.id, "B": b.id, "carla": carla.id,
               "origin": origin.id, "assignment": open_assignment.id, "LA": la.id}
    return engine, ids, actors


def state(engine) -> tuple:
    """Everything a command could touch: the asset rows, the recovery count and the audit count."""
    with transaction(engine) as s:
        assets = s.execute(select(ForeclosedAsset.id, ForeclosedAsset.status, ForeclosedAsset.appraisal_cents,
                                  ForeclosedAsset.appraised_on, ForeclosedAsset.disposal_method,
                                  ForeclosedAsset.disposed_on, ForeclosedAsset.proceeds_cents)
                           .order_by(ForeclosedAsset.id)).all()
        return (tuple(assets), s.scalar(select(func.count(CollectionAction.id))),
                s.scalar(select(func.count(AuditLog.id))))


def refused(engine, command, error, **kwargs):
    """Run a command that must fail; commit whatever the session holds afterwards, then prove nothing changed.

    Committing after catching the error (instead of rolling back) means a command that wrote before
    validating would be caught here.
    """
    before = state(engine)
    with transaction(engine) as s:
        with pytest.raises(error) as caught:
            command(s, **kwargs)
        assert not s.new and not s.dirty and not s.deleted
    assert state(engine) == before
    return caught.value


def audit_rows(engine) -> list[AuditLog]:
    with transaction(engine) as s:
        return list(s.scalars(select(AuditLog).order_by(AuditLog.id)))


# --- appraisal ------------------------------------------------------------------------------------
@pytest.mark.parametrize("amount, day, field, key", [
    (-1, D(2026, 6, 1), "amount", "error.asset.amount_negative"),
    (None, D(2026, 6, 1), "amount", "error.asset.amount_required"),
    (1000, D(2026, 6, 16), "appraised_on", "error.asset.date_future"),         # tomorrow
    (1000, D(2025, 1, 9), "appraised_on", "error.asset.date_before_acquisition"),
    (1000, D(2025, 2, 28), "appraised_on", "error.asset.appraisal_older"),      # before the one on file
    (1000, None, "appraised_on", "error.asset.date_required"),
])
def test_appraisal_refuses_bad_input(book, amount, day, field, key):
    engine, ids, actors = book
    error = refused(engine, commands.record_appraisal, ValidationError, actor=actors["supervisor"],
                    asset_id=ids["H"], amount_cents=amount, appraised_on=day, today=TODAY)
    assert (error.field, error.key) == (field, key)


def test_appraisal_refuses_disposed_or_unknown_asset(book):
    engine, ids, actors = book
    error = refused(engine, commands.record_appraisal, ValidationError, actor=actors["supervisor"], asset_id=ids["X"],
                    amount_cents=10, appraised_on=TODAY, today=TODAY)
    assert error.key == "error.asset.already_disposed"
    error = refused(engine, commands.record_appraisal, ValidationError, actor=actors["supervisor"], asset_id=99999,
                    amount_cents=10, appraised_on=TODAY, today=TODAY)
    assert error.key == "error.asset.unknown"


def test_appraisal_writes_one_change_and_one_audit_row(book):
    engine, ids, actors = book
    before = state(engine)
    with transaction(engine) as s:
        commands.record_appraisal(s, actor=actors["supervisor"], asset_id=ids["H"], amount_cents=0,
                                  appraised_on=TODAY, today=TODAY)  # zero and today are allowed
    after = state(engine)
    assert after[1] == before[1] and after[2] == before[2] + 1
    changed = [row for row in after[0] if row not in before[0]]
    assert [(r.id, r.appraisal_cents, r.appraised_on) for r in changed] == [(ids["H"], 0, TODAY)]
    row = audit_rows(engine)[-1]
    assert (row.action, row.entity_id, row.username) == ("asset.appraise", str(ids["H"]), "supervisor")
    assert json.loads(row.before)["appraisal_cents"] == 40000 and json.loads(row.after)["appraisal_cents"] == 0


# --- status ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("status, key", [("disposed", "error.asset.status_invalid"),
                                         ("sold", "error.asset.status_invalid"),
                                         ("pending", "error.asset.status_unchanged")])
def test_status_refuses_bad_change(book, status, key):
    engine, ids, actors = book
    error = refused(engine, commands.change_status, ValidationError, actor=actors["supervisor"], asset_id=ids["H"],
                    status=status)
    assert (error.field, error.key) == ("status", key)


def test_status_goes_to_in_disposal_and_back(book):
    engine, ids, actors = book
    for status in ("in_disposal", "pending"):
        before = state(engine)
        with transaction(engine) as s:
            commands.change_status(s, actor=actors["supervisor"], asset_id=ids["H"], status=status)
        after = state(engine)
        assert after[2] == before[2] + 1
        assert [r.status for r in after[0] if r.id == ids["H"]] == [status]
    assert [r.action for r in audit_rows(engine)] == ["asset.status", "asset.status"]
    error = refused(engine, commands.change_status, ValidationError, actor=actors["supervisor"], asset_id=ids["X"],
                    status="pending")
    assert error.key == "error.asset.already_disposed"


# --- disposal -------------------------------------------------------------------------------------
@pytest.mark.parametrize("method, day, proceeds, field, key", [
    ("barter", D(2026, 6, 1), 100, "method", "error.asset.method_invalid"),
    ("asset_disposal", D(2026, 6, 1), 100, "method", "error.asset.method_invalid"),
    ("sale", D(2025, 1, 9), 100, "disposed_on", "error.asset.date_before_acquisition"),  # day before acquisition
    ("sale", D(2026, 6, 16), 100, "disposed_on", "error.asset.date_future"),
    ("auction", D(2026, 6, 1), -1, "proceeds", "error.asset.amount_negative"),
    ("auction", D(2026, 6, 1), 12.5, "proceeds", "error.asset.amount_required"),
    ("auction", D(2026, 6, 1), None, "proceeds", "error.asset.amount_required"),
])
def test_disposal_refuses_bad_input(book, method, day, proceeds, field, key):
    engine, ids, actors = book
    error = refused(engine, commands.record_disposal, ValidationError, actor=actors["supervisor"], asset_id=ids["H"],
                    method=method, disposed_on=day, proceeds_cents=proceeds, today=TODAY)
    assert (error.field, error.key) == (field, key)


@pytest.mark.parametrize("cost, key", [(-1, "error.disposal.cost_negative"), (12.5, "error.disposal.cost_required"),
                                       (None, "error.disposal.cost_required"),
                                       (10**12, "error.amount_too_large")])
def test_disposal_refuses_a_bad_cost(book, cost, key):
    engine, ids, actors = book
    error = refused(engine, commands.record_disposal, ValidationError, actor=actors["supervisor"], asset_id=ids["H"],
                    method="sale", disposed_on=D(2026, 1, 20), proceeds_cents=100, cost_cents=cost, today=TODAY)
    assert (error.field, error.key) == ("cost", key)


@pytest.mark.parametrize("proceeds, cost, recovered, outcome", [
    (20_000, 1_500, 18_500, "paid_partial"),   # net proceeds, below the balance
    (45_000, 2_000, 30_000, "paid_full"),      # net 43,000 capped at December's balance of 30,000
    (1_000, 1_200, 0, "no_result"),            # the cost ate the proceeds: nothing recovered, never negative
])
def test_disposal_books_net_proceeds_capped_at_the_balance(book, proceeds, cost, recovered, outcome):
    """DOMAIN.md: recovery = cash + net disposal proceeds. The cap is the balance at the last month end
    before the disposal (2025-12: 30,000), not January's, which already shows the disposal."""
    engine, ids, actors = book
    before = state(engine)
    with transaction(engine) as s:
        commands.record_disposal(s, actor=actors["supervisor"], asset_id=ids["H"], method="sale",
                                 disposed_on=D(2026, 1, 20), proceeds_cents=proceeds, cost_cents=cost, today=TODAY)
    after = state(engine)
    assert after[1] == before[1] + 1 and after[2] == before[2] + 1  # one recovery, one audit row
    with transaction(engine) as s:
        held = s.get(ForeclosedAsset, ids["H"])
        assert (held.proceeds_cents, held.disposal_cost_cents) == (proceeds, cost)  # gross and cost on the asset
        action = s.scalars(select(CollectionAction).order_by(CollectionAction.id.desc())).first()
        assert (action.recovered_cents, action.cost_cents, action.outcome) == (recovered, 0, outcome)
        assert recoveries.recovered_between(s, scope=Scope.union(), first_day=D(2026, 1, 1),
                                            last_day=D(2026, 1, 31)) == recovered
    row = audit_rows(engine)[-1]
    assert json.loads(row.after)["disposal_cost_cents"] == cost and json.loads(row.after)["recovered_cents"] == recovered


def test_disposal_refuses_an_asset_already_disposed(book):
    engine, ids, actors = book
    error = refused(engine, commands.record_disposal, ValidationError, actor=actors["supervisor"], asset_id=ids["X"],
                    method="sale", disposed_on=D(2026, 6, 1), proceeds_cents=100, today=TODAY)
    assert error.key == "error.asset.already_disposed"


def test_disposal_sets_status_and_books_a_recovery(book):
    engine, ids, actors = book
    before = state(engine)
    with transaction(engine) as s:
        recovered_before = recoveries.recovered_between(s, scope=Scope.union(), first_day=D(2026, 1, 1), last_day=TODAY)
        commands.record_disposal(s, actor=actors["supervisor_a"], asset_id=ids["H"], method="auction",
                                 disposed_on=D(2025, 1, 10), proceeds_cents=45000, today=TODAY)  # acquisition day is ok
    after = state(engine)
    assert after[1] == before[1] + 1 and after[2] == before[2] + 1  # one recovery, one audit row
    assert [(r.status, r.disposal_method, r.disposed_on, r.proceeds_cents) for r in after[0] if r.id == ids["H"]] == [
        ("disposed", "auction", D(2025, 1, 10), 45000)]
    with transaction(engine) as s:
        action = s.scalars(select(CollectionAction).order_by(CollectionAction.id.desc())).first()
        # the recovery belongs to the loan's open assignment (Carla), not the originating officer
        assert (action.loan_id, action.method, action.recovered_cents, action.action_date) == (
            ids["LA"], "asset_disposal", 45000, D(2025, 1, 10))
        assert (action.officer_id, action.assignment_id, action.cooperative_id) == (ids["carla"], ids["assignment"],
                                                                                   ids["A"])
        # recovered in 2025: the disposal's proceeds count as a recovery once
        assert recoveries.recovered_between(s, scope=Scope.union(), first_day=D(2025, 1, 1),
                                            last_day=D(2025, 12, 31)) == 45000
        assert recoveries.recovered_between(s, scope=Scope.union(), first_day=D(2026, 1, 1),
                                            last_day=TODAY) == recovered_before
    row = audit_rows(engine)[-1]
    assert (row.action, row.username) == ("asset.dispose", "supervisor_a")
    assert json.loads(row.after)["collection_action_id"] == action.id and json.loads(row.before)["status"] == "pending"


def test_disposal_with_no_assignment_books_the_originating_officer_and_zero_proceeds(book):
    engine, ids, actors = book
    with transaction(engine) as s:
        commands.record_disposal(s, actor=actors["supervisor"], asset_id=ids["HB"], method="leasing",
                                 disposed_on=TODAY, proceeds_cents=0, today=TODAY)
    with transaction(engine) as s:
        action = s.scalars(select(CollectionAction).order_by(CollectionAction.id.desc())).first()
        assert (action.recovered_cents, action.assignment_id, action.cooperative_id, action.outcome) == (
            0, None, ids["B"], "no_result")


# --- role and scope -------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["director", "auditor", "officer"])
def test_only_supervisors_may_change_assets(book, who):
    engine, ids, actors = book
    refused(engine, commands.record_appraisal, PermissionError, actor=actors[who], asset_id=ids["H"],
            amount_cents=10, appraised_on=TODAY, today=TODAY)
    refused(engine, commands.change_status, PermissionError, actor=actors[who], asset_id=ids["H"],
            status="in_disposal")
    refused(engine, commands.record_disposal, PermissionError, actor=actors[who], asset_id=ids["H"], method="sale",
            disposed_on=TODAY, proceeds_cents=10, today=TODAY)


def test_a_cooperative_supervisor_cannot_touch_another_cooperative(book):
    """Refused like an asset that does not exist (tests/security/test_action_oracle.py checks the sameness)."""
    engine, ids, actors = book
    errors = [
        refused(engine, commands.change_status, ValidationError, actor=actors["supervisor_a"], asset_id=ids["HB"],
                status="in_disposal"),
        refused(engine, commands.record_disposal, ValidationError, actor=actors["supervisor_a"], asset_id=ids["HB"],
                method="sale", disposed_on=TODAY, proceeds_cents=10, today=TODAY),
        refused(engine, commands.record_appraisal, ValidationError, actor=actors["supervisor_a"], asset_id=ids["HB"],
                amount_cents=10, appraised_on=TODAY, today=TODAY)]
    assert {(e.field, e.key) for e in errors} == {("asset", "error.asset.unknown")}
