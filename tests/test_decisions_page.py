"""The reviews & decisions page with AppTest on a private copy of the demo database (writes stay here).

Demo facts used: the union director and supervisor see 4 cooperatives, supervisor_c1 only cooperative 1;
the demo holds decisions of every status, the pending ones proposed by supervisors (so the director's queue
is not empty). Officers and assignments are looked up in the database, not hard-coded.
"""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from data.db import make_engine, transaction
from data.models import AuditLog, Decision, Review
from tests.apptest_support import page, point_app_at, texts


@pytest.fixture
def db(demo_db_url, tmp_path):
    """A copy of the demo database the app is pointed at for one test, then pointed back."""
    source = demo_db_url.removeprefix("sqlite:///")
    copy = tmp_path / "decisions.db"
    shutil.copy(source, copy)
    url = f"sqlite:///{copy}"
    point_app_at(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()
    point_app_at(demo_db_url)


def counts(engine) -> tuple[int, int, int]:
    with transaction(engine) as s:
        return tuple(int(s.scalar(select(func.count()).select_from(m))) for m in (Decision, Review, AuditLog))


def officer_of(engine, cooperative_id: int) -> tuple[int, list[int], int]:
    """An active officer of the cooperative with assignments, their assignment ids, and another officer's one."""
    from data.models import Assignment, Officer
    with transaction(engine) as s:
        officer_id = s.scalar(select(Officer.id).join(Assignment, Assignment.officer_id == Officer.id)
                              .where(Officer.cooperative_id == cooperative_id, Officer.active.is_(True))
                              .order_by(Officer.id).limit(1))
        own = list(s.scalars(select(Assignment.id).where(Assignment.officer_id == officer_id).order_by(Assignment.id)))
        foreign = s.scalar(select(Assignment.id).where(Assignment.officer_id != officer_id).limit(1))
    return officer_id, own, foreign


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("username", ["director", "supervisor", "supervisor_c1", "auditor"])
def test_page_renders_every_section_for_allowed_roles(demo_db_url, username, lang):
    at = page("decisions", username=username, lang=lang)
    assert not at.exception
    assert len(at.metric) >= 3
    assert at.get("plotly_chart"), "the decisions chart shows the demo decisions"
    for section in _values(at):
        # a fresh run per section: re-running an AppTest re-formats widget labels in the test's language
        again = section_page(username, lang, section)
        assert not again.exception, (username, section)
        assert again.radio(key="decisions.section").value == section


def section_page(username: str, lang: str, section: str):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from components.frame import ENTERED_VIA_APP
    from tests.apptest_support import ROOT, signed_in_state
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "pages" / "decisions.py"), default_timeout=60)
    for key, value in signed_in_state(username).items():
        at.session_state[key] = value
    at.session_state["lang"] = lang
    at.session_state[ENTERED_VIA_APP] = True
    at.session_state["decisions.section"] = section
    return at.run()


def _values(at):
    labels = at.radio(key="decisions.section").options
    names = {"Awaiting my decision": "queue", "Pendientes de mi decisión": "queue",
             "Propose a decision": "propose", "Proponer una decisión": "propose",
             "Decision history": "history", "Historial de decisiones": "history",
             "Record a review": "review", "Registrar una evaluación": "review",
             "Reviews": "reviews", "Evaluaciones": "reviews"}
    return [names[label] for label in labels]


def test_sections_follow_the_role(demo_db_url):
    assert _values(page("decisions", username="director")) == ["queue", "propose", "history", "reviews"]
    assert _values(page("decisions", username="supervisor")) == ["propose", "history", "review", "reviews"]
    assert _values(page("decisions", username="auditor")) == ["history", "reviews"]


@pytest.mark.parametrize("username", ["admin", "officer"])
def test_forbidden_roles_see_the_refusal(demo_db_url, username):
    at = page("decisions", username=username)
    assert not at.exception
    assert [e.value for e in at.error] == ["Your role does not give access to this page."]
    assert not at.metric


