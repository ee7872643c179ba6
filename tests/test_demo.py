"""The demo generator tells the story every page depends on (DOMAIN.md), deterministically, on both backends."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, func, select

from data import demo
from data.db import make_engine, transaction, upgrade_schema
from data.models import (AppUser, Assignment, AuditLog, CollectionAction, Cooperative, Decision, DecisionAssignment,
                         ForeclosedAsset, LegalCase, Loan, LoanMonth, PortfolioMonth, Review)
from data.passwords import verify_password
from data.settings import get as get_settings
from domain import assets as asset_rules
from domain import decisions as dec
from domain.classes import NPL_CLASSES, floor_class, severity
from domain.methods import ACTION_OUTCOMES, LEGAL_STAGES, METHODS, VILLAGE, VILLAGE_SOURCES
from domain.months import month_end, previous_month

END = dt.date(2026, 6, 1)
# a small but dense demo: few officers so each one holds enough loans for every part of the story
SMALL = {"loans": 1000, "months": 36, "seed": 3, "end_month": END, "cooperatives": 3, "officers": 15}


def _npl_balance(session, month: dt.date, *, old: bool, cutoff: dt.date) -> int:
    segment = Loan.issue_date < cutoff if old else Loan.issue_date >= cutoff
    return session.scalar(select(func.coalesce(func.sum(LoanMonth.outstanding_cents), 0))
                          .join(Loan, Loan.id == LoanMonth.loan_id)
                          .where(LoanMonth.month == month, LoanMonth.loan_class.in_(NPL_CLASSES), segment))


def _fingerprint(engine: Engine) -> dict:
    """Totals that change if any generated row changes."""
    with transaction(engine) as session:
        def total(*columns):
            return tuple(session.execute(select(*(func.coalesce(func.sum(c), 0) for c in columns),
                                                func.count())).one())

        return {
            "loan": total(Loan.principal_cents, Loan.rate_bp, Loan.officer_id),
            "loan_month": total(LoanMonth.outstanding_cents, LoanMonth.overdue_cents, LoanMonth.days_past_due),
            "classes": sorted(session.execute(select(LoanMonth.loan_class, func.count())
                                              .group_by(LoanMonth.loan_class)).all()),
            "assignment": total(Assignment.target_cents, Assignment.officer_id),
            "action": total(CollectionAction.recovered_cents, CollectionAction.cost_cents),
            "legal": total(LegalCase.claim_cents, LegalCase.recovered_cents),
            "asset": total(ForeclosedAsset.book_value_cents, ForeclosedAsset.proceeds_cents),
            "decisions": sorted(session.execute(select(Decision.kind, Decision.status, Decision.officer_id)).all()),
            "reviews": total(Review.officer_id),
        }


def test_demo_tells_the_story(engine, tmp_path):
    """One generation per backend (they are the slow part), checked for every part of DOMAIN.md's story."""
    summary = demo.generate(engine, **SMALL)
    _check_deterministic(engine, summary, tmp_path)
    _check_portfolio(engine, summary)
    _check_collection(engine, summary)
    _check_users(engine, summary)


def _check_deterministic(engine: Engine, first: demo.DemoSummary, tmp_path) -> None:
    """Same seed and end month on a fresh database: the same rows (also across SQLite and PostgreSQL)."""
    other = make_engine(f"sqlite:///{tmp_path / 'again.db'}")
    upgrade_schema(other)
    try:
        second = demo.generate(other, **SMALL)
        assert first == second  # every count; elapsed time is not compared
        assert _fingerprint(engine) == _fingerprint(other)
    finally:
        other.dispose()
    assert first.loans >= SMALL["loans"] and first.loan_months > 0
    assert first.segment_cutoff == previous_month(END, 24)  # 36 months of history: 12 before the cutoff


