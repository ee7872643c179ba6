"""Property tests for every command a form calls: hostile input is stored exactly or refused cleanly.

Why: money decisions and the audit trail are kept here, so no typed text may break a write halfway,
be silently changed, or crash with anything but a ValidationError the page can translate. Each property
runs a command on arbitrary input (SQL fragments, HTML/script tags, 10,000-character strings, RTL marks,
zero-width joiners, emoji, amounts from -1e30 to 1e30, dates from year 1 to 9999) and checks:

* refused -> ``data.errors.ValidationError`` only, and every table's row count is unchanged (no partial write);
* accepted -> exactly the expected rows plus ONE audit row, and the stored text reads back equal to the input
  (from a fresh session, i.e. after a real round trip through the database).

Fixture world (hand-made, once per test): cooperatives A and B; officers Ana (A) and Bo (B); loan LA (A, issued
2023-01-01, latest month substandard with balance 1,000,000 cents) with an open assignment of Ana; loan LB (B);
users sup_a (supervisor A), dir_a and dir_a2 (directors A), adm (admin), off (officer Ana).
Each hypothesis example runs its command in its own transaction; examples that need a fresh object (a pending
decision, an unassigned NPL, a held asset) create it first in a separate transaction.
"""
from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.control import currently_in_test_context, event
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import data.users as users_module
from data import actions, asset_commands, assignments, decisions, reviews
from data import settings as settings_data
from data import users
from data.db import transaction
from data.errors import ValidationError
from data.models import (AppUser, Assignment, Base, CollectionAction, Decision, ForeclosedAsset,
                         Review)
from data.passwords import hash_password, verify_password
from data.users import actor_of
from domain.decisions import APPROVED, KINDS, REVIEW_RATINGS
from domain.settings import SETTING_NAMES, parse_setting
from tests import factory as f

TODAY = dt.date.today()
BALANCE = 1_000_000
#: derived tables rebuilt from facts; a settings change may legitimately rebuild them
DERIVED = {"portfolio_month", "class_transition", "watch_month"}

PROPS = settings(max_examples=35, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                        HealthCheck.data_too_large])

HOSTILE = [
    "'; DROP TABLE loan;--",
    "Robert'); DELETE FROM audit_log WHERE 1=1;--",
    "<script>alert(1)</script><b>x</b>",
    "<img src=x onerror=alert(1)>",
    "\u202egnp.exe\u202c right-to-left override",
    "\u200f\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627\u200e",
    "family \U0001F468\u200d\U0001F469\u200d\U0001F467 zero-width\u200djoiner\u200b",
    "money \U0001F4B0\U0001F3E6 \u00a5\u20ac",
    "x" * 10_000,
    "  padded  ",
    "line1\nline2\r\n\ttab",
    "%s %(x)s {0} {x} $1 \\n \\x00",
    "\u4e2d\u6587 \u00f1and\u00fa \u02bb\u014clelo",
    "e\u0301 combining + \ufeffBOM",
]
#: any text but NUL (NUL has its own tests below: PostgreSQL cannot store it in text columns)
_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
free_text = st.one_of(st.sampled_from(HOSTILE), st.text(alphabet=_chars, max_size=300),
                      st.text(alphabet=_chars, min_size=1, max_size=4).map(lambda s: s * 2_600))
recent = st.dates(min_value=dt.date(2024, 1, 2), max_value=TODAY)
amounts = st.one_of(st.integers(min_value=-10**30, max_value=10**30), st.sampled_from([0, -1, 1, 2**63, 2**63 - 1]))
any_date = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
_serial = itertools.count(1)


# ------------------------------------------------------------------------------------------------ helpers
@pytest.fixture
def world(engine, monkeypatch):
    # bcrypt at 12 rounds costs ~0.25 s per user created; the policy, not the cost, is under test here
    monkeypatch.setattr(users_module, "hash_password", lambda password: hash_password(password, rounds=4))
    with transaction(engine) as s:
        a, b = f.cooperative(s, "A"), f.cooperative(s, "B")
        ana, bo = f.officer(s, a, "Ana"), f.officer(s, b, "Bo")
        la = f.loan(s, a, ana, dt.date(2023, 1, 1), contract="LA")
        lb = f.loan(s, b, bo, dt.date(2023, 1, 1), contract="LB")
        f.month_row(s, la, dt.date(2025, 6, 1), BALANCE, "substandard", dpd=120)
        f.month_row(s, lb, dt.date(2025, 6, 1), BALANCE, "substandard", dpd=120)
        open_a = f.assignment(s, la, ana, dt.date(2025, 1, 1), 500, dt.date(2025, 6, 30))
        actors = {name: actor_of(f.user(s, name, role, cooperative_id=coop, officer_id=officer))
                  for name, role, coop, officer in (
                      ("sup_a", "supervisor", a.id, None), ("dir_a", "director", a.id, None),
                      ("dir_a2", "director", a.id, None), ("adm", "admin", None, None),
                      ("off", "officer", a.id, ana.id))}
    ids = {"A": a.id, "B": b.id, "ana": ana.id, "bo": bo.id, "LA": la.id, "LB": lb.id, "open_a": open_a.id}
    return engine, actors, ids


