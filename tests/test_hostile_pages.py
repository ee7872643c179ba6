"""Hostile use of the pages and commands: forged URL parameters, stored HTML/script, no session, wrong role.

Why: a supervisor of one cooperative must never see another's data by editing the address; text typed by
one user must never run as HTML in another's browser; and nobody may write without the right role, whatever
the page shows. Demo facts used (tests/conftest.py demo_db_url): 4 cooperatives; supervisor_c1 belongs to
one of them; officers and their cooperatives are looked up in the database, never hard-coded.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
from sqlalchemy import func, select

from data import actions, asset_commands, assignments, decisions, reference, reviews
from data import settings as settings_data
from data import users
from data.db import make_engine, transaction
from data.models import AppUser, Base, Cooperative, Officer
from data.users import actor_of
from domain.roles import ACTION_ROLES, PAGE_ROLES, ROLES
from tests import factory as f
from tests.apptest_support import ROOT, page, point_app_at, texts

SCRIPT = "<script>alert(1)</script><b>x</b>"


# ------------------------------------------------------------------------------------------------ demo facts
@pytest.fixture(scope="module")
def demo(demo_db_url):
    """supervisor_c1's cooperative, one of its officers, and an officer and cooperative of another one."""
    engine = make_engine(demo_db_url)
    with transaction(engine) as s:
        own_coop = s.scalar(select(AppUser.cooperative_id).where(AppUser.username == "supervisor_c1"))
        own = s.execute(select(Officer.id, Officer.name).where(Officer.cooperative_id == own_coop)
                        .order_by(Officer.id)).first()
        other = s.execute(select(Officer.id, Officer.name, Officer.cooperative_id)
                          .where(Officer.cooperative_id != own_coop).order_by(Officer.id)).first()
        names = dict(s.execute(select(Cooperative.id, Cooperative.name)).all())
    engine.dispose()
    assert own_coop is not None and own is not None and other is not None
    return {"own_coop": own_coop, "own_coop_name": names[own_coop], "own_officer": own.id,
            "own_officer_name": own.name, "other_officer": other.id, "other_officer_name": other.name,
            "other_coop": other.cooperative_id, "other_coop_name": names[other.cooperative_id]}


def everything_shown(at) -> str:
    """texts() plus the contents of every table and text element, for 'is it on the page' checks."""
    parts = [texts(at)]
    parts += [str(e.value) for e in at.get("text")]
    for frame in at.dataframe:
        parts.append(frame.value.to_string())
    for box in at.selectbox:
        parts += [str(o) for o in box.options]
    return "\n".join(parts)


# ------------------------------------------------------------------------------------------------ forged URLs
def test_officer_of_another_cooperative_in_the_url_is_refused(demo_db_url, demo):
    at = page("officers", username="supervisor_c1", query={"officer": str(demo["other_officer"])})
    assert not at.exception
    assert at.error, "a refusal is shown"
    shown = everything_shown(at)
    assert demo["other_officer_name"] not in shown
    assert demo["other_coop_name"] not in shown
    assert not at.metric, "no figures of the foreign officer"


def test_own_officer_in_the_url_is_shown(demo_db_url, demo):
    """The control for the test above: the same URL with an officer of one's own cooperative works."""
    at = page("officers", username="supervisor_c1", query={"officer": str(demo["own_officer"])})
    assert not at.exception and not at.error
    assert demo["own_officer_name"] in everything_shown(at) and at.metric


@pytest.mark.parametrize("forged", ["999999", "abc", "-1", "0", "1.5", "", "1;DROP TABLE officer", SCRIPT])
def test_nonsense_officer_in_the_url_is_harmless(demo_db_url, forged):
    at = page("officers", username="supervisor_c1", query={"officer": forged})
    assert not at.exception
    assert at.error or at.metric, "either the 'not found' refusal or the plain officer list"


def test_out_of_range_officer_in_the_url_is_harmless(demo_db_url):
    at = page("officers", username="supervisor_c1", query={"officer": "1" + "0" * 20})
    assert not at.exception