def _check_portfolio(engine: Engine, summary: demo.DemoSummary) -> None:
    """Old stock shrinking, new NPLs appearing, migrating classes, hidden NPLs, evergreening, aggregates."""
    end, cutoff = summary.end_month, summary.segment_cutoff
    with transaction(engine) as session:
        settings = get_settings(session)
        assert settings.segment_cutoff == cutoff and settings.npl_reduction_target_pct == 15
        # the old stock shrinks under collection; new NPLs keep appearing
        assert _npl_balance(session, cutoff, old=True, cutoff=cutoff) > 0
        assert _npl_balance(session, end, old=True, cutoff=cutoff) < _npl_balance(session, cutoff, old=True,
                                                                                  cutoff=cutoff)
        assert _npl_balance(session, end, old=False, cutoff=cutoff) > 0
        # rows are consistent: arrears only when overdue, never more than the balance
        assert not session.scalar(select(func.count()).select_from(LoanMonth).where(
            ((LoanMonth.days_past_due == 0) & (LoanMonth.overdue_cents != 0))
            | ((LoanMonth.days_past_due > 0) & (LoanMonth.overdue_cents == 0))
            | (LoanMonth.overdue_cents > LoanMonth.outstanding_cents)))
        # classes migrate month to month, both worse and better (a cure)
        moves = _moves(session)
        assert any(severity(y) > severity(x) for x, y in moves)
        assert any(severity(y) < severity(x) for x, y in moves)
        assert {"normal", "special_mention", "substandard", "doubtful", "loss"} <= {y for _, y in moves}
        # the class follows the regulatory floor in the vast majority of rows; a few hide an NPL
        rows = session.execute(select(LoanMonth.loan_class, LoanMonth.days_past_due, func.count())
                               .where(LoanMonth.days_past_due > 0)
                               .group_by(LoanMonth.loan_class, LoanMonth.days_past_due)).all()
        better = sum(n for cls, dpd, n in rows if severity(cls) < severity(floor_class(dpd)))
        assert 0 < better < 0.05 * sum(n for *_, n in rows)
        assert any(dpd > 90 and cls not in NPL_CLASSES for cls, dpd, _ in rows)  # a hidden NPL
        # evergreening: a refinancing loan issued within 30 days after the overdue old loan's last month
        refinancing = session.execute(select(Loan.issue_date, func.max(LoanMonth.month))
                                      .join(LoanMonth, LoanMonth.loan_id == Loan.refinances_loan_id)
                                      .where(Loan.refinances_loan_id.is_not(None))
                                      .group_by(Loan.id, Loan.issue_date)).all()
        assert refinancing
        assert all(0 <= (issued - month_end(last)).days <= 30 for issued, last in refinancing)
        assert session.scalar(select(func.count()).select_from(Loan).where(Loan.purpose == "interest_payment"))
        assert session.scalar(select(func.count()).select_from(Loan).where(Loan.restructured_on.is_not(None)))
        # the pre-aggregates match the loan rows
        for month in (cutoff, end):
            assert session.execute(select(func.sum(PortfolioMonth.balance_cents), func.sum(PortfolioMonth.loan_count))
                                   .where(PortfolioMonth.month == month)).one() == \
                session.execute(select(func.sum(LoanMonth.outstanding_cents), func.count())
                                .where(LoanMonth.month == month)).one()
        assert session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "demo.generate", AuditLog.username == "system")) == 1


def _moves(session) -> set[tuple[str, str]]:
    """(class in a month, class the next month) pairs of the same loan."""
    rows = session.execute(select(LoanMonth.loan_id, LoanMonth.month, LoanMonth.loan_class)
                           .order_by(LoanMonth.loan_id, LoanMonth.month)).all()
    return {(x.loan_class, y.loan_class) for x, y in zip(rows, rows[1:])
            if x.loan_id == y.loan_id and previous_month(y.month) == x.month}


