"""Reference-data commands (data/reference.py): each valid change writes its row and exactly one audit row;
each refusal names its reason (an ``error.reference.*`` key with English and Spanish text) and writes
nothing; a cooperative's admin is held to their cooperative; nothing is ever deleted."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as hst
from sqlalchemy import func, select

from components.i18n import catalogs
from data import readiness, reference
from data.db import transaction
from data.errors import ValidationError
from data.models import AuditLog, Cooperative, Officer, Village
from data.users import actor_of
from domain.reference_rules import CODE_PATTERN, code_problem, name_problem
from domain.scope import Scope
from tests import factory
from tests.test_property_validators import PROPS, free_text

TODAY = dt.date(2026, 11, 30)


def _audit_count(engine) -> int:
    with transaction(engine) as s:
        return s.scalar(select(func.count()).select_from(AuditLog))


@pytest.fixture
def world(engine):
    """Two cooperatives (C02 deactivated later in some tests), a union admin, C01's admin, a director."""
    with transaction(engine) as s:
        c1, c2 = factory.cooperative(s, "C01"), factory.cooperative(s, "C02")
        admin = actor_of(factory.user(s, "admin", "admin"))
        local = actor_of(factory.user(s, "admin_c1", "admin", cooperative_id=c1.id))
        director = actor_of(factory.user(s, "boss", "director"))
        return {"c1": c1.id, "c2": c2.id, "admin": admin, "local": local, "director": director}


def run(engine, command, **arguments):
    with transaction(engine) as s:
        return command(s, **arguments)


def refused(engine, key: str, command, **arguments) -> None:
    """The command raises ``key``, writes nothing, and the key reads in both languages."""
    before = _audit_count(engine)
    with pytest.raises(ValidationError) as caught:
        run(engine, command, **arguments)
    assert caught.value.key == key
    assert key in catalogs()["en"] and key in catalogs()["es"]
    assert _audit_count(engine) == before


def test_a_union_admin_builds_the_reference_data_with_one_audit_row_each(engine, world):
    admin = world["admin"]
    coop = run(engine, reference.create_cooperative, actor=admin, code=" C03 ", name=" Qingshui ")
    village = run(engine, reference.create_village, actor=admin, code="130102-001", name="Zhangjiazhuang",
                  cooperative_id=coop.id)
    officer = run(engine, reference.create_officer, actor=admin, employee_no="E.0001/a", name="李伟",
                  cooperative_id=coop.id, today=TODAY)
    with transaction(engine) as s:
        assert (s.get(Cooperative, coop.id).code, s.get(Cooperative, coop.id).name) == ("C03", "Qingshui")
        assert s.get(Village, village.id).cooperative_id == coop.id
        stored = s.get(Officer, officer.id)
        assert (stored.name, stored.hired_on, stored.active) == ("李伟", TODAY, True), "hired today by default"
        rows = s.execute(select(AuditLog.action, AuditLog.username, AuditLog.before).order_by(AuditLog.id)).all()
    assert rows == [("cooperative.create", "admin", None), ("village.create", "admin", None),
                    ("officer.create", "admin", None)]


def test_deactivate_and_reactivate_never_delete_and_are_audited_by_name(engine, world):
    admin = world["admin"]
    officer = run(engine, reference.create_officer, actor=admin, employee_no="E1", name="Wang",
                  cooperative_id=world["c1"], hired_on=dt.date(2020, 3, 1), today=TODAY)
    common = dict(actor=admin, officer_id=officer.id, employee_no="E1", name="Wang", cooperative_id=world["c1"],
                  hired_on=dt.date(2020, 3, 1), today=TODAY)
    run(engine, reference.update_officer, **common, active=False)
    run(engine, reference.update_officer, **common, active=False)  # nothing changed: no audit row
    run(engine, reference.update_officer, **common, active=True)
    run(engine, reference.update_cooperative, actor=admin, cooperative_id=world["c2"], code="C02", name="Renamed",
        active=False)
    with transaction(engine) as s:
        actions = s.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
        assert s.get(Officer, officer.id).active is True
        assert s.get(Cooperative, world["c2"]).active is False
        assert s.scalar(select(func.count()).select_from(Cooperative)) == 2
        last = s.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert actions == ["officer.create", "officer.deactivate", "officer.reactivate", "cooperative.update"]
    assert '"name": "Cooperative C02"' in last.before and '"name": "Renamed"' in last.after