def counts(engine) -> dict[str, int]:
    """Row count of every table (the derived aggregates included, the read cache's table versions apart: every
    commit moves those): the 'nothing written' check."""
    with transaction(engine) as s:
        return {t.name: int(s.scalar(select(func.count()).select_from(t))) for t in Base.metadata.sorted_tables
                if t.name != "table_version"}


def attempt(engine, command, **kwargs):
    """Run a command in its own transaction; return (id of the result or None, refused?).

    Any exception but ValidationError propagates and fails the property.
    """
    before = counts(engine)
    try:
        with transaction(engine) as s:
            result = command(s, **kwargs)
            result_id = getattr(result, "id", None)
    except ValidationError as refusal:
        assert refusal.key.startswith("error."), refusal.key
        assert counts(engine) == before, f"refused ({refusal.key}) but something was written"
        _event(f"refused: {refusal.key}")
        return None, before
    _event("accepted")
    return result_id, before


def _event(text: str) -> None:
    """Label the example for --hypothesis-show-statistics (how many inputs were accepted vs refused)."""
    if currently_in_test_context():
        event(text)


#: the summaries an action write keeps current (data/summaries.py, data/method_summary.py): their rows appear with a
#: loan's or month's first action and are updated in place afterwards, so their counts do not say what was written
ACTION_SUMMARIES = frozenset({"recovery_month", "method_loan_month", "method_month", "method_recovery_days",
                              "method_period", "method_period_days"})


def assert_written(engine, before: dict[str, int], expected: dict[str, int], *, ignore: set[str] = frozenset()):
    """Exactly the expected new rows (table -> delta) and exactly one audit row; nothing else changed."""
    after = counts(engine)
    delta = {name: after[name] - before[name] for name in after if name not in ignore}
    wanted = {name: 0 for name in delta} | expected | {"audit_log": 1}
    assert delta == wanted


def fresh(engine, model, row_id):
    with Session(engine) as s:
        return s.get(model, row_id)


def new_npl_loan(engine, ids) -> int:
    """An unassigned NPL of cooperative A (each assignment example needs its own)."""
    with transaction(engine) as s:
        from data.models import Cooperative, Officer
        coop, ana = s.get(Cooperative, ids["A"]), s.get(Officer, ids["ana"])
        loan = f.loan(s, coop, ana, dt.date(2023, 1, 1))
        f.month_row(s, loan, dt.date(2025, 6, 1), BALANCE, "doubtful", dpd=300)
        return loan.id


def pending_decision(engine, actors, ids) -> int:
    with transaction(engine) as s:
        return decisions.propose(s, actor=actors["sup_a"], officer_id=ids["ana"], kind="warning",
                                 reason="late", effective_on=TODAY).id


def held_asset(engine, ids) -> int:
    with transaction(engine) as s:
        asset = ForeclosedAsset(loan_id=ids["LA"], cooperative_id=ids["A"], asset_type="machinery",
                                description="tractor", on_balance_sheet=True, acquired_on=dt.date(2024, 1, 1),
                                book_value_cents=50_000, status="pending", lease_income_cents=0)
        s.add(asset)
        s.flush()
        return asset.id


# ------------------------------------------------------------------------------------------------ users
@PROPS
@given(username=st.one_of(free_text, st.from_regex(r"[a-z][a-z0-9_.-]{2,39}", fullmatch=True)),
       display_name=free_text, email=st.one_of(st.just(""), st.sampled_from(HOSTILE[:8]),
                                               st.text(alphabet=_chars, max_size=60)),
       role=st.one_of(st.sampled_from(["director", "auditor", "admin", "supervisor"]), free_text))
