"""The officers page and the officer's own record with AppTest on the generated demo database.

Tests that submit the assignment form run on a private copy of the demo database, so the shared one stays
untouched.
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from sqlalchemy import func, select

from components.i18n import translate, translate_plural
from components.officer_views import decisions_link
from data import officers as reads
from data.db import make_engine, transaction
from data.models import AppUser, Assignment, AuditLog, Officer
from domain.scope import Actor, Scope
from tests.apptest_support import page, texts


def _engine(url: str):
    return make_engine(url)


def _user(url: str, username: str) -> AppUser:
    engine = _engine(url)
    with transaction(engine) as s:
        user = s.scalar(select(AppUser).where(AppUser.username == username))
        s.expunge(user)
    engine.dispose()
    return user


def _officer_outside(url: str, cooperative_id: int) -> int:
    engine = _engine(url)
    with transaction(engine) as s:
        officer_id = s.scalar(select(Officer.id).where(Officer.cooperative_id != cooperative_id).limit(1))
    engine.dispose()
    return officer_id


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("username", ["director", "supervisor", "supervisor_c1", "auditor"])
def test_page_renders_for_every_allowed_role(demo_db_url, username, lang):
    at = page("officers", username=username, lang=lang)
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    shown = texts(at)
    assert translate("nav.officers", lang) in shown and translate("officers.gap.title", lang) in shown
    assert len(at.metric) == 9
    assert at.metric[-1].label == translate("unowned.kpi", lang)
    assert at.get("plotly_chart"), "the recovery chart has data"
    assert at.dataframe, "the officer table is shown"
    assert len(at.get("download_button")) >= 2
    assign_area = bool(at.get("form")) or translate("officers.form.all_assigned", lang) in shown
    assert assign_area is username.startswith("supervisor")
    if username in ("director", "supervisor", "auditor"):  # the union: officer, cooperative and on-time charts
        assert len(at.get("plotly_chart")) == 3


def test_officer_table_lists_every_officer_in_scope_with_laggards_first(demo_db_url):
    at = page("officers", username="supervisor_c1")
    user = _user(demo_db_url, "supervisor_c1")
    engine = _engine(demo_db_url)
    with transaction(engine) as s:
        in_scope = s.scalar(select(func.count()).select_from(Officer)
                            .where(Officer.cooperative_id == user.cooperative_id))
    engine.dispose()
    table = at.dataframe[0].value
    assert len(table) == in_scope
    flags = list(table[translate("officers.col.flag", "en")])
    behind = translate("officers.flag.laggard", "en")
    assert flags == sorted(flags, key=lambda f: f != behind), "laggards come first"


@pytest.mark.parametrize("username", ["officer", "admin"])
def test_forbidden_roles(demo_db_url, username):
    at = page("officers", username=username)
    assert [e.value for e in at.error] == [translate("frame.forbidden", "en")]
    assert not at.metric and not at.dataframe


def test_anonymous_gets_the_login_prompt(demo_db_url):
    for name in ("officers", "my_record"):
        at = page(name, username=None)
        assert translate("login.prompt", "en") in [i.value for i in at.info]
        assert not at.metric and not at.dataframe


@pytest.mark.parametrize("lang", ["en", "es"])
def test_officer_sees_only_their_own_record(demo_db_url, lang):
    at = page("my_record", username="officer", lang=lang)
    assert not at.exception and not at.error
    user = _user(demo_db_url, "officer")
    engine = _engine(demo_db_url)
    with transaction(engine) as s:
        name = s.get(Officer, user.officer_id).name
        own = reads.list_assignments(s, scope=Scope(officer_id=user.officer_id), officer_id=user.officer_id,
                                     month=dt.date(2026, 10, 1))
    engine.dispose()
    assert name in [h.value for h in at.subheader]
    assert len(at.metric) == 8
    assert [f.form_id for f in at.button if f.form_id] == ["my_record.action"], "only the collection form"
    assert len(at.dataframe[0].value) == len(own) > 0, "their assignments, all of them"
    assert at.get("plotly_chart"), "their recoveries and loans are charted"


@pytest.mark.parametrize("username", ["director", "supervisor", "auditor", "admin"])
def test_my_record_is_for_officers_only(demo_db_url, username):
    at = page("my_record", username=username)
    assert [e.value for e in at.error] == [translate("frame.forbidden", "en")]


def test_detail_by_url_for_a_supervisor(demo_db_url):
    officer_id = _user(demo_db_url, "officer").officer_id
    at = page("officers", username="supervisor", query={"officer": str(officer_id)})
    assert not at.exception and not at.error
    assert len(at.metric) == 8
    assert at.button(key="officers.back") is not None
    assert translate("officers.form.reassign_title", "en") in [e.label for e in at.expander]
    at.button(key="officers.back").click().run()
    assert "officer" not in at.query_params and not at.exception
    assert translate("officers.gap.title", "en") in texts(at), "back to the list"


@pytest.mark.parametrize("username", ["director", "auditor"])
def test_detail_has_no_reassign_form_for_read_only_roles(demo_db_url, username):
    officer_id = _user(demo_db_url, "officer").officer_id
    at = page("officers", username=username, query={"officer": str(officer_id)})
    assert not at.exception and len(at.metric) == 8
    assert not at.get("form") and not at.expander


def test_forged_officer_outside_scope_is_refused(demo_db_url):
    user = _user(demo_db_url, "supervisor_c1")
    outsider = _officer_outside(demo_db_url, user.cooperative_id)
    for forged in (str(outsider), "999999"):
        at = page("officers", username="supervisor_c1", query={"officer": forged})
        assert not at.exception
        assert [e.value for e in at.error] == [translate("officers.detail.not_found", "en")]
        assert not at.metric and not at.dataframe and not at.get("plotly_chart")


def test_picking_an_officer_opens_the_detail(demo_db_url):
    at = page("officers", username="supervisor")
    picker = next(s for s in at.selectbox if str(s.key).startswith("officers.pick."))
    chosen = picker.options[0]
    picker.select(chosen).run()
    assert not at.exception
    assert at.query_params.get("officer") and at.button(key="officers.back") is not None
    assert chosen in [h.value for h in at.subheader]


def test_gap_links_follow_the_decisions_contract(demo_db_url):
    link = decisions_link(7, [12, 30])
    assert link == "decisions?propose=1&officer=7&assignments=12,30"
    query = parse_qs(urlsplit(link).query)
    assert query == {"propose": ["1"], "officer": ["7"], "assignments": ["12,30"]}
    at = page("officers", username="supervisor")
    frames = [d.value for d in at.dataframe]
    links = [v for f in frames if "link" in f.columns for v in f["link"]]
    assert links and all(v.startswith("decisions?propose=1&officer=") for v in links)


# --- the assignment form, on a private copy ------------------------------------------------------------------------
@pytest.fixture
def private_db(private_demo_url):
    return private_demo_url


def _counts(url: str) -> tuple[int, int]:
    engine = _engine(url)
    with transaction(engine) as s:
        result = (s.scalar(select(func.count()).select_from(Assignment)),
                  s.scalar(select(func.count()).select_from(AuditLog)))
    engine.dispose()
    return result


def _choice(url: str) -> tuple[int, int, int]:
    """An NPL with no responsible officer, an active officer of its cooperative, its balance.

    The demo gives every NPL an open assignment, so the largest one's is first closed as missed here.
    """
    engine = _engine(url)
    month = dt.date(2026, 10, 1)
    with transaction(engine) as s:
        if reads.list_assignable_npls(s, scope=Scope.union(), month=month).empty:
            largest = s.scalars(select(Assignment).where(Assignment.outcome == "open")
                                .order_by(Assignment.target_cents.desc())).first()
            largest.outcome, largest.closed_on = "missed", largest.deadline
    with transaction(engine) as s:
        npl = reads.list_assignable_npls(s, scope=Scope.union(), month=month).iloc[0]
        officer = reads.list_officers(s, scope=Scope.cooperative(int(npl.cooperative_id)), active_only=True).iloc[0]
    engine.dispose()
    return int(npl.loan_id), int(officer.id), int(npl.balance_cents)


def _fill(at, *, loan_id=None, officer_id=None, target=None, deadline=None):
    if loan_id is not None:
        at.selectbox(key="officers.assign.loan").select(loan_id)
    if officer_id is not None:
        at.selectbox(key="officers.assign.officer").select(officer_id)
    if target is not None:
        at.number_input(key="officers.assign.target").set_value(target)
    if deadline is not None:
        at.date_input(key="officers.assign.deadline").set_value(deadline)
    next(b for b in at.button if b.label == translate("officers.form.assign", "en")).click()
    return at.run()


def _errors(at) -> list[str]:
    return [e.value for e in at.error]


@pytest.mark.parametrize("case", ["no_loan", "no_officer", "zero_target", "above_balance", "deadline_today"])
def test_assign_form_refuses_bad_input_and_writes_nothing(private_db, case):
    loan_id, officer_id, balance = _choice(private_db)
    today = dt.date.today()
    good = dict(loan_id=loan_id, officer_id=officer_id, target=(balance // 2) / 100, deadline=today + dt.timedelta(days=90))
    bad, key = {
        "no_loan": ({"loan_id": None}, "error.assignments.loan_out_of_scope"),
        "no_officer": ({"officer_id": None}, "error.assignments.officer_out_of_scope"),
        "zero_target": ({"target": 0.0}, "error.assignments.target_not_positive"),
        "above_balance": ({"target": balance / 100 + 1}, "error.assignments.target_above_balance"),
        "deadline_today": ({"deadline": today}, "error.assignments.deadline_not_after_assignment"),
    }[case]
    before = _counts(private_db)
    at = _fill(page("officers", username="supervisor"), **(good | bad))
    assert not at.exception
    errors = _errors(at)
    expected = translate(key, "en", balance=f"{balance / 100:,.2f}", assigned_on=today.isoformat())
    assert len(errors) == 1 and expected in errors[0] and translate("common.nothing_written", "en") in errors[0]
    assert _counts(private_db) == before
    if bad.get("target") is not None:  # the form keeps what was typed
        assert at.number_input(key="officers.assign.target").value == bad["target"]


def test_good_assignment_writes_one_row_and_one_audit_row(private_db):
    loan_id, officer_id, balance = _choice(private_db)
    before = _counts(private_db)
    deadline = dt.date.today() + dt.timedelta(days=90)
    at = _fill(page("officers", username="supervisor"), loan_id=loan_id, officer_id=officer_id,
               target=(balance // 2) / 100, deadline=deadline)
    assert not at.exception and not at.error
    assert translate("officers.form.assigned", "en") in [s.value for s in at.success]
    assert _counts(private_db) == (before[0] + 1, before[1] + 1)
    engine = _engine(private_db)
    with transaction(engine) as s:
        row = s.scalars(select(Assignment).order_by(Assignment.id.desc())).first()
        audit = s.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
        assert (row.loan_id, row.officer_id, row.deadline, row.outcome) == (loan_id, officer_id, deadline, "open")
        assert row.target_cents == balance // 2
        assert (audit.action, audit.username) == ("assignment.create", "supervisor")
    engine.dispose()


def test_officer_can_log_a_collection_on_their_own_page(demo_db_url):
    at = page("my_record", username="officer")
    assert not at.exception
    assert any(s.value == "Record a collection action" for s in at.subheader)
    assert at.text_input(key="my_record.action.contract") is not None


# --- NPLs with no named person and their bulk assignment, on a private copy --------------------------------------------
LATEST = dt.date(2026, 10, 1)


def free_npls(url: str, per_cooperative: int = 3) -> None:
    """Close the open assignments of a few NPLs per cooperative as missed: the demo leaves no NPL unowned."""
    from data.models import LoanMonth

    engine = _engine(url)
    with transaction(engine) as s:
        open_npls = s.scalars(select(Assignment)
                              .join(LoanMonth, (LoanMonth.loan_id == Assignment.loan_id) & (LoanMonth.month == LATEST))
                              .where(Assignment.outcome == "open",
                                     LoanMonth.loan_class.in_(("substandard", "doubtful", "loss")))
                              .order_by(Assignment.cooperative_id, Assignment.id)).all()
        taken: dict[int, int] = {}
        for row in open_npls:
            if taken.get(row.cooperative_id, 0) < per_cooperative:
                row.outcome, row.closed_on = "missed", row.deadline
                taken[row.cooperative_id] = taken.get(row.cooperative_id, 0) + 1
    engine.dispose()


def _unowned(url: str, scope: Scope) -> tuple[int, int]:
    from tests.apptest_support import read_demo
    return read_demo(url, reads.unowned_npl_totals, scope=scope, month=LATEST)


def _preview(at):
    return next(d for d in at.dataframe if "officer_id" in d.value.columns).value


def _choose_every_cooperative(at):
    for key in [s.key for s in at.selectbox if str(s.key).startswith("unowned.bulk.coop.")]:
        box = at.selectbox(key=key)
        box.select(box.options[0]).run()
    return at


@pytest.mark.parametrize("username", ["supervisor", "supervisor_c1"])
def test_bulk_preview_proposes_an_officer_for_every_npl_in_scope(private_db, username):
    free_npls(private_db)
    user = _user(private_db, username)
    scope = Scope.union() if user.cooperative_id is None else Scope.cooperative(user.cooperative_id)
    count, cents = _unowned(private_db, scope)
    assert count == (12 if username == "supervisor" else 3)
    at = page("officers", username=username)
    assert not at.exception and not at.error
    card = next(m for m in at.metric if m.label == translate("unowned.kpi", "en"))
    assert card.value == f"{count:,}"
    expected = _demo_list(private_db, scope)
    preview = _preview(at)
    assert list(preview.contract_no) == list(expected.contract_no), "every NPL in scope, largest first"
    assert list((preview.target * 100).round().astype(int)) == list(expected.balance_cents)
    assert set(preview.deadline) == {dt.date.today() + dt.timedelta(days=180)}
    coop_boxes = sorted(int(str(s.key).rsplit(".", 1)[1]) for s in at.selectbox
                        if str(s.key).startswith("unowned.bulk.coop."))
    assert coop_boxes == sorted(set(expected.cooperative_id[(expected.segment == "old") | ~expected.originator_active]))
    officers_in = _demo_officers(private_db, scope)
    for key in coop_boxes:  # only the active officers of that cooperative
        assert set(at.selectbox(key=f"unowned.bulk.coop.{key}").options) == {
            f"{r.name} · {r.employee_no}" for r in officers_in.itertuples() if r.cooperative_id == key}
    # new NPLs of active granting officers are proposed to them; the rest wait for a choice
    proposed = {r.contract_no: r.officer_id for r in preview.itertuples()}
    for r in expected.itertuples():
        if r.segment == "new" and r.originator_active:
            assert proposed[r.contract_no] == r.originator_id
        else:
            assert proposed[r.contract_no] is None or pd.isna(proposed[r.contract_no])


def _demo_list(url: str, scope: Scope):
    from tests.apptest_support import read_demo
    return read_demo(url, reads.list_assignable_npls, scope=scope, month=LATEST)


def _demo_officers(url: str, scope: Scope):
    from tests.apptest_support import read_demo
    return read_demo(url, reads.list_officers, scope=scope, active_only=True)


def test_confirming_the_preview_assigns_every_row_in_one_audited_batch(private_db):
    free_npls(private_db)
    count, _ = _unowned(private_db, Scope.union())
    before = _counts(private_db)
    at = _choose_every_cooperative(page("officers", username="supervisor"))
    assert at.button(key="unowned.bulk.confirm").label == translate("unowned.bulk.confirm", "en", count=f"{count:,}")
    at.button(key="unowned.bulk.confirm").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert translate_plural("unowned.bulk.done", count, "en") in [s.value for s in at.success]
    assert _counts(private_db) == (before[0] + count, before[1] + 1)
    assert _unowned(private_db, Scope.union()) == (0, 0)
    card = next(m for m in at.metric if m.label == translate("unowned.kpi", "en"))
    assert card.value == "0"


def test_a_loan_assigned_meanwhile_refuses_the_batch_and_writes_nothing(private_db):
    from data import assignments

    free_npls(private_db)
    at = _choose_every_cooperative(page("officers", username="supervisor"))
    preview = _preview(at)
    taken = _demo_list(private_db, Scope.union()).iloc[1]
    officer_id = int(_demo_officers(private_db, Scope.cooperative(int(taken.cooperative_id))).iloc[0].id)
    actor_user = _user(private_db, "supervisor")
    engine = _engine(private_db)
    with transaction(engine) as s:  # someone else assigns the second row after the preview was read
        assignments.create(s, actor=Actor(actor_user.id, "supervisor", "supervisor", Scope.union()),
                           loan_id=int(taken.loan_id), officer_id=officer_id, target_cents=100,
                           deadline=dt.date.today() + dt.timedelta(days=30))
    engine.dispose()
    before = _counts(private_db)
    at.button(key="unowned.bulk.confirm").click().run()
    assert not at.exception
    message = translate("common.row_label", "en", row=2, label=preview.contract_no[1])
    errors = _errors(at)
    assert len(errors) == 1 and message in errors[0]
    assert translate("error.assignments.already_assigned", "en") in errors[0]
    assert translate("common.nothing_written", "en") in errors[0]
    assert _counts(private_db) == before


@pytest.mark.parametrize("username", ["director", "auditor"])
def test_read_only_roles_see_the_unowned_list_but_no_bulk_assignment(private_db, username):
    free_npls(private_db)
    at = page("officers", username=username)
    assert not at.exception
    assert translate("unowned.title", "en") in texts(at)
    assert not any("officer_id" in d.value.columns for d in at.dataframe)
    assert not [b for b in at.button if b.key == "unowned.bulk.confirm"]


@pytest.mark.parametrize("segment", [None, "old", "new"])
def test_gap_card_counts_undecided_assignments_and_unowned_npls_in_the_segment(demo_facts, segment):
    """The accountability gap card: missed or overdue assignments with no decision plus NPLs with no named
    person (DOMAIN.md), those awaiting approval beneath; every figure follows the segment filter."""
    from data import portfolio
    from domain import accountability
    from tests.apptest_support import read_demo

    url, _, _ = demo_facts
    at = page("officers", username="director", query={"segment": segment} if segment else None)
    assert not at.exception
    today, month = dt.date.today(), read_demo(url, portfolio.list_months)[-1]
    counts = read_demo(url, reads.gap_counts, scope=Scope.union(), today=today, segment=segment)
    unowned, _ = read_demo(url, reads.unowned_npl_totals, scope=Scope.union(), month=month, segment=segment)
    card = next(m for m in at.metric if m.label == translate("officers.kpi.gaps", "en"))
    assert card.value == f"{accountability.accountability_gap(counts, unowned):,}"
    assert card.delta == f"{counts['awaiting_approval']:,} awaiting approval"
    open_card = next(m for m in at.metric if m.label == translate("officers.kpi.open", "en"))
    by_status = read_demo(url, reads.assignments_by_status, scope=Scope.union(), today=today, month=month,
                          segment=segment)
    assert open_card.value == f"{int(by_status[by_status.status.isin(accountability.OPEN_STATUSES)]['count'].sum()):,}"