@pytest.mark.parametrize("code, name, key", [
    ("", "Name", "error.reference.code_required"), ("C 4", "Name", "error.reference.code_format"),
    ("C04", "  ", "error.reference.name_required"), ("C04", "x" * 121, "error.reference.name_too_long"),
    ("C04", "a\x00b", "error.reference.name_nul"), ("C01", "Twin", "error.reference.code_taken")])
def test_cooperative_codes_and_names_follow_the_shared_rules(engine, world, code, name, key):
    refused(engine, key, reference.create_cooperative, actor=world["admin"], code=code, name=name)


def test_village_and_officer_refusals(engine, world):
    admin = world["admin"]
    run(engine, reference.create_village, actor=admin, code="V1", name="One", cooperative_id=world["c1"])
    run(engine, reference.create_officer, actor=admin, employee_no="E1", name="Li", cooperative_id=world["c1"],
        today=TODAY)
    refused(engine, "error.reference.code_taken", reference.create_village, actor=admin, code="V1", name="Two",
            cooperative_id=world["c2"])
    refused(engine, "error.reference.cooperative_unknown", reference.create_village, actor=admin, code="V2",
            name="Two", cooperative_id=999)
    refused(engine, "error.reference.cooperative_unknown", reference.create_officer, actor=admin, employee_no="E2",
            name="Li", cooperative_id=None, today=TODAY)
    refused(engine, "error.reference.employee_no_taken", reference.create_officer, actor=admin, employee_no="E1",
            name="Other", cooperative_id=world["c2"], today=TODAY)
    refused(engine, "error.reference.code_format", reference.create_officer, actor=admin, employee_no="E 2",
            name="Other", cooperative_id=world["c2"], today=TODAY)
    refused(engine, "error.reference.hired_in_future", reference.create_officer, actor=admin, employee_no="E3",
            name="Other", cooperative_id=world["c2"], hired_on=TODAY + dt.timedelta(days=1), today=TODAY)
    refused(engine, "error.reference.hired_too_early", reference.create_officer, actor=admin, employee_no="E3",
            name="Other", cooperative_id=world["c2"], hired_on=dt.date(1901, 1, 1), today=TODAY)
    refused(engine, "error.reference.not_found", reference.update_village, actor=admin, village_id=999, code="V9",
            name="Nine", cooperative_id=world["c1"], active=True)
    run(engine, reference.update_cooperative, actor=admin, cooperative_id=world["c2"], code="C02", name="Two",
        active=False)
    refused(engine, "error.reference.cooperative_inactive", reference.create_village, actor=admin, code="V3",
            name="Three", cooperative_id=world["c2"])
    refused(engine, "error.reference.cooperative_inactive", reference.create_officer, actor=admin,
            employee_no="E4", name="Four", cooperative_id=world["c2"], today=TODAY)


def test_a_cooperative_admin_manages_only_their_cooperative(engine, world):
    local, admin = world["local"], world["admin"]
    other_village = run(engine, reference.create_village, actor=admin, code="V2", name="Two",
                        cooperative_id=world["c2"])
    other_officer = run(engine, reference.create_officer, actor=admin, employee_no="E2", name="Zhao",
                        cooperative_id=world["c2"], today=TODAY)
    own = run(engine, reference.create_officer, actor=local, employee_no="E1", name="Li", cooperative_id=world["c1"],
              today=TODAY)
    run(engine, reference.create_village, actor=local, code="V1", name="One", cooperative_id=world["c1"])
    refused(engine, "error.reference.union_admin_only", reference.create_cooperative, actor=local, code="C09",
            name="Mine")
    refused(engine, "error.reference.union_admin_only", reference.update_cooperative, actor=local,
            cooperative_id=world["c1"], code="C01", name="Renamed", active=True)
    refused(engine, "error.reference.cooperative_unknown", reference.create_village, actor=local, code="V3",
            name="Elsewhere", cooperative_id=world["c2"])
    refused(engine, "error.reference.not_found", reference.update_village, actor=local,
            village_id=other_village.id, code="V2", name="Taken over", cooperative_id=world["c1"], active=True)
    refused(engine, "error.reference.not_found", reference.update_officer, actor=local, officer_id=other_officer.id,
            employee_no="E2", name="Zhao", cooperative_id=world["c2"], hired_on=TODAY, active=False, today=TODAY)
    refused(engine, "error.reference.cooperative_unknown", reference.update_officer, actor=local, officer_id=own.id,
            employee_no="E1", name="Li", cooperative_id=world["c2"], hired_on=TODAY, active=True, today=TODAY)
    with transaction(engine) as s:
        listed = reference.list_cooperatives(s, actor=local)
        assert list(listed.code) == ["C01"]
        assert reference.list_villages(s, actor=local, cooperative_id=world["c2"]).empty
        assert list(reference.list_officers(s, actor=local, cooperative_id=world["c1"]).name) == ["Li"]


