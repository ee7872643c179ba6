"""Recording a collection action: each bad input is refused before anything is written; a good one writes
exactly one action and one audit row, and the method figures move by exactly its amount."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from components.i18n import catalogs
from data import methods
from data.actions import NOTE_MAX_CHARS, record_action
from data.db import transaction
from data.errors import ValidationError
from data.models import AuditLog, CollectionAction
from data.users import actor_of
from domain import method_figures as mf
from domain.scope import Scope
from tests import factory as f

D = dt.date
TODAY = D(2025, 3, 31)
NOTE = "Paid at the village office'); DROP TABLE loan; -- <script>alert('x')</script> <b>bold</b>  "


@pytest.fixture
def book(engine):
    """Coop A: LA1 (originated by Ana, open assignment to Ari), LA2 (Ana, not assigned). Coop B: LB1 (Bo).

    Latest balances: LA1 1000 (February was 1200), LA2 500, LB1 300. LA1 issued 2024-01-01.
    """
    with transaction(engine) as s:
        a, b = f.cooperative(s, "A"), f.cooperative(s, "B")
        ana, ari, bo = f.officer(s, a, "Ana"), f.officer(s, a, "Ari"), f.officer(s, b, "Bo")
        la1 = f.loan(s, a, ana, D(2024, 1, 1), contract="LA1")
        la2 = f.loan(s, a, ana, D(2024, 6, 1), contract="LA2")
        lb1 = f.loan(s, b, bo, D(2024, 1, 1), contract="LB1")
        f.month_row(s, la1, D(2025, 2, 1), 1200, "substandard")
        f.month_row(s, la1, D(2025, 3, 1), 1000, "substandard")
        f.month_row(s, la2, D(2025, 3, 1), 500, "doubtful")
        f.month_row(s, lb1, D(2025, 3, 1), 300, "loss")
        s.flush()
        open_one = f.assignment(s, la1, ari, D(2025, 1, 15), 800, D(2025, 12, 31))
        users = {
            "supervisor": f.user(s, "sup", "supervisor"),
            "sup_a": f.user(s, "sup_a", "supervisor", cooperative_id=a.id),
            "ana": f.user(s, "ana", "officer", cooperative_id=a.id, officer_id=ana.id),
            "ari": f.user(s, "ari", "officer", cooperative_id=a.id, officer_id=ari.id),
            "director": f.user(s, "boss", "director"),
            "auditor": f.user(s, "aud", "auditor"),
        }
        actors = {name: actor_of(u) for name, u in users.items()}
    return engine, actors, {"ana": ana.id, "ari": ari.id, "assignment": open_one.id, "A": a.id}


def good(**changes):
    values = dict(contract_no="LA1", method="direct", action_date=D(2025, 3, 20), recovered_cents=250,
                  cost_cents=40, outcome="paid_partial", village_source=None, note=NOTE, today=TODAY)
    values.update(changes)
    return values


def counts(engine) -> tuple[int, int]:
    with transaction(engine) as s:
        return (s.scalar(select(func.count()).select_from(CollectionAction)),
                s.scalar(select(func.count()).select_from(AuditLog)))


def attempt(engine, actor, **values):
    """Run the command in a transaction that COMMITS even when it is refused: proves nothing was added."""
    with transaction(engine) as s:
        try:
            record_action(s, actor=actor, **values)
        except (ValidationError, PermissionError) as error:
            return error
    return None


def test_good_action_writes_one_row_and_one_audit_row(book):
    engine, actors, ids = book
    before = counts(engine)
    assert attempt(engine, actors["supervisor"], **good()) is None
    assert counts(engine) == (before[0] + 1, before[1] + 1)
    with transaction(engine) as s:
        row = s.scalars(select(CollectionAction)).one()
        audit = s.scalars(select(AuditLog)).one()
        # booked to the open assignment's officer (Ari), not the originator (Ana)
        assert (row.officer_id, row.assignment_id) == (ids["ari"], ids["assignment"])
        assert (row.recovered_cents, row.cost_cents, row.method, row.outcome) == (250, 40, "direct", "paid_partial")
        assert row.note == NOTE  # exactly as typed: SQL and HTML stay plain text, trailing spaces kept
        assert (audit.action, audit.entity, audit.entity_id, audit.username) == (
            "collection_action.create", "collection_action", str(row.id), "sup")
        assert json.loads(audit.after)["recovered_cents"] == 250
        assert audit.before is None


def test_boundaries_are_accepted(book):
    engine, actors, _ = book
    # the whole latest balance, a 2000-character note, today's date, the loan's issue date, a zero-cost visit
    assert attempt(engine, actors["supervisor"], **good(recovered_cents=1000, outcome="paid_full",
                                                           note="x" * NOTE_MAX_CHARS, action_date=TODAY)) is None
    assert attempt(engine, actors["supervisor"], **good(recovered_cents=0, cost_cents=0, outcome="no_result",
                                                           action_date=D(2024, 1, 1), note="")) is None
    assert attempt(engine, actors["supervisor"], **good(method="village", village_source="collective_property")) is None
    assert counts(engine) == (3, 3)


BAD_INPUTS = [
    ("unknown contract", dict(contract_no="NOPE"), "contract_no", "error.methods.contract_not_found"),
    ("blank contract", dict(contract_no="   "), "contract_no", "error.methods.contract_not_found"),
    ("unknown method", dict(method="bribery"), "method", "error.methods.unknown_method"),
    ("unknown outcome", dict(outcome="maybe"), "outcome", "error.methods.unknown_outcome"),
    ("village without source", dict(method="village"), "village_source", "error.methods.village_source_required"),
    ("village, bad source", dict(method="village", village_source="lottery"), "village_source",
     "error.methods.village_source_required"),
    ("source on direct", dict(village_source="subsidy"), "village_source", "error.methods.village_source_forbidden"),
    ("future date", dict(action_date=D(2025, 4, 1)), "action_date", "error.methods.date_in_future"),
    ("before issue", dict(action_date=D(2023, 12, 31)), "action_date", "error.methods.date_before_issue"),
    ("no date", dict(action_date=None), "action_date", "error.methods.date_required"),
    ("negative amount", dict(recovered_cents=-1), "recovered_cents", "error.methods.negative"),
    ("fractional amount", dict(recovered_cents=12.5), "recovered_cents", "error.methods.amount_not_whole"),
    ("above latest balance", dict(recovered_cents=1001), "recovered_cents", "error.methods.above_balance"),
    ("negative cost", dict(cost_cents=-5), "cost_cents", "error.methods.negative"),
    ("note too long", dict(note="x" * (NOTE_MAX_CHARS + 1)), "note", "error.methods.note_too_long"),
    ("paid with nothing", dict(recovered_cents=0, outcome="paid_full"), "outcome",
     "error.methods.paid_without_amount"),
    ("money but no result", dict(outcome="no_result"), "outcome", "error.methods.amount_without_payment"),
]


@pytest.mark.parametrize("case, changes, field, key", BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_is_refused_and_nothing_written(book, case, changes, field, key):
    engine, actors, _ = book
    before = counts(engine)
    error = attempt(engine, actors["supervisor"], **good(**changes))
    assert isinstance(error, ValidationError), case
    assert (error.field, error.key) == (field, key)
    assert counts(engine) == before
    # the message exists in both languages and fills its placeholders
    for lang in ("en", "es"):
        assert catalogs()[lang][key].format(**error.params)


def test_above_balance_message_names_the_balance(book):
    engine, actors, _ = book
    error = attempt(engine, actors["supervisor"], **good(recovered_cents=1001))
    assert error.params["balance_cents"] == 1000  # the latest month, not February's 1200


def test_scope_and_roles(book):
    engine, actors, ids = book
    before = counts(engine)
    # refused like a contract that does not exist (tests/security/test_action_oracle.py)
    out_of_scope = attempt(engine, actors["sup_a"], **good(contract_no="LB1", recovered_cents=100))
    assert (out_of_scope.field, out_of_scope.key) == ("contract_no", "error.methods.contract_not_found")
    # Ana originated LA1 but it is assigned to Ari now: not hers to record on
    not_hers = attempt(engine, actors["ana"], **good())
    assert (not_hers.field, not_hers.key) == ("contract_no", "error.methods.contract_not_found")
    assert isinstance(attempt(engine, actors["director"], **good()), PermissionError)
    assert isinstance(attempt(engine, actors["auditor"], **good()), PermissionError)
    assert counts(engine) == before
    # Ari records on the loan assigned to her; Ana on LA2, which she granted and nobody else holds
    assert attempt(engine, actors["ari"], **good()) is None
    assert attempt(engine, actors["ana"], **good(contract_no="LA2", recovered_cents=500, outcome="paid_full")) is None
    assert attempt(engine, actors["sup_a"], **good(contract_no=" LA2 ", recovered_cents=0, outcome="promise")) is None
    assert counts(engine) == (before[0] + 3, before[1] + 3)


def test_recorded_action_moves_the_method_figures_by_its_amount(book):
    engine, actors, _ = book
    period = dict(scope=Scope.union(), first_day=D(2025, 3, 1), last_day=D(2025, 3, 31))

    def figures():
        with transaction(engine) as s:
            sums = methods.method_figures(s, **period)
            per_loan = methods.first_recovery_days(s, **period)
        return mf.method_table(sums, per_loan).set_index("method")

    attempt(engine, actors["supervisor"], **good(method="legal", recovered_cents=100, cost_cents=10,
                                                 action_date=D(2025, 3, 5)))
    before = figures()
    assert attempt(engine, actors["supervisor"], **good(method="legal", recovered_cents=321, cost_cents=7)) is None
    after = figures()
    assert after.loc["legal", "recovered_cents"] - before.loc["legal", "recovered_cents"] == 321
    assert after.loc["legal", "cost_cents"] - before.loc["legal", "cost_cents"] == 7
    assert after.loc["legal", "actions"] - before.loc["legal", "actions"] == 1
    assert (after.drop(index="legal").recovered_cents == before.drop(index="legal").recovered_cents).all()