def test_propose_link_with_foreign_officer_and_garbage_assignments_is_refused(demo_db_url, demo):
    at = page("decisions", username="supervisor_c1",
              query={"propose": "1", "officer": str(demo["other_officer"]), "assignments": "1,2,x"})
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert warnings, "the ignored officer and assignments are reported"
    assert at.selectbox(key="propose.officer").value is None, "the foreign officer is not preselected"
    shown = everything_shown(at)
    assert demo["other_officer_name"] not in shown and demo["other_coop_name"] not in shown


@pytest.mark.parametrize("query", [{"propose": "1", "officer": "999999", "assignments": "x,,-3"},
                                   {"propose": "1", "officer": "abc"},
                                   {"propose": "yes", "officer": SCRIPT, "assignments": SCRIPT}])
def test_propose_link_with_nonsense_is_harmless(demo_db_url, query):
    at = page("decisions", username="supervisor_c1", query=query)
    assert not at.exception


def test_other_cooperative_in_the_url_shows_only_own_figures(demo_db_url, demo):
    plain = page("overview", username="supervisor_c1")
    forged = page("overview", username="supervisor_c1", query={"coop": str(demo["other_coop"])})
    assert not plain.exception and not forged.exception
    assert [m.value for m in forged.metric] == [m.value for m in plain.metric]
    shown = everything_shown(forged)
    assert demo["own_coop_name"] in shown and demo["other_coop_name"] not in shown
    union = page("overview", username="director", query={"coop": str(demo["other_coop"])})
    assert [m.value for m in union.metric] != [m.value for m in plain.metric], "control: the param does narrow"


@pytest.mark.parametrize("query", [{"from": "garbage", "to": "9999-99"}, {"from": "2026-10", "to": "1900-01"},
                                   {"coop": "all"}, {"coop": "-1", "segment": SCRIPT}, {"from": "\x00", "to": ""},
                                   {"coop": "1" + "0" * 25, "from": "0000-00"}])
def test_garbage_filter_parameters_are_ignored(demo_db_url, query):
    at = page("overview", username="supervisor_c1", query=query)
    assert not at.exception
    assert at.metric