def _check_collection(engine: Engine, summary: demo.DemoSummary) -> None:
    """Methods, recoveries lowering balances, assignments and their gap, legal cases, assets, decisions."""
    end_day = month_end(summary.end_month)
    with transaction(engine) as session:
        actions = session.execute(select(CollectionAction)).scalars().all()
        assert {a.method for a in actions} == set(METHODS)
        assert {a.outcome for a in actions} <= set(ACTION_OUTCOMES)
        assert all(a.action_date <= end_day for a in actions)
        assert {a.village_source for a in actions if a.method == VILLAGE} <= set(VILLAGE_SOURCES)
        assert all(a.village_source for a in actions if a.method == VILLAGE)
        # every recovery lowers the next balance: for an NPL, month-end balance falls by exactly what was recovered
        recovered: dict[tuple[int, dt.date], int] = {}
        for a in actions:
            key = (a.loan_id, a.action_date.replace(day=1))
            recovered[key] = recovered.get(key, 0) + a.recovered_cents
        rows = session.execute(select(LoanMonth.loan_id, LoanMonth.month, LoanMonth.outstanding_cents,
                                      LoanMonth.days_past_due).order_by(LoanMonth.loan_id, LoanMonth.month)).all()
        checked = 0
        for x, y in zip(rows, rows[1:]):
            if x.loan_id == y.loan_id and x.days_past_due > 90 and y.days_past_due > 0:
                assert x.outstanding_cents - y.outstanding_cents == recovered.get((y.loan_id, y.month), 0)
                checked += 1
        assert checked > 100
        # assignments: every outcome, targets within the balance, late and missed ones, the accountability gap
        assignments = session.execute(select(Assignment)).scalars().all()
        assert {a.outcome for a in assignments} == {"open", "recovered", "partial", "missed", "reassigned"}
        balance_before = {(r.loan_id, r.month): r.outstanding_cents for r in rows}
        for a in assignments:  # balances only fall for an NPL, so the month before bounds the balance assigned
            before = balance_before.get((a.loan_id, previous_month(a.assigned_on.replace(day=1))))
            assert before is None or a.target_cents <= before
            assert a.closed_on is None or a.closed_on >= a.assigned_on
        npl_at_end = set(session.scalars(select(LoanMonth.loan_id).where(
            LoanMonth.month == summary.end_month, LoanMonth.loan_class.in_(NPL_CLASSES))))
        assert npl_at_end <= {a.loan_id for a in assignments if a.outcome == "open"}  # every NPL has its officer
        by_id = {a.id: a for a in assignments}
        assert any(by_id[a.previous_assignment_id].outcome == "reassigned" for a in assignments
                   if a.previous_assignment_id)
        decided = set(session.scalars(select(DecisionAssignment.assignment_id)))
        assert any(a.outcome == "missed" and a.id not in decided for a in assignments)
        assert any(a.outcome == "open" and a.deadline < end_day and a.id not in decided for a in assignments)
        assert any(a.outcome == "open" and 0 <= (a.deadline - end_day).days <= 30 for a in assignments)
        assert any(a.outcome == "recovered" and a.closed_on > a.deadline for a in assignments)  # met late
        # legal cases at every stage, dates in order, recovered = the legal actions' recoveries
        cases = session.execute(select(LegalCase)).scalars().all()
        assert {c.stage for c in cases} == set(LEGAL_STAGES)
        for c in cases:
            reached = {"judgment": c.judgment_on is not None, "enforcement": c.enforcement_on is not None,
                       "closed": c.closed_on is not None}
            assert reached == {stage: LEGAL_STAGES.index(c.stage) >= LEGAL_STAGES.index(stage) for stage in reached} \
                or (c.stage == "closed" and reached["closed"])  # settled before a judgment: closed early
            assert c.judgment_on is None or c.judgment_on >= c.filed_on
            assert c.enforcement_on is None or c.enforcement_on >= c.judgment_on
            assert c.closed_on is None or c.closed_on >= c.filed_on
            legal = [a for a in actions if a.loan_id == c.loan_id and a.method == "legal"]
            assert c.recovered_cents == sum(a.recovered_cents for a in legal)
            assert c.costs_cents == sum(a.cost_cents for a in legal)
        # foreclosed assets: every type, on and off the balance sheet, pending ones past and within the limit
        assets = session.execute(select(ForeclosedAsset)).scalars().all()
        assert {a.asset_type for a in assets} == set(asset_rules.ASSET_TYPES)
        assert {a.on_balance_sheet for a in assets} == {True, False}
        assert {a.status for a in assets} == set(asset_rules.STATUSES)

        def past_limit(a: ForeclosedAsset) -> bool:
            return asset_rules.disposal_deadline(a.acquired_on, asset_rules.limit_years(a.asset_type)) < end_day

        assert any(a.status == "pending" and past_limit(a) for a in assets)
        assert any(a.status == "pending" and not past_limit(a) for a in assets)
        for a in assets:
            if a.status == "disposed":
                assert a.disposal_method in asset_rules.DISPOSAL_METHODS
                assert a.acquired_on <= a.disposed_on <= end_day and a.proceeds_cents is not None
                # booked as the disposal form books it: net proceeds capped at the balance, the cost on the asset
                booked = [x for x in actions if x.loan_id == a.loan_id and x.method == "asset_disposal"
                          and x.action_date == a.disposed_on]
                net = asset_rules.net_proceeds(a.proceeds_cents, a.disposal_cost_cents)
                assert len(booked) == 1 and booked[0].cost_cents == 0 and 0 < a.disposal_cost_cents
                assert booked[0].recovered_cents == net or (booked[0].recovered_cents < net
                                                              and booked[0].outcome == "paid_full")
            else:
                assert a.disposed_on is None and a.disposal_method is None
        # decisions: every kind and status, four eyes, revocations with a reason
        decisions = session.execute(select(Decision)).scalars().all()
        assert {d.kind for d in decisions} == set(dec.KINDS)
        assert {d.status for d in decisions} == set(dec.STATUSES)
        for d in decisions:
            if d.status == "pending":
                assert d.decided_by_id is None
            else:
                assert d.decided_by_id is not None and d.decided_by_id != d.proposed_by_id and d.decision_comment
            assert (d.status == "revoked") == bool(d.revocation_reason)
            assert (d.amount_cents is not None) == (d.kind in dec.KINDS_WITH_AMOUNT)
            assert (d.months is not None) == (d.kind in dec.KINDS_WITH_MONTHS)
        assert session.scalar(select(func.count()).select_from(Review)) > 0