def test_user_create_stores_exactly_or_refuses(world, username, display_name, email, role):
    engine, actors, ids = world
    cooperative = ids["A"] if role in ("director", "supervisor") else None
    user_id, before = attempt(engine, users.create, actor=actors["adm"], username=username,
                              display_name=display_name, password="Passw0rd-long", role=role,
                              cooperative_id=cooperative, email=email)
    if user_id is None:
        return
    assert_written(engine, before, {"app_user": 1})
    row = fresh(engine, AppUser, user_id)
    # documented normalisation: surrounding blanks are trimmed; nothing else is changed
    assert (row.username, row.display_name, row.email, row.role) == (username.strip(), display_name.strip(),
                                                                     email.strip(), role)
    assert verify_password("Passw0rd-long", row.password_hash)


def test_user_create_refuses_overlong_email_instead_of_truncating(world):
    engine, actors, _ = world
    user_id, _ = attempt(engine, users.create, actor=actors["adm"], username="longmail", display_name="L",
                         password="Passw0rd-long", role="auditor", cooperative_id=None, email="a" * 250 + "@x.org")
    assert user_id is None or fresh(engine, AppUser, user_id).email == "a" * 250 + "@x.org"


@PROPS
@given(password=st.one_of(free_text, st.text(alphabet=_chars, min_size=8, max_size=80)))
def test_reset_password_sets_exactly_that_password_or_refuses(world, password):
    engine, actors, _ = world
    with transaction(engine) as s:
        target = f.user(s, f"user{next(_serial)}", "auditor").id
    before = counts(engine)
    try:
        with transaction(engine) as s:
            users.reset_password(s, actor=actors["adm"], user_id=target, password=password)
    except ValidationError as refusal:
        assert refusal.field == "password"
        assert counts(engine) == before
        return
    assert_written(engine, before, {})
    assert verify_password(password, fresh(engine, AppUser, target).password_hash)


@PROPS
@given(role=st.one_of(st.sampled_from(["director", "auditor", "supervisor", "officer", "admin"]), free_text),
       cooperative=st.sampled_from([None, "A", "B", 999_999]), officer=st.sampled_from([None, "ana", "bo", 999_999]),
       active=st.booleans())
def test_user_update_stores_exactly_or_refuses(world, role, cooperative, officer, active):
    engine, actors, ids = world
    with transaction(engine) as s:
        target = f.user(s, f"user{next(_serial)}", "auditor").id
    coop_id = ids.get(cooperative, cooperative)
    officer_id = ids.get(officer, officer)
    before = counts(engine)
    try:
        with transaction(engine) as s:
            users.update(s, actor=actors["adm"], user_id=target, role=role, cooperative_id=coop_id,
                         officer_id=officer_id, active=active)
    except ValidationError:
        assert counts(engine) == before
        return
    changed = (role, coop_id, officer_id, active) != ("auditor", None, None, True)
    assert_written(engine, before, {}) if changed else None
    row = fresh(engine, AppUser, target)
    assert (row.role, row.cooperative_id, row.officer_id, row.active) == (role, coop_id, officer_id, active)


# ------------------------------------------------------------------------------------------------ settings
@PROPS
@given(name=st.sampled_from(SETTING_NAMES),
       raw=st.one_of(free_text, st.integers(min_value=-10**20, max_value=10**20).map(str),
                     st.floats(allow_nan=True, allow_infinity=True).map(str), any_date.map(dt.date.isoformat),
                     st.sampled_from(["0000-01-01", "2025-02-30", "1e309", "nan", "-0", "\u0663", " 7 ", "¥"])))
def test_settings_update_stores_exactly_or_refuses(world, name, raw):
    engine, actors, _ = world
    with transaction(engine) as s:
        old = settings_data.get(s)
    _, before = attempt(engine, settings_data.update, actor=actors["adm"], changes={name: raw})
    after = counts(engine)
    with transaction(engine) as s:
        now_in_force = settings_data.get(s)
    if after == before:  # refused, or the same value again (no change, no audit row)
        assert now_in_force == old
        return
    assert after["audit_log"] == before["audit_log"] + 1
    assert getattr(now_in_force, name) == parse_setting(name, raw.strip())
    now_in_force.validate()


def test_settings_update_refuses_unknown_name(world):
    engine, actors, _ = world
    assert attempt(engine, settings_data.update, actor=actors["adm"],
                   changes={"'; DROP TABLE setting;--": "1"})[0] is None