def test_anonymous_gets_the_login_prompt(demo_db_url):
    at = page("decisions", username=None)
    assert not at.exception and "Please sign in" in texts(at) and not at.metric


def _propose(at, *, officer_id, kind="warning", reason="", amount=None, months=None):
    at.radio(key="decisions.section").set_value("propose").run()
    at.selectbox(key="propose.officer").set_value(officer_id).run()
    at.selectbox(key="propose.kind").set_value(kind).run()
    if amount is not None:
        at.number_input(key="propose.amount").set_value(amount)
    if months is not None:
        at.number_input(key="propose.months").set_value(months)
    at.text_area(key="propose.reason").input(reason)
    return at.button(key="propose.submit").click().run()


def test_good_proposal_writes_one_decision_and_one_audit_row(db):
    officer_id, _, _ = officer_of(db, 1)
    before = counts(db)
    at = _propose(page("decisions", username="supervisor_c1"), officer_id=officer_id, kind="compensation",
                  amount=1234.5, reason="<b>Missed</b> deadline")
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["Proposal recorded as pending; a director will decide it."]
    assert counts(db) == (before[0] + 1, before[1], before[2] + 1)
    with transaction(db) as s:
        newest = s.scalars(select(Decision).order_by(Decision.id.desc())).first()
        assert (newest.kind, newest.amount_cents, newest.reason, newest.status) == (
            "compensation", 123_450, "<b>Missed</b> deadline", "pending")


@pytest.mark.parametrize("kind, amount, months, reason, message", [
    ("warning", None, None, "", "Reason: please write the reason."),
    ("compensation", 0.0, None, "r", "Amount: must be greater than zero."),
    ("reward", None, None, "r", "Amount: this kind of decision needs an amount."),
    ("salary_suspension", None, 30, "r", "Months: give a whole number from 1 to 24."),
    ("salary_suspension", None, None, "r", "Months: a salary suspension needs a number of months."),
])
def test_bad_proposal_refused_with_message_nothing_written_and_input_kept(db, kind, amount, months, reason, message):
    officer_id, _, _ = officer_of(db, 1)
    before = counts(db)
    at = _propose(page("decisions", username="supervisor_c1"), officer_id=officer_id, kind=kind, amount=amount,
                  months=months, reason=reason)
    assert not at.exception
    assert [e.value for e in at.error] == [f"Could not save: {message} Nothing was written."]
    assert counts(db) == before
    assert at.text_area(key="propose.reason").value == reason  # the form keeps what was typed
    if amount is not None:
        assert at.number_input(key="propose.amount").value == amount


def test_propose_link_prefills_officer_and_own_assignments_and_warns_about_the_rest(db):
    officer_id, own, foreign = officer_of(db, 1)
    link = {"propose": "1", "officer": str(officer_id), "assignments": f"{own[0]},{foreign},abc"}
    at = page("decisions", username="supervisor_c1", query=link)
    assert not at.exception
    assert at.radio(key="decisions.section").value == "propose"
    assert at.selectbox(key="propose.officer").value == officer_id
    assert at.multiselect(key=f"propose.assignments.{officer_id}").value == [own[0]]
    assert [w.value for w in at.warning] == [
        f"Ignored assignments from the link (not this officer's or outside your scope): {foreign}, abc."]


def test_propose_link_with_an_officer_out_of_scope_is_ignored(db):
    other, _, _ = officer_of(db, 2)  # cooperative 2: not supervisor_c1's
    at = page("decisions", username="supervisor_c1", query={"propose": "1", "officer": str(other)})
    assert not at.exception
    assert at.selectbox(key="propose.officer").value is None
    assert "The officer in the link is not one you may act on" in at.warning[0].value