def _check_users(engine: Engine, summary: demo.DemoSummary) -> None:
    """One login per role (and a cooperative-scoped supervisor); the officer login holds overdue work."""
    end_day = month_end(summary.end_month)
    with transaction(engine) as session:
        users = {u.username: u for u in session.scalars(select(AppUser))}
        first_coop = session.scalar(select(Cooperative.id).where(Cooperative.code == "C01"))
        assert set(users) == {"director", "supervisor", "officer", "auditor", "admin", "supervisor_c1"}
        for username, password, role, scope in demo.DEMO_USERS:
            user = users[username]
            assert password == f"{username}-demo" and user.role == role
            assert user.cooperative_id == (first_coop if scope else None)
            assert verify_password(password, user.password_hash) and user.display_name and user.email
        officer = users["officer"]
        assert officer.officer_id is not None
        held = session.execute(select(Assignment).where(Assignment.officer_id == officer.officer_id)).scalars().all()
        assert held and all(a.cooperative_id == first_coop for a in held)
        assert any(a.outcome == "open" and a.deadline < end_day for a in held)
        assert all(u.officer_id is None for name, u in users.items() if name != "officer")


def test_ensure_demo_database_generates_once(engine):
    small = {**SMALL, "loans": 200, "months": 12}
    assert demo.ensure_demo_database(engine, **small) is True
    assert demo.ensure_demo_database(engine, **small) is False
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(Cooperative)) == small["cooperatives"]


def test_command_line_refuses_data_unless_replace(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    args = ["--url", url, "--loans", "200", "--months", "12", "--seed", "5", "--end", "2026-06"]
    assert demo.main(args) == 0
    assert "loans" in capsys.readouterr().out
    assert demo.main(args) == 2
    assert "--replace" in capsys.readouterr().err
    assert demo.main([*args, "--replace"]) == 0
    engine = make_engine(url)
    try:
        with transaction(engine) as session:
            assert session.scalar(select(func.count()).select_from(AppUser)) == len(demo.DEMO_USERS)
            assert session.scalar(select(func.max(LoanMonth.month))) == dt.date(2026, 6, 1)
    finally:
        engine.dispose()


@pytest.mark.parametrize("months, expected", [(36, 24), (24, 12), (12, 6), (6, 3)])
def test_cutoff_sits_inside_the_history(months, expected):
    assert demo.cutoff_months_before_end(months) == expected


def test_default_end_month_is_the_last_complete_month():
    assert demo.default_end_month(dt.date(2026, 3, 15)) == dt.date(2026, 2, 1)
    assert demo.default_end_month(dt.date(2026, 1, 1)) == dt.date(2025, 12, 1)