# ------------------------------------------------------------------------------------------------ assignments
@PROPS
@given(target=st.one_of(amounts, st.integers(min_value=1, max_value=BALANCE)),
       deadline=st.one_of(any_date, st.dates(min_value=TODAY, max_value=dt.date(2030, 12, 31))),
       assigned_back=st.integers(min_value=-4000, max_value=30))
def test_assign_stores_exactly_or_refuses(world, target, deadline, assigned_back):
    engine, actors, ids = world
    loan_id = new_npl_loan(engine, ids)
    assigned_on = TODAY - dt.timedelta(days=assigned_back)
    row_id, before = attempt(engine, assignments.create, actor=actors["sup_a"], loan_id=loan_id,
                             officer_id=ids["ana"], target_cents=target, deadline=deadline, assigned_on=assigned_on)
    if row_id is None:
        return
    assert 0 < target <= BALANCE and deadline > assigned_on <= TODAY
    assert_written(engine, before, {"assignment": 1})
    row = fresh(engine, Assignment, row_id)
    assert (row.target_cents, row.deadline, row.assigned_on, row.outcome) == (target, deadline, assigned_on, "open")


@PROPS
@given(target=st.one_of(amounts, st.integers(min_value=1, max_value=BALANCE)),
       deadline=st.one_of(any_date, st.dates(min_value=TODAY + dt.timedelta(days=1), max_value=dt.date(2030, 12, 31))),
       officer=st.sampled_from(["ana", "ana", "bo", 999_999, None]))
def test_reassign_stores_exactly_or_refuses(world, target, deadline, officer):
    engine, actors, ids = world
    loan_id = new_npl_loan(engine, ids)
    with transaction(engine) as s:
        from data.models import Cooperative
        other = f.officer(s, s.get(Cooperative, ids["A"]), f"Other {next(_serial)}")
        old_id = assignments.create(s, actor=actors["sup_a"], loan_id=loan_id, officer_id=other.id,
                                    target_cents=100, deadline=TODAY + dt.timedelta(days=30),
                                    assigned_on=TODAY - dt.timedelta(days=10)).id
    new_id, before = attempt(engine, assignments.reassign, actor=actors["sup_a"], assignment_id=old_id,
                             officer_id=ids.get(officer, officer), target_cents=target, deadline=deadline)
    if new_id is None:
        assert fresh(engine, Assignment, old_id).outcome == "open"
        return
    assert_written(engine, before, {"assignment": 1})
    new, old = fresh(engine, Assignment, new_id), fresh(engine, Assignment, old_id)
    assert (new.target_cents, new.deadline, new.previous_assignment_id) == (target, deadline, old_id)
    assert old.outcome == "reassigned"


# ------------------------------------------------------------------------------------------------ actions
@PROPS
@given(note=free_text, recovered=st.integers(min_value=0, max_value=BALANCE))
def test_record_action_stores_note_exactly_or_refuses(world, note, recovered):
    engine, actors, _ = world
    row_id, before = attempt(engine, actions.record_action, actor=actors["sup_a"], contract_no="LA",
                             method="direct", action_date=TODAY, recovered_cents=recovered, cost_cents=0,
                             outcome="paid_partial" if recovered else "no_result", note=note)
    if row_id is None:
        assert len(note) > actions.NOTE_MAX_CHARS
        return
    assert_written(engine, before, {"collection_action": 1}, ignore=ACTION_SUMMARIES)
    row = fresh(engine, CollectionAction, row_id)
    assert (row.note, row.recovered_cents) == (note, recovered)


@PROPS
@given(note=free_text, recovered=amounts, cost=st.integers(min_value=-10**6, max_value=10**12),
       action_date=st.one_of(any_date, recent), contract=st.sampled_from(["LA", "LB", " LA ", "la", HOSTILE[0], ""]),
       method=st.one_of(st.sampled_from(["direct", "legal", "village"]), free_text),
       outcome=st.sampled_from(["paid_partial", "paid_full", "promise", "no_result", "<b>x</b>"]))
def test_record_action_fields_store_exactly_or_refuse(world, note, recovered, cost, action_date, contract, method,
                                                 outcome):
    engine, actors, _ = world
    row_id, before = attempt(engine, actions.record_action, actor=actors["sup_a"], contract_no=contract,
                             method=method, action_date=action_date, recovered_cents=recovered, cost_cents=cost,
                             outcome=outcome, village_source="village_funds" if method == "village" else None,
                             note=note)
    if row_id is None:
        return
    assert contract.strip() == "LA" and 0 <= recovered <= BALANCE and action_date <= TODAY
    assert_written(engine, before, {"collection_action": 1}, ignore=ACTION_SUMMARIES)
    row = fresh(engine, CollectionAction, row_id)
    assert (row.note, row.recovered_cents, row.cost_cents, row.action_date, row.method) == (
        note, recovered, cost, action_date, method)