def test_director_approves_from_the_queue_comment_required(db):
    at = page("decisions", username="director")
    assert at.radio(key="decisions.section").value == "queue"
    decision_id = at.selectbox(key="queue.decision").value
    with transaction(db) as s:
        pending = set(s.scalars(select(Decision.id).where(Decision.status == "pending")))
    assert decision_id in pending
    before = counts(db)
    at.button(key=f"queue.approve.{decision_id}").click().run()
    assert [e.value for e in at.error] == [
        "Could not save: Comment: approving or rejecting needs a comment. Nothing was written."]
    assert counts(db) == before
    at.text_area(key=f"queue.comment.{decision_id}").input("Agreed")
    at.button(key=f"queue.approve.{decision_id}").click().run()
    assert not at.exception and [s.value for s in at.success] == ["Decision approved."]
    assert counts(db) == (before[0], before[1], before[2] + 1)
    with transaction(db) as s:
        decision = s.get(Decision, decision_id)
        assert (decision.status, decision.decision_comment) == ("approved", "Agreed")


def test_proposal_by_supervisor_then_approval_by_director(db):
    officer_id, own, _ = officer_of(db, 1)
    _propose(page("decisions", username="supervisor"), officer_id=officer_id, reason="Two missed deadlines")
    with transaction(db) as s:
        new_id = s.scalar(select(func.max(Decision.id)))
    at = page("decisions", username="director")
    at.selectbox(key="queue.decision").set_value(new_id).run()
    assert "Two missed deadlines" in [t.value for t in at.text]  # shown as plain text
    at.text_area(key=f"queue.comment.{new_id}").input("Confirmed")
    at.button(key=f"queue.reject.{new_id}").click().run()
    assert [s.value for s in at.success] == ["Decision rejected."]
    with transaction(db) as s:
        assert s.get(Decision, new_id).status == "rejected"


def test_supervisor_records_a_review_and_bad_period_is_refused(db):
    import datetime as dt
    officer_id, own, _ = officer_of(db, 1)
    before = counts(db)
    at = page("decisions", username="supervisor_c1")
    at.radio(key="decisions.section").set_value("review").run()
    at.selectbox(key="review.officer").set_value(officer_id).run()
    at.date_input(key="review.start").set_value(dt.date(2026, 6, 30))
    at.date_input(key="review.end").set_value(dt.date(2026, 6, 1))
    at.text_area(key="review.findings").input("Good recoveries")
    at.button(key="review.submit").click().run()
    assert [e.value for e in at.error] == [
        "Could not save: Period: the end cannot be before the start. Nothing was written."]
    assert counts(db) == before
    at.date_input(key="review.start").set_value(dt.date(2026, 6, 1))
    at.date_input(key="review.end").set_value(dt.date(2026, 6, 30))
    at.multiselect(key=f"review.assignments.{officer_id}").set_value(own[:1])
    at.button(key="review.submit").click().run()
    assert [s.value for s in at.success] == ["Review recorded."]
    assert counts(db) == (before[0], before[1] + 1, before[2] + 1)


def test_director_revokes_with_a_reason(db):
    at = page("decisions", username="director")
    at.radio(key="decisions.section").set_value("history").run()
    assert not at.exception
    decision_id = at.selectbox(key="revoke.decision").value
    before = counts(db)
    at.button(key=f"revoke.submit.{decision_id}").click().run()
    assert at.error and counts(db) == before
    at.text_area(key=f"revoke.reason.{decision_id}").input("Appeal upheld")
    at.button(key=f"revoke.submit.{decision_id}").click().run()
    assert [s.value for s in at.success] == ["Decision revoked; it stays in the history with your reason."]
    with transaction(db) as s:
        assert s.get(Decision, decision_id).status == "revoked"
    assert counts(db) == (before[0], before[1], before[2] + 1)


def test_history_filter_by_status(demo_db_url):
    at = page("decisions", username="auditor")
    at.selectbox(key="history.status").set_value("pending").run()
    shown = at.dataframe[0].value
    engine = make_engine(demo_db_url)
    with transaction(engine) as s:
        pending = int(s.scalar(select(func.count(Decision.id)).where(Decision.status == "pending")))
        total = int(s.scalar(select(func.count(Decision.id))))
    engine.dispose()
    assert 0 < pending < total
    assert not at.exception and len(shown) == pending and set(shown["Status"]) == {"Pending"}