# ------------------------------------------------------------------------------------------------ stored HTML
@pytest.fixture
def db_copy(demo_db_url, tmp_path):
    """A private copy of the demo database, the app pointed at it for one test and pointed back after."""
    copy = tmp_path / "hostile.db"
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    point_app_at(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()
    point_app_at(demo_db_url)


def _actor(engine, username):
    with transaction(engine) as s:
        return actor_of(users.get_by_username(s, username=username))


def test_review_findings_with_html_are_shown_as_plain_text(db_copy, demo):
    supervisor = _actor(db_copy, "supervisor_c1")
    with transaction(db_copy) as s:
        reviews.create(s, actor=supervisor, officer_id=demo["own_officer"], period_start=dt.date(2026, 1, 1),
                       period_end=dt.date(2026, 3, 31), rating="good", findings=SCRIPT)
    at = page("decisions", username="supervisor_c1", state={"decisions.section": "reviews"})
    assert not at.exception
    tables = "\n".join(str(cell) for frame in at.dataframe for cell in frame.value.to_numpy().ravel())
    assert SCRIPT in tables, "the findings are shown exactly as typed, as data"
    assert not any("<script" in str(e.value) for e in at.markdown), "never as markdown/HTML"


def test_decision_reason_with_html_is_shown_as_plain_text(db_copy, demo):
    supervisor = _actor(db_copy, "supervisor_c1")
    with transaction(db_copy) as s:
        decision_id = decisions.propose(s, actor=supervisor, officer_id=demo["own_officer"], kind="warning",
                                        reason=SCRIPT, effective_on=dt.date.today()).id
    at = page("decisions", username="director", state={"decisions.section": "history"})
    assert not at.exception
    tables = "\n".join(str(cell) for frame in at.dataframe for cell in frame.value.to_numpy().ravel())
    texts_shown = [str(e.value) for e in at.get("text")]
    assert SCRIPT in tables or SCRIPT in texts_shown, f"decision {decision_id}'s reason is shown exactly as typed"
    assert not any("<script" in str(e.value) for e in at.markdown)


def test_no_code_renders_raw_html():
    """No page or component may opt out of Streamlit's HTML escaping (st.html, unsafe_allow_html, iframes)."""
    forbidden = re.compile(r"unsafe_allow_html|st\.html\(|components\.v1|streamlit\.components")
    sources = [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("components/**/*.py"),
               *ROOT.glob("data/**/*.py"), *ROOT.glob("domain/**/*.py"), *ROOT.glob("scripts/**/*.py")]
    assert len(sources) > 20, "the scan sees the code"
    offenders = [str(p.relative_to(ROOT)) for p in sources if forbidden.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


# ------------------------------------------------------------------------------------------------ no session
@pytest.mark.parametrize("page_key", sorted(PAGE_ROLES))
@pytest.mark.parametrize("status", [None, False])
def test_signed_out_session_sees_only_the_login_prompt(demo_db_url, page_key, status):
    """A logged-out (None) or failed (False) session: require() stops before any read or form."""
    at = page(page_key, username=None, state={"authentication_status": status, "username": "director"})
    assert not at.exception
    assert "Please sign in" in texts(at)
    assert not at.metric and not at.dataframe and not at.button and not at.text_area and not at.text_input


# ------------------------------------------------------------------------------------------------ wrong role
@pytest.fixture
def world(engine):
    with transaction(engine) as s:
        a = f.cooperative(s, "A")
        ana, bea = f.officer(s, a, "Ana"), f.officer(s, a, "Bea")
        la = f.loan(s, a, ana, dt.date(2023, 1, 1), contract="LA")
        f.month_row(s, la, dt.date(2025, 6, 1), 100_000, "substandard", dpd=120)
        lb = f.loan(s, a, ana, dt.date(2023, 1, 1), contract="LB")
        f.month_row(s, lb, dt.date(2025, 6, 1), 100_000, "substandard", dpd=120)
        open_a = f.assignment(s, la, ana, dt.date(2025, 1, 1), 500, dt.date(2025, 12, 31))
        from data.models import ForeclosedAsset
        asset = ForeclosedAsset(loan_id=la.id, cooperative_id=a.id, asset_type="machinery", description="tractor",
                                on_balance_sheet=True, acquired_on=dt.date(2024, 1, 1), book_value_cents=50_000,
                                status="pending", lease_income_cents=0)
        s.add(asset)
        proposer = f.user(s, "proposer", "supervisor", cooperative_id=a.id)
        s.flush()
        pending = decisions.propose(s, actor=actor_of(proposer), officer_id=ana.id, kind="warning", reason="r",
                                    effective_on=dt.date.today())
        actors = {role: actor_of(f.user(s, f"as_{role}", role, cooperative_id=a.id,
                                        officer_id=ana.id if role == "officer" else None)) for role in ROLES}
    ids = {"A": a.id, "ana": ana.id, "bea": bea.id, "LA": la.id, "LB": lb.id, "open_a": open_a.id,
           "asset": asset.id, "pending": pending.id, "user": proposer.id}
    return engine, actors, ids


TODAY = dt.date.today()
#: every command a page can call: (name, action it needs, callable(ids) -> (function, kwargs)) with inputs
#: that are otherwise acceptable, so only the role can be what refuses them
COMMANDS = [
    ("users.create", "manage_users", lambda i: (users.create, dict(
        username="newuser", display_name="New", password="Passw0rd-long", role="auditor", cooperative_id=i["A"]))),
    ("users.update", "manage_users", lambda i: (users.update, dict(
        user_id=i["user"], role="director", cooperative_id=i["A"], officer_id=None, active=True))),
    ("users.reset_password", "manage_users", lambda i: (users.reset_password, dict(
        user_id=i["user"], password="Passw0rd-long"))),
    ("users.sign_out_everywhere", "manage_users", lambda i: (users.sign_out_everywhere, dict(user_id=i["user"]))),
    ("reference.create_village", "manage_reference", lambda i: (reference.create_village, dict(
        code="V-NEW", name="New village", cooperative_id=i["A"]))),
    ("reference.create_officer", "manage_reference", lambda i: (reference.create_officer, dict(
        employee_no="E-NEW", name="New officer", cooperative_id=i["A"]))),
    ("reference.update_officer", "manage_reference", lambda i: (reference.update_officer, dict(
        officer_id=i["bea"], employee_no="E-BEA", name="Bea", cooperative_id=i["A"], hired_on=TODAY,
        active=False))),
    ("settings.update", "change_settings", lambda i: (settings_data.update, dict(changes={"max_upload_mb": "20"}))),
    ("assignments.create", "assign", lambda i: (assignments.create, dict(
        loan_id=i["LB"], officer_id=i["ana"], target_cents=100, deadline=TODAY + dt.timedelta(days=30)))),
    ("assignments.create_many", "assign", lambda i: (assignments.create_many, dict(rows=[assignments.NewAssignment(
        loan_id=i["LB"], officer_id=i["ana"], target_cents=100, deadline=TODAY + dt.timedelta(days=30))]))),
    ("assignments.reassign", "assign", lambda i: (assignments.reassign, dict(
        assignment_id=i["open_a"], officer_id=i["bea"], target_cents=100, deadline=TODAY + dt.timedelta(days=30)))),
    ("actions.record_action", "record_action", lambda i: (actions.record_action, dict(
        contract_no="LA", method="direct", action_date=TODAY, recovered_cents=100, cost_cents=0,
        outcome="paid_partial"))),
    ("asset.record_appraisal", "update_asset", lambda i: (asset_commands.record_appraisal, dict(
        asset_id=i["asset"], amount_cents=60_000, appraised_on=TODAY))),
    ("asset.change_status", "update_asset", lambda i: (asset_commands.change_status, dict(
        asset_id=i["asset"], status="in_disposal"))),
    ("asset.record_disposal", "update_asset", lambda i: (asset_commands.record_disposal, dict(
        asset_id=i["asset"], method="auction", disposed_on=TODAY, proceeds_cents=40_000))),
    ("reviews.create", "record_review", lambda i: (reviews.create, dict(
        officer_id=i["ana"], period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 3, 31), rating="good",
        findings="ok"))),
    ("decisions.propose", "propose_decision", lambda i: (decisions.propose, dict(
        officer_id=i["ana"], kind="warning", reason="late", effective_on=TODAY))),
    ("decisions.approve", "approve_decision", lambda i: (decisions.approve, dict(
        decision_id=i["pending"], comment="ok"))),
    ("decisions.reject", "approve_decision", lambda i: (decisions.reject, dict(
        decision_id=i["pending"], comment="no"))),
]
CASES = [(name, role) for name, action, _ in COMMANDS for role in (*ROLES, None)
         if role is None or role not in ACTION_ROLES[action]]


def all_counts(engine) -> dict[str, int]:
    with transaction(engine) as s:
        return {t.name: int(s.scalar(select(func.count()).select_from(t))) for t in Base.metadata.sorted_tables}


def test_every_action_is_covered():
    assert {action for _, action, _ in COMMANDS} == set(ACTION_ROLES) - {"import_data"}


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_wrong_role_is_refused_and_writes_nothing(world, name, role):
    engine, actors, ids = world
    command, kwargs = dict((n, build) for n, _, build in COMMANDS)[name](ids)
    before = all_counts(engine)
    with pytest.raises(PermissionError):
        with transaction(engine) as s:
            command(s, actor=actors.get(role), **kwargs)
    assert all_counts(engine) == before


@pytest.mark.parametrize("name", [n for n, _, _ in COMMANDS])
def test_right_role_succeeds(world, name):
    """The control for the table above: the same inputs with an allowed role are written (one audit row)."""
    engine, actors, ids = world
    action = dict((n, a) for n, a, _ in COMMANDS)[name]
    role = sorted(ACTION_ROLES[action])[0]
    actor = actors[role]
    if name.startswith("decisions.") and name != "decisions.propose":
        actor = actors["director"]
    command, kwargs = dict((n, build) for n, _, build in COMMANDS)[name](ids)
    before = all_counts(engine)
    with transaction(engine) as s:
        command(s, actor=actor, **kwargs)
    after = all_counts(engine)
    assert after["audit_log"] == before["audit_log"] + 1