def test_record_action_refuses_absurd_cost_cleanly(world):
    engine, actors, _ = world
    attempt(engine, actions.record_action, actor=actors["sup_a"], contract_no="LA", method="direct",
            action_date=TODAY, recovered_cents=0, cost_cents=10**19, outcome="no_result", note="")


# ------------------------------------------------------------------------------------------------ assets
@PROPS
@given(amount=st.integers(min_value=-10**18, max_value=9 * 10**18), day=st.one_of(any_date, recent))
def test_record_appraisal_stores_exactly_or_refuses(world, amount, day):
    engine, actors, ids = world
    asset_id = held_asset(engine, ids)
    _, before = attempt(engine, asset_commands.record_appraisal, actor=actors["sup_a"], asset_id=asset_id,
                        amount_cents=amount, appraised_on=day)
    if counts(engine) == before:
        return
    assert_written(engine, before, {})
    row = fresh(engine, ForeclosedAsset, asset_id)
    assert (row.appraisal_cents, row.appraised_on) == (amount, day)


@PROPS
@given(status=st.one_of(st.sampled_from(["pending", "in_disposal", "disposed"]), free_text),
       method=st.one_of(st.sampled_from(["sale", "auction", "leasing"]), free_text),
       proceeds=st.integers(min_value=-10**18, max_value=9 * 10**18), day=st.one_of(any_date, recent))
def test_asset_status_and_disposal_store_exactly_or_refuse(world, status, method, proceeds, day):
    engine, actors, ids = world
    asset_id = held_asset(engine, ids)
    _, before = attempt(engine, asset_commands.change_status, actor=actors["sup_a"], asset_id=asset_id,
                        status=status)
    if counts(engine) != before:
        assert_written(engine, before, {})
        assert fresh(engine, ForeclosedAsset, asset_id).status == status
    _, before = attempt(engine, asset_commands.record_disposal, actor=actors["sup_a"], asset_id=asset_id,
                        method=method, disposed_on=day, proceeds_cents=proceeds)
    if counts(engine) == before:
        return
    assert_written(engine, before, {"collection_action": 1}, ignore=ACTION_SUMMARIES)
    row = fresh(engine, ForeclosedAsset, asset_id)
    assert (row.status, row.disposal_method, row.disposed_on, row.proceeds_cents) == ("disposed", method, day,
                                                                                      proceeds)


def test_record_appraisal_refuses_absurd_amount_cleanly(world):
    engine, actors, ids = world
    attempt(engine, asset_commands.record_appraisal, actor=actors["sup_a"], asset_id=held_asset(engine, ids),
            amount_cents=10**19, appraised_on=TODAY)


# ------------------------------------------------------------------------------------------------ reviews
@PROPS
@given(findings=free_text, rating=st.one_of(st.sampled_from(REVIEW_RATINGS), free_text),
       start=any_date, length=st.integers(min_value=-5, max_value=2000))
def test_review_stores_exactly_or_refuses(world, findings, rating, start, length):
    engine, actors, ids = world
    end = start + dt.timedelta(days=length) if dt.date.max - start > dt.timedelta(days=max(length, 0)) else start
    row_id, before = attempt(engine, reviews.create, actor=actors["sup_a"], officer_id=ids["ana"],
                             period_start=start, period_end=end, rating=rating, findings=findings,
                             assignment_ids=[ids["open_a"]])
    if row_id is None:
        return
    assert_written(engine, before, {"review": 1, "review_assignment": 1})
    row = fresh(engine, Review, row_id)
    assert (row.findings, row.rating, row.period_start, row.period_end) == (findings, rating, start, end)


# ------------------------------------------------------------------------------------------------ decisions
@PROPS
@given(reason=free_text)
def test_propose_stores_reason_exactly_or_refuses(world, reason):
    engine, actors, ids = world
    row_id, before = attempt(engine, decisions.propose, actor=actors["sup_a"], officer_id=ids["ana"],
                             kind="warning", reason=reason, effective_on=TODAY)
    if row_id is None:
        assert not reason.strip() or len(reason) > 5000
        return
    assert_written(engine, before, {"decision": 1})
    assert fresh(engine, Decision, row_id).reason == reason


