"""Reviews: the command refuses each bad input with nothing written; a good one writes one review + one audit row.

Fixture: cooperatives A and B; officers Ana (A), Ines (A, inactive), Bo (B); assignments a1 of Ana, b1 of Bo;
users sup_a (supervisor A), dir_a (director A), aud (auditor).
"""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from data import reviews
from data.db import transaction
from data.errors import ValidationError
from data.models import AuditLog, Review, ReviewAssignment
from data.users import actor_of
from domain.scope import Scope
from tests import factory as f

TODAY = dt.date.today()
START, END = dt.date(2025, 1, 1), dt.date(2025, 6, 30)


@pytest.fixture
def world(engine):
    with transaction(engine) as s:
        a, b = f.cooperative(s, "A"), f.cooperative(s, "B")
        ana, ines, bo = f.officer(s, a, "Ana"), f.officer(s, a, "Ines", active=False), f.officer(s, b, "Bo")
        la, lb = f.loan(s, a, ana, dt.date(2023, 1, 1), contract="LA"), f.loan(s, b, bo, dt.date(2023, 1, 1))
        a1 = f.assignment(s, la, ana, dt.date(2025, 1, 1), 500, dt.date(2025, 6, 30))
        b1 = f.assignment(s, lb, bo, dt.date(2025, 1, 1), 800, dt.date(2025, 6, 30))
        users = {name: actor_of(f.user(s, name, role, cooperative_id=coop)) for name, role, coop in (
            ("sup_a", "supervisor", a.id), ("dir_a", "director", a.id), ("aud", "auditor", None))}
    return engine, users, {"A": a.id, "ana": ana.id, "ines": ines.id, "bo": bo.id, "a1": a1.id, "b1": b1.id}


def counts(engine) -> tuple[int, int, int]:
    with transaction(engine) as s:
        return tuple(int(s.scalar(select(func.count()).select_from(m))) for m in (Review, ReviewAssignment, AuditLog))


def create(engine, actor, ids, **overrides):
    kwargs = dict(actor=actor, officer_id=ids["ana"], period_start=START, period_end=END, rating="good",
                  findings="Recovered 3 of 4 targets.", assignment_ids=[ids["a1"]]) | overrides
    with transaction(engine) as s:
        return reviews.create(s, **kwargs).id


def test_good_review_writes_one_review_and_one_audit_row(world):
    engine, users, ids = world
    findings = "Line 1\n<b>not bold</b> & 'quoted'"
    review_id = create(engine, users["sup_a"], ids, findings=findings)
    assert counts(engine) == (1, 1, 1)
    with transaction(engine) as s:
        review = s.get(Review, review_id)
        assert (review.findings, review.rating, review.cooperative_id) == (findings, "good", ids["A"])
        assert [a.id for a in review.assignments] == [ids["a1"]]
        audit = s.scalars(select(AuditLog)).one()
        assert (audit.action, audit.entity_id) == ("review.create", str(review_id))
        assert json.loads(audit.after)["findings"] == findings


@pytest.mark.parametrize("overrides, field, key", [
    ({"officer_id": "bo"}, "officer", "error.decisions.officer_unknown"),
    ({"officer_id": "ines"}, "officer", "error.decisions.officer_inactive"),
    ({"period_start": None}, "period", "error.reviews.period_required"),
    ({"period_start": END, "period_end": START}, "period", "error.reviews.period_order"),
    ({"period_end": TODAY + dt.timedelta(days=1)}, "period", "error.reviews.period_future"),
    ({"period_start": dt.date(2019, 1, 1)}, "period", "error.reviews.period_too_long"),
    ({"rating": "brilliant"}, "rating", "error.reviews.rating_unknown"),
    ({"findings": " "}, "findings", "error.reviews.findings_required"),
    ({"findings": "x" * 5001}, "findings", "error.reviews.findings_too_long"),
    ({"assignment_ids": ["b1"]}, "assignments", "error.decisions.assignment_not_officer"),
])
def test_each_bad_review_is_refused_with_nothing_written(world, overrides, field, key):
    engine, users, ids = world
    resolved = dict(overrides)
    if isinstance(resolved.get("officer_id"), str):
        resolved["officer_id"] = ids[resolved["officer_id"]]
    if "assignment_ids" in resolved:
        resolved["assignment_ids"] = [ids[i] for i in resolved["assignment_ids"]]
    with pytest.raises(ValidationError) as refused:
        create(engine, users["sup_a"], ids, **resolved)
    assert (refused.value.field, refused.value.key) == (field, key)
    assert counts(engine) == (0, 0, 0)


def test_edges_accepted_one_day_period_ending_today_and_5000_chars(world):
    engine, users, ids = world
    create(engine, users["sup_a"], ids, period_start=TODAY, period_end=TODAY, findings="y" * 5000, assignment_ids=[])
    assert counts(engine) == (1, 0, 1)


@pytest.mark.parametrize("who", ["dir_a", "aud"])
def test_only_supervisors_record_reviews(world, who):
    engine, users, ids = world
    with pytest.raises(PermissionError):
        create(engine, users[who], ids)
    assert counts(engine) == (0, 0, 0)


def test_list_is_scoped_newest_first_with_contracts(world):
    engine, users, ids = world
    first = create(engine, users["sup_a"], ids)
    second = create(engine, users["sup_a"], ids, rating="excellent", assignment_ids=[])
    with transaction(engine) as s:
        frame = reviews.list_(s, scope=Scope.union())
        assert list(frame["id"]) == [second, first]
        assert frame.set_index("id").loc[first, "assignments"] == f"LA (#{ids['a1']})"
        assert frame.set_index("id").loc[second, "assignments"] == ""
        assert reviews.list_(s, scope=Scope.union(), limit=1)["id"].tolist() == [second]
        assert reviews.count(s, scope=Scope.union(), officer_id=ids["ana"]) == 2
        assert reviews.count(s, scope=Scope.union(), officer_id=ids["bo"]) == 0
        assert reviews.list_(s, scope=Scope(cooperative_ids=frozenset({ids["A"] + 1}))).empty
        assert reviews.count(s, scope=Scope(officer_id=ids["ana"])) == 2