def test_only_admins_manage_reference_data(engine, world):
    for command, arguments in ((reference.create_cooperative, dict(code="C05", name="Five")),
                               (reference.create_village, dict(code="V5", name="Five", cooperative_id=world["c1"])),
                               (reference.create_officer, dict(employee_no="E5", name="Five",
                                                               cooperative_id=world["c1"]))):
        with pytest.raises(PermissionError):
            run(engine, command, actor=world["director"], **arguments)
    assert _audit_count(engine) == 0


def test_setup_counts_follow_the_scope(engine, world):
    admin = world["admin"]
    run(engine, reference.create_village, actor=admin, code="V1", name="One", cooperative_id=world["c1"])
    run(engine, reference.create_officer, actor=admin, employee_no="E1", name="Li", cooperative_id=world["c1"],
        today=TODAY)
    with transaction(engine) as s:
        union = readiness.setup_counts(s, scope=Scope.union())
        c2 = readiness.setup_counts(s, scope=Scope.cooperative(world["c2"]))
        present = readiness.present(s, scope=Scope.cooperative(world["c1"]), kinds=readiness.KINDS)
    assert union == {"cooperatives": 2, "villages": 1, "officers": 1, "users": 3, "tape": 0, "assignments": 0}
    assert c2 == {"cooperatives": 1, "villages": 0, "officers": 0, "users": 0, "tape": 0, "assignments": 0}
    assert present == {"cooperatives", "villages", "officers", "users"}


# --- properties: any typed text is stored exactly (trimmed) or refused for the shared rules' reason ------------
codes = hst.one_of(free_text, hst.from_regex(CODE_PATTERN, fullmatch=True), hst.from_regex(r" ?C[0-9]{1,3} ?",
                                                                                          fullmatch=True))


@PROPS
@given(code=codes, name=hst.one_of(free_text, hst.just("Hezhuang")))
def test_any_cooperative_entry_is_stored_exactly_or_refused_for_its_reason(world, engine, code, name):
    with transaction(engine) as s:
        existing = set(s.scalars(select(Cooperative.code)))
        audit_before = s.scalar(select(func.count()).select_from(AuditLog))
    problem = code_problem(code) or name_problem(name) or ("code_taken" if code.strip() in existing else None)
    try:
        created = run(engine, reference.create_cooperative, actor=world["admin"], code=code, name=name)
    except ValidationError as refusal:
        assert refusal.key == f"error.reference.{problem}"
        assert _audit_count(engine) == audit_before
        return
    assert problem is None
    with transaction(engine) as s:
        stored = s.get(Cooperative, created.id)
        assert (stored.code, stored.name, stored.active) == (code.strip(), name.strip(), True)
        assert s.scalar(select(func.count()).select_from(AuditLog)) == audit_before + 1


@PROPS
@given(employee_no=codes, name=free_text, hired_on=hst.dates(min_value=dt.date(1, 1, 1),
                                                             max_value=dt.date(9999, 12, 31)))
def test_any_officer_entry_is_stored_exactly_or_refused_for_its_reason(world, engine, employee_no, name, hired_on):
    with transaction(engine) as s:
        existing = set(s.scalars(select(Officer.employee_no)))
        audit_before = s.scalar(select(func.count()).select_from(AuditLog))
    problem = (code_problem(employee_no) or name_problem(name)
               or ("hired_in_future" if hired_on > TODAY else None)
               or ("hired_too_early" if hired_on < reference.EARLIEST_HIRED_ON else None)
               or ("employee_no_taken" if employee_no.strip() in existing else None))
    try:
        created = run(engine, reference.create_officer, actor=world["local"], employee_no=employee_no, name=name,
                      cooperative_id=world["c1"], hired_on=hired_on, today=TODAY)
    except ValidationError as refusal:
        assert refusal.key == f"error.reference.{problem}"
        assert _audit_count(engine) == audit_before
        return
    assert problem is None
    with transaction(engine) as s:
        stored = s.get(Officer, created.id)
        assert (stored.employee_no, stored.name, stored.hired_on) == (employee_no.strip(), name.strip(), hired_on)
        assert stored.cooperative_id == world["c1"]
