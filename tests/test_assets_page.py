"""The foreclosed assets page with AppTest on the generated demo database: who sees what, and the forms.

Tests that submit forms run on a private copy of the demo database, so the shared one stays untouched.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from components.i18n import translate
from data import asset_commands
from data import assets as reads
from data.db import make_engine, transaction
from data.models import AuditLog, CollectionAction, ForeclosedAsset, Loan
from domain.scope import Scope
from tests.apptest_support import page, texts


def _charts(at) -> int:
    return len(at.get("plotly_chart"))


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("username", ["director", "supervisor", "supervisor_c1", "auditor"])
def test_page_renders_for_every_allowed_role(demo_db_url, username, lang):
    at = page("assets", username=username, lang=lang)
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    shown = texts(at)
    assert translate("nav.assets", lang) in shown
    assert translate("assets.kpi.overdue", lang) in shown and translate("assets.register", lang) in shown
    assert len(at.metric) == 7
    assert at.dataframe, "the register is shown"
    assert len(at.get("download_button")) == 2  # CSV and Excel of the whole register
    if username != "supervisor_c1":  # the union sees held and disposed assets: both charts have data
        assert _charts(at) == 2


@pytest.mark.parametrize("username", ["director", "auditor"])
def test_read_only_roles_get_no_forms(demo_db_url, username):
    at = page("assets", username=username)
    assert translate("assets.forms.read_only", "en") in texts(at)
    assert not at.get("form")
    assert not [b for b in at.button if str(b.key or "").startswith("assets.")]


def test_supervisor_gets_the_three_forms(demo_db_url):
    at = page("assets", username="supervisor")
    assert not at.exception
    assert len(at.get("form")) == 3
    assert translate("assets.forms.read_only", "en") not in texts(at)
    assert at.selectbox(key="assets.form.asset").value is not None


@pytest.mark.parametrize("username", ["officer", "admin"])
def test_forbidden_roles(demo_db_url, username):
    at = page("assets", username=username)
    assert [e.value for e in at.error] == [translate("frame.forbidden", "en")]
    assert not at.metric and not at.dataframe


def test_anonymous_gets_the_login_prompt(demo_db_url):
    at = page("assets", username=None)
    assert translate("login.prompt", "en") in [i.value for i in at.info]
    assert not at.metric


def test_register_filters_narrow_the_table(demo_db_url):
    at = page("assets", username="director")
    everything = len(at.dataframe[0].value)
    at.checkbox(key="assets.filter.overdue").check().run()
    assert not at.exception
    engine = make_engine(demo_db_url)
    with transaction(engine) as s:
        overdue = reads.count_register(s, scope=Scope.union(), today=dt.date.today(), overdue_only=True)
    engine.dispose()
    assert 0 < overdue < everything
    assert len(at.dataframe[0].value) == overdue


# --------------------------------------------------------------------------------------------- forms
@pytest.fixture
def private_db(private_demo_engine):
    return private_demo_engine


def _state(engine) -> tuple:
    with transaction(engine) as s:
        rows = s.execute(select(ForeclosedAsset.id, ForeclosedAsset.status, ForeclosedAsset.appraisal_cents,
                                ForeclosedAsset.appraised_on, ForeclosedAsset.disposed_on,
                                ForeclosedAsset.proceeds_cents).order_by(ForeclosedAsset.id)).all()
        return (tuple(rows), s.scalar(select(func.count(CollectionAction.id))),
                s.scalar(select(func.count(AuditLog.id))))


def _first_held(engine):
    with transaction(engine) as s:
        return reads.held_choices(s, scope=Scope.union()).iloc[0]


def _error_texts(at) -> list[str]:
    return [e.value for e in at.error]


def _disposal_input(at, *, proceeds: float | None = None, day: dt.date | None = None,
                    cost: float | None = None) -> None:
    if cost is not None:
        at.number_input(key="assets.disposal.cost").set_value(cost)
    if proceeds is not None:
        at.number_input(key="assets.disposal.proceeds").set_value(proceeds)
    if day is not None:
        at.date_input(key="assets.disposal.day").set_value(day)


@pytest.mark.parametrize("fill, message", [
    (lambda asset: {"proceeds": -5.0}, "error.asset.amount_negative"),
    (lambda asset: {"proceeds": 10.0, "day": asset.acquired_on - dt.timedelta(days=1)},
     "error.asset.date_before_acquisition"),
    (lambda asset: {"proceeds": 10.0, "day": dt.date.today() + dt.timedelta(days=1)}, "error.asset.date_future"),
    (lambda asset: {}, "error.asset.amount_required"),
    (lambda asset: {"proceeds": 10.0, "cost": -1.0}, "error.disposal.cost_negative"),
])
def test_disposal_form_refuses_bad_input_and_writes_nothing(private_db, fill, message):
    asset = _first_held(private_db)
    before = _state(private_db)
    at = page("assets", username="supervisor")
    _disposal_input(at, **fill(asset))
    at.button(key="assets.disposal.submit").click().run()
    assert not at.exception
    errors = _error_texts(at)
    assert len(errors) == 1 and translate("common.nothing_written", "en") in errors[0]
    assert translate(message, "en", today=dt.date.today().isoformat(),
                     acquired=asset.acquired_on.isoformat()) in errors[0]
    assert _state(private_db) == before


def test_appraisal_form_refuses_a_negative_amount(private_db):
    before = _state(private_db)
    at = page("assets", username="supervisor")
    at.number_input(key="assets.appraisal.amount").set_value(-1.0)
    at.button(key="assets.appraisal.submit").click().run()
    assert translate("error.asset.amount_negative", "en") in " ".join(_error_texts(at))
    assert _state(private_db) == before


def test_good_disposal_writes_one_change_one_recovery_and_one_audit_row(private_db):
    asset = _first_held(private_db)
    before = _state(private_db)
    at = page("assets", username="supervisor")
    at.selectbox(key="assets.disposal.method").set_value("auction")
    at.number_input(key="assets.disposal.proceeds").set_value(1234.56)
    at.number_input(key="assets.disposal.cost").set_value(34.56)
    at.button(key="assets.disposal.submit").click().run()
    assert not at.exception and not at.error
    assert translate("defects.disposal.done", "en") in [s.value for s in at.success]
    assets_after, actions_after, audit_after = _state(private_db)
    assert (actions_after, audit_after) == (before[1] + 1, before[2] + 1)
    changed = [row for row in assets_after if row not in before[0]]
    assert [(r.id, r.status, r.proceeds_cents, r.disposed_on) for r in changed] == [
        (int(asset.asset_id), "disposed", 123456, dt.date.today())]
    with transaction(private_db) as s:
        action = s.scalars(select(CollectionAction).order_by(CollectionAction.id.desc())).first()
        # net proceeds (123,456 - 3,456), capped at the loan's balance before the disposal month
        balance = asset_commands.balance_before(s, s.get(Loan, action.loan_id), dt.date.today())
        assert (action.method, action.recovered_cents, action.cost_cents) == ("asset_disposal",
                                                                              min(120000, balance), 0)
        assert s.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first().action == "asset.dispose"


def test_good_status_change_writes_one_change_and_one_audit_row(private_db):
    asset = _first_held(private_db)
    target = "pending" if asset.status == "in_disposal" else "in_disposal"
    before = _state(private_db)
    at = page("assets", username="supervisor")
    at.radio(key="assets.status.value").set_value(target)
    at.button(key="assets.status.submit").click().run()
    assert not at.error and translate("assets.done.status", "en") in [s.value for s in at.success]
    after = _state(private_db)
    assert after[1:] == (before[1], before[2] + 1)
    assert [(r.id, r.status) for r in after[0] if r not in before[0]] == [(int(asset.asset_id), target)]


@pytest.mark.parametrize("segment", ["old", "new"])
def test_segment_filter_narrows_the_asset_figures(demo_db_url, segment):
    """Every NPL view can be split old/new (DOMAIN.md): the held-assets card counts the assets of that segment's
    loans, and the two segments add up to the whole."""
    from tests.apptest_support import read_demo

    today = dt.date.today()
    at = page("assets", username="director", query={"segment": segment})
    assert not at.exception
    held = read_demo(demo_db_url, reads.holdings, scope=Scope.union(), today=today, segment=segment)
    everything = read_demo(demo_db_url, reads.holdings, scope=Scope.union(), today=today)
    other = read_demo(demo_db_url, reads.holdings, scope=Scope.union(), today=today,
                      segment="new" if segment == "old" else "old")
    assert int(held.asset_count.sum()) + int(other.asset_count.sum()) == int(everything.asset_count.sum())
    card = next(m for m in at.metric if m.label == translate("assets.kpi.pending", "en"))
    assert card.value == f"{int(held.asset_count.sum()):,}"
