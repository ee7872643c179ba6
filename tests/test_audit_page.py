"""The audit trail page with AppTest on the demo database: who may open it, filters, before/after as JSON."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from data import decisions
from data.db import make_engine, transaction
from data.models import AppUser, AuditLog, Officer
from data.users import actor_of
from tests.apptest_support import page, point_app_at, texts


@pytest.fixture
def db(demo_db_url, tmp_path):
    """A private copy of the demo database with two more audited writes: a proposal whose reason looks like
    HTML, and its approval."""
    copy = tmp_path / "audit.db"
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    engine = make_engine(url)
    with transaction(engine) as s:
        supervisor = actor_of(s.scalar(select(AppUser).where(AppUser.username == "supervisor")))
        director = actor_of(s.scalar(select(AppUser).where(AppUser.username == "director")))
        officer_id = s.scalar(select(Officer.id).where(Officer.active.is_(True)).order_by(Officer.id).limit(1))
        import datetime as dt
        proposal = decisions.propose(s, actor=supervisor, officer_id=officer_id, kind="warning",
                                     reason="<img src=x onerror=alert(1)>", effective_on=dt.date.today())
        decisions.approve(s, actor=director, decision_id=proposal.id, comment="ok")
    point_app_at(url)
    yield engine
    engine.dispose()
    point_app_at(demo_db_url)


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("username", ["director", "auditor", "admin"])
def test_page_renders_for_allowed_roles(demo_db_url, username, lang):
    at = page("audit", username=username, lang=lang)
    assert not at.exception
    assert len(at.metric) == 3
    assert at.dataframe, "the demo database has audit rows"


@pytest.mark.parametrize("username", ["supervisor", "supervisor_c1", "officer"])
def test_forbidden_roles_see_the_refusal(demo_db_url, username):
    at = page("audit", username=username)
    assert not at.exception
    assert [e.value for e in at.error] == ["Your role does not give access to this page."] and not at.dataframe


def test_anonymous_gets_the_login_prompt(demo_db_url):
    at = page("audit", username=None)
    assert not at.exception and "Please sign in" in texts(at) and not at.dataframe


def test_filter_by_action_and_before_after_shown_as_json_not_html(db):
    at = page("audit", username="auditor")
    at.selectbox(key="audit.action").set_value("decision.approve").run()
    assert not at.exception
    table = at.dataframe[0].value
    with transaction(db) as s:
        approvals = int(s.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "decision.approve")))
    assert len(table) == approvals and set(table["Action"]) == {"decision.approve"}
    assert at.metric[0].value == f"{approvals:,}"
    # the newest approval is shown in detail: before/after as JSON trees (the user's text as data, never HTML)
    shown = [element.value for element in at.json]
    assert len(at.dataframe) == 2  # the table and the changed fields
    assert len(shown) == 2 and '"pending"' in shown[0] and '"approved"' in shown[1]
    assert "<img src=x onerror=alert(1)>" in shown[0]
    assert all("<img" not in m.value for m in at.markdown)


def test_filters_to_nothing_show_a_message(db):
    at = page("audit", username="admin")
    at.selectbox(key="audit.username").set_value("supervisor").run()  # proposed, never approved
    at.selectbox(key="audit.action").set_value("decision.approve").run()
    assert not at.exception and not at.dataframe
    assert "No audit rows match these filters." in texts(at)


def test_changed_fields_lists_only_what_a_write_changed():
    from components.decision_views import changed_fields
    before = '{"status": "pending", "reason": "r", "decided_by_id": null}'
    after = '{"status": "approved", "reason": "r", "decided_by_id": 7, "decision_comment": "ok"}'
    frame = changed_fields(before, after)
    assert frame.values.tolist() == [["decided_by_id", "null", "7"], ["decision_comment", "", '"ok"'],
                                     ["status", '"pending"', '"approved"']]
    assert changed_fields(None, '{"a": 1}').values.tolist() == [["a", "", "1"]]
    assert changed_fields("not json", None).values.tolist() == [["", '"not json"', ""]]
    assert changed_fields(float("nan"), '{"a": 1}').values.tolist() == [["a", "", "1"]]
