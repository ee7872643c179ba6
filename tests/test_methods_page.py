"""The collection-methods page with AppTest on the generated demo database: who sees what, every section
renders with data, and the action form refuses bad input (writing nothing) and records a good action.

Tests that submit the form run on a private copy of the demo database, so the shared one stays untouched.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from components import method_views as views
from components.format import to_cents
from components.i18n import translate
from data import methods
from data.actions import latest_balance, responsible_officer_id
from data.db import make_engine, transaction
from data.settings import get as get_settings
from data.models import AppUser, AuditLog, CollectionAction, Loan, LoanMonth
from domain import method_figures as mf
from domain.classes import NPL_CLASSES
from domain.months import month_end
from domain.scope import Scope
from tests.apptest_support import page, texts

SECTIONS = ["compare", "where", "legal", "village"]


def _charts(at) -> int:
    return len(at.get("plotly_chart"))


def _open(username: str, section: str, lang: str = "en") -> AppTest:
    """Open the page on a section chosen before the first run.

    (Re-running an AppTest formats every widget's value in the test process, where t() speaks English;
    a Spanish page would then fail on its own translated options. A fresh run avoids that.)
    """
    return page("methods", username=username, lang=lang, state={"methods.section": section})


def _switch(at, section: str):
    at.session_state["methods.section"] = section
    return at.run()


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("username", ["director", "supervisor", "supervisor_c1", "auditor"])
def test_every_section_renders_for_every_allowed_role(demo_db_url, username, lang):
    at = page("methods", username=username, lang=lang)
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert translate("nav.methods", lang) in texts(at)
    assert len(at.metric) == 8
    assert _charts(at) == 2 and at.dataframe  # comparison and trend charts, the method table
    for section, charts in (("where", 2), ("legal", 2), ("village", 3)):
        at = _open(username, section, lang)
        assert not at.exception and not at.error, (section, [e.value for e in at.error])
        assert _charts(at) == charts, section
        assert at.dataframe, section


def _has_data(spec: dict) -> bool:
    """True when some trace carries a non-zero number (plotly may encode arrays as base64 'bdata')."""
    for trace in spec.get("data", []):
        for axis in ("x", "y", "z"):
            values = trace.get(axis)
            if isinstance(values, dict) and values.get("bdata"):
                return True
            flat = values if isinstance(values, list) else []
            flat = [v for row in flat for v in (row if isinstance(row, list) else [row])]
            if any(isinstance(v, (int, float)) and v for v in flat):
                return True
    return False


def test_charts_show_data_on_the_demo_database(demo_db_url):
    for section in SECTIONS:
        at = _open("director", section)
        assert at.get("plotly_chart"), section
        for chart in at.get("plotly_chart"):
            assert _has_data(json.loads(chart.proto.spec)), section
    engine = make_engine(demo_db_url)
    with transaction(engine) as s:
        months = sorted(s.scalars(select(LoanMonth.month).distinct()))
        period = dict(scope=Scope.union(), first_day=months[0], last_day=month_end(months[-1]))
        table = mf.method_table(methods.method_figures(s, **period), methods.first_recovery_days(s, **period))
        pipeline = methods.legal_pipeline(s, **period)
        villages = methods.village_recoveries(s, **period)
        sources = methods.village_recoveries(s, **period, by="source")
        top = methods.villages_by_npl(s, scope=Scope.union(), month=months[-1])
    engine.dispose()
    # most methods of the directive are used in the small demo (asset disposals may all still be pending),
    # legal cases exist, villages collect from all three sources and hold NPLs
    assert (table.actions > 0).sum() >= 5 and (table.recovered_cents > 0).sum() >= 5
    assert pipeline.cases.sum() > 0 and pipeline.claim_cents.sum() > 0
    assert villages.recovered_cents.sum() > 0 and len(sources) == 3 and not top.empty


def test_only_supervisors_get_the_action_form(demo_db_url):
    at = page("methods", username="supervisor")
    assert [o for o in at.radio(key="methods.section").options][-1] == translate("methods.tab.record", "en")
    _switch(at, "record")
    assert not at.exception and len(at.get("form")) == 1
    for username in ("director", "auditor"):
        at = page("methods", username=username)
        assert "record" not in [o for o in at.radio(key="methods.section").options]
        assert translate("methods.tab.record", "en") not in at.radio(key="methods.section").options


@pytest.mark.parametrize("username", ["officer", "admin"])
def test_forbidden_roles(demo_db_url, username):
    at = page("methods", username=username)
    assert [e.value for e in at.error] == [translate("frame.forbidden", "en")]
    assert not at.metric and not at.dataframe


def test_anonymous_gets_the_login_prompt(demo_db_url):
    at = page("methods", username=None)
    assert translate("login.prompt", "en") in [i.value for i in at.info]
    assert not at.metric


def test_legal_stage_filter_narrows_the_case_list(demo_db_url):
    at = _open("director", "legal")
    everything = at.dataframe[1].value
    at.selectbox(key="methods.legal.stage").set_value("closed").run()
    assert not at.exception
    closed = at.dataframe[1].value
    stage_column = translate("methods.legal.stage", "en")
    assert 0 < len(closed) < len(everything) or len(everything) == views.CASE_ROWS_SHOWN
    assert set(closed[stage_column]) == {translate("legal_stage.closed", "en")}


def test_segment_filter_from_the_url(demo_db_url):
    at = page("methods", username="director", query={"segment": "new"})
    assert not at.exception and not at.error
    assert at.radio(key="methods.segment").value == "new"


# --------------------------------------------------------------------------------------------- the form
@pytest.fixture
def private_db(private_demo_engine):
    return private_demo_engine


def _counts(engine) -> tuple[int, int]:
    with transaction(engine) as s:
        return s.scalar(select(func.count(CollectionAction.id))), s.scalar(select(func.count(AuditLog.id)))


def _npl_loan(engine, *, cooperative_id: int | None = None):
    """A loan with an NPL balance in its latest month, and that balance (cents)."""
    with transaction(engine) as s:
        latest = s.scalar(select(func.max(LoanMonth.month)))
        stmt = (select(Loan).join(LoanMonth, LoanMonth.loan_id == Loan.id)
                .where(LoanMonth.month == latest, LoanMonth.loan_class.in_(NPL_CLASSES),
                       LoanMonth.outstanding_cents > 100_00, Loan.issue_date < dt.date.today())
                .order_by(Loan.id))
        if cooperative_id is not None:
            stmt = stmt.where(Loan.cooperative_id == cooperative_id)
        loan = s.scalars(stmt.limit(1)).first()
        return loan.contract_no, latest_balance(s, loan.id), loan.cooperative_id, loan.issue_date


def _fill(at, *, contract: str, amount: float = 12.34, cost: float = 1.5, method: str = "direct",
          outcome: str = "paid_partial", source=None, note: str = "visited", day: dt.date | None = None):
    at.text_input(key="methods.action.contract").set_value(contract)
    at.selectbox(key="methods.action.method").set_value(method)
    at.selectbox(key="methods.action.source").set_value(source)
    at.number_input(key="methods.action.amount").set_value(amount)
    at.number_input(key="methods.action.cost").set_value(cost)
    at.selectbox(key="methods.action.outcome").set_value(outcome)
    at.text_area(key="methods.action.note").set_value(note)
    if day is not None:
        at.date_input(key="methods.action.date").set_value(day)
    return at.button(key="methods.action.submit").click().run()


def _errors(at) -> list[str]:
    return [e.value for e in at.error]


def _recovered_today(engine, method: str) -> int:
    today = dt.date.today()
    with transaction(engine) as s:
        frame = methods.method_figures(s, scope=Scope.union(), first_day=today, last_day=today)
    row = frame[frame.method == method]
    return int(row.recovered_cents.sum())


@pytest.mark.parametrize("case", ["unknown contract", "above balance", "future date", "before issue",
                                  "village without source", "source on direct", "paid nothing",
                                  "out of scope"])
def test_form_refuses_bad_input_and_writes_nothing(private_db, case):
    with transaction(private_db) as s:
        own_coop = s.scalar(select(AppUser.cooperative_id).where(AppUser.username == "supervisor_c1"))
        other_coop = s.scalar(select(func.min(Loan.cooperative_id)).where(Loan.cooperative_id != own_coop))
        symbol = get_settings(s).currency_symbol
    contract, balance, _, issued = _npl_loan(private_db, cooperative_id=own_coop)
    other_contract = _npl_loan(private_db, cooperative_id=other_coop)[0]
    today = dt.date.today()
    fills = {
        "unknown contract": (dict(contract="NO-SUCH-LOAN"), "error.methods.contract_not_found"),
        "above balance": (dict(contract=contract, amount=balance / 100 + 0.01), "error.methods.above_balance"),
        "future date": (dict(contract=contract, day=today + dt.timedelta(days=1)), "error.methods.date_in_future"),
        "before issue": (dict(contract=contract, day=issued - dt.timedelta(days=1)),
                         "error.methods.date_before_issue"),
        "village without source": (dict(contract=contract, method="village"),
                                   "error.methods.village_source_required"),
        "source on direct": (dict(contract=contract, source="subsidy"), "error.methods.village_source_forbidden"),
        "paid nothing": (dict(contract=contract, amount=0.0), "error.methods.paid_without_amount"),
        "out of scope": (dict(contract=other_contract), "error.methods.contract_not_found"),
    }
    values, key = fills[case]
    username = "supervisor_c1" if case == "out of scope" else "supervisor"
    before = _counts(private_db)
    at = _open(username, "record")
    _fill(at, **values)
    assert not at.exception
    errors = _errors(at)
    assert len(errors) == 1 and translate("common.nothing_written", "en") in errors[0], errors
    expected = translate(key, "en", contract=values["contract"], today=today.isoformat(), issued=issued.isoformat(),
                         balance=f"{symbol}{balance / 100:,.2f}", limit=2000)
    assert expected in errors[0]
    assert _counts(private_db) == before
    assert at.text_input(key="methods.action.contract").value == values["contract"]  # what was typed stays


def test_good_action_writes_one_row_and_moves_the_figures_by_its_amount(private_db):
    contract, balance, _, _ = _npl_loan(private_db)
    before_counts = _counts(private_db)
    before_recovered = _recovered_today(private_db, "village")
    note = "Village committee paid <b>cash</b>'); DELETE FROM loan; --"
    at = _open("supervisor", "record")
    _fill(at, contract=contract, method="village", source="village_funds", amount=123.45, cost=6.0, note=note)
    assert not at.exception and not at.error, _errors(at)
    assert translate("methods.form.saved", "en") in [s.value for s in at.success]
    assert _counts(private_db) == (before_counts[0] + 1, before_counts[1] + 1)
    assert _recovered_today(private_db, "village") - before_recovered == 12345
    with transaction(private_db) as s:
        row = s.scalars(select(CollectionAction).order_by(CollectionAction.id.desc())).first()
        loan = s.get(Loan, row.loan_id)
        officer_id, _ = responsible_officer_id(s, loan)
        assert (loan.contract_no, row.method, row.village_source, row.recovered_cents, row.cost_cents) == (
            contract, "village", "village_funds", 12345, 600)
        assert row.note == note and row.officer_id == officer_id and row.action_date == dt.date.today()
        assert s.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first().action == "collection_action.create"
    # the page (cache cleared by store.write) shows the new action at once in the KPI row
    _switch(at, "compare")
    assert not at.exception


def test_to_cents_rounds_at_the_cent():
    assert to_cents(123.45) == 12345
    assert to_cents(0.1 + 0.2) == 30
    assert to_cents(1.005) == 101
    assert to_cents(None) is None