@PROPS
@given(reason=free_text, kind=st.one_of(st.sampled_from(KINDS), free_text),
       amount=st.one_of(st.none(), amounts), months=st.one_of(st.none(), st.integers(min_value=-40, max_value=40)),
       effective=st.one_of(any_date, st.dates(min_value=TODAY - dt.timedelta(days=300),
                                              max_value=TODAY + dt.timedelta(days=300))), officer=st.sampled_from(["ana", "bo", 999_999]))
def test_propose_stores_exactly_or_refuses(world, reason, kind, amount, months, effective, officer):
    engine, actors, ids = world
    row_id, before = attempt(engine, decisions.propose, actor=actors["sup_a"], officer_id=ids.get(officer, officer),
                             kind=kind, reason=reason, effective_on=effective, amount_cents=amount, months=months,
                             assignment_ids=[ids["open_a"]])
    if row_id is None:
        return
    assert officer == "ana" and (amount is None or 0 < amount <= 10**10)
    assert_written(engine, before, {"decision": 1, "decision_assignment": 1})
    row = fresh(engine, Decision, row_id)
    assert (row.reason, row.kind, row.amount_cents, row.months, row.effective_on, row.status) == (
        reason, kind, amount, months, effective, "pending")


@PROPS
@given(comment=free_text, verb=st.sampled_from(["approve", "reject"]))
def test_approve_or_reject_stores_comment_exactly_or_refuses(world, comment, verb):
    engine, actors, ids = world
    decision_id = pending_decision(engine, actors, ids)
    _, before = attempt(engine, getattr(decisions, verb), actor=actors["dir_a"], decision_id=decision_id,
                        comment=comment)
    row = fresh(engine, Decision, decision_id)
    if counts(engine) == before:
        assert row.status == "pending" and row.decision_comment is None
        return
    assert_written(engine, before, {})
    assert (row.status, row.decision_comment) == ({"approve": "approved", "reject": "rejected"}[verb], comment)


@PROPS
@given(reason=free_text)
def test_revoke_stores_reason_exactly_or_refuses(world, reason):
    engine, actors, ids = world
    decision_id = pending_decision(engine, actors, ids)
    with transaction(engine) as s:
        decisions.approve(s, actor=actors["dir_a"], decision_id=decision_id, comment="ok")
    _, before = attempt(engine, decisions.revoke, actor=actors["dir_a2"], decision_id=decision_id, reason=reason)
    row = fresh(engine, Decision, decision_id)
    if counts(engine) == before:
        assert row.status == APPROVED and row.revocation_reason is None
        return
    assert_written(engine, before, {})
    assert (row.status, row.revocation_reason) == ("revoked", reason)


# ------------------------------------------------------------------------------------------------ NUL
NUL_TEXT = "before\x00after"


def _nul_cases():
    """(name, runner) pairs: every free-text field a form writes, given text containing NUL."""
    return {
        "review.findings": lambda engine, actors, ids: attempt(
            engine, reviews.create, actor=actors["sup_a"], officer_id=ids["ana"], period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 3, 31), rating="good", findings=NUL_TEXT),
        "decision.reason": lambda engine, actors, ids: attempt(
            engine, decisions.propose, actor=actors["sup_a"], officer_id=ids["ana"], kind="warning",
            reason=NUL_TEXT, effective_on=TODAY),
        "decision.comment": lambda engine, actors, ids: attempt(
            engine, decisions.approve, actor=actors["dir_a"], decision_id=pending_decision(engine, actors, ids),
            comment=NUL_TEXT),
        "action.note": lambda engine, actors, ids: attempt(
            engine, actions.record_action, actor=actors["sup_a"], contract_no="LA", method="direct",
            action_date=TODAY, recovered_cents=0, cost_cents=0, outcome="no_result", note=NUL_TEXT),
        "user.display_name": lambda engine, actors, ids: attempt(
            engine, users.create, actor=actors["adm"], username="nuluser", display_name=NUL_TEXT,
            password="Passw0rd-long", role="auditor", cooperative_id=None),
    }


@pytest.mark.parametrize("field", sorted(_nul_cases()))
def test_nul_in_text_is_stored_exactly_or_refused(world, field, request):
    """NUL (U+0000) is legal in Python and SQLite text but PostgreSQL refuses it in text columns; the
    validators must refuse it up front rather than let the database raise mid-write."""
    engine, actors, ids = world
    _nul_cases()[field](engine, actors, ids)

