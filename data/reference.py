"""Reference data managed on the admin page: cooperatives, villages and loan officers.

Why here: a real union starts with none of them, and every loan, assignment and decision points at them.
They are created and edited, deactivated and reactivated, never deleted -- history (loans, assignments,
reviews, decisions) keeps pointing at them, and a deactivated record is only left out of the pickers for new
records. Codes and names follow ``domain.reference_rules``, the rules the importer applies to files of the
same records, so a code typed here and a code in a file are accepted or refused alike.

Each command checks the role (``manage_reference``) and the actor's scope: a cooperative's admin
(``app_user.cooperative_id`` set) manages the villages and officers of that cooperative only and cannot create
or change cooperatives. A missing record and one outside the actor's scope get the same message, so the
forms tell a scoped admin nothing about other cooperatives. One transaction, one audit row with before/after.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.audit import record
from data.errors import ValidationError, require_role
from data.frames import frame as to_frame
from data.models import Cooperative, Officer, Village
from data.scoping import scoped
from domain.reference_rules import code_problem, name_problem
from domain.scope import Actor

ACTION = "manage_reference"
#: the oldest hiring date accepted (a typo guard: 0202 instead of 2020)
EARLIEST_HIRED_ON = dt.date(1950, 1, 1)


# --- checks ----------------------------------------------------------------------------------------------------
def _fail(field: str, problem: str) -> None:
    raise ValidationError(field, f"error.reference.{problem}")


def _check_code(value: str, field: str = "code") -> str:
    problem = code_problem(value)
    if problem:
        _fail(field, problem)
    return value.strip()


def _check_name(value: str) -> str:
    problem = name_problem(value)
    if problem:
        _fail("name", problem)
    return value.strip()


def _union_admin(actor: Actor) -> None:
    """Cooperatives are the union's: a cooperative's admin may not create or change them."""
    require_role(actor, ACTION)
    if actor.scope.cooperative_ids is not None:
        _fail("cooperative", "union_admin_only")


def _cooperative_for_new_record(session: Session, actor: Actor, cooperative_id: int | None) -> Cooperative:
    """The cooperative a village or officer belongs to: existing, in the actor's scope and active."""
    cooperative = session.get(Cooperative, cooperative_id) if cooperative_id is not None else None
    if cooperative is None or not actor.scope.allows(cooperative.id):
        _fail("cooperative", "cooperative_unknown")
    return cooperative


def _in_scope(actor: Actor, record_: Village | Officer | None, field: str) -> Village | Officer:
    if record_ is None or not actor.scope.allows(record_.cooperative_id):
        _fail(field, "not_found")
    return record_


def _taken(session: Session, column, value: str, own_id: int | None, id_column) -> bool:
    stmt = select(func.count()).where(column == value)
    if own_id is not None:
        stmt = stmt.where(id_column != own_id)
    return bool(session.scalar(stmt))


def _audit(session: Session, actor: Actor, entity: str, row_id: int, before: dict | None, after: dict) -> None:
    """One audit row named for what changed: create, deactivate, reactivate or update."""
    if before is None:
        verb = "create"
    elif before == after:
        return
    elif {k for k in after if after[k] != before.get(k)} == {"active"}:
        verb = "reactivate" if after["active"] else "deactivate"
    else:
        verb = "update"
    record(session, actor=actor, action=f"{entity}.{verb}", entity=entity, entity_id=row_id, before=before,
           after=after)


# --- cooperatives ------------------------------------------------------------------------------------------
def _cooperative_snapshot(row: Cooperative) -> dict:
    return {"code": row.code, "name": row.name, "active": bool(row.active)}


def create_cooperative(session: Session, *, actor: Actor, code: str, name: str) -> Cooperative:
    """A new member cooperative (union admin only); its code is unique."""
    _union_admin(actor)
    code, name = _check_code(code), _check_name(name)
    if _taken(session, Cooperative.code, code, None, Cooperative.id):
        _fail("code", "code_taken")
    row = Cooperative(code=code, name=name, active=True)
    session.add(row)
    session.flush()
    _audit(session, actor, "cooperative", row.id, None, _cooperative_snapshot(row))
    return row


def update_cooperative(session: Session, *, actor: Actor, cooperative_id: int, code: str, name: str,
                       active: bool) -> Cooperative:
    """Change a cooperative's code or name, or (de)activate it (union admin only)."""
    _union_admin(actor)
    row = session.get(Cooperative, cooperative_id)
    if row is None:
        _fail("cooperative", "not_found")
    code, name = _check_code(code), _check_name(name)
    if _taken(session, Cooperative.code, code, row.id, Cooperative.id):
        _fail("code", "code_taken")
    before = _cooperative_snapshot(row)
    row.code, row.name, row.active = code, name, bool(active)
    _audit(session, actor, "cooperative", row.id, before, _cooperative_snapshot(row))
    return row


# --- villages ----------------------------------------------------------------------------------------------
def _village_snapshot(row: Village) -> dict:
    return {"code": row.code, "name": row.name, "cooperative_id": row.cooperative_id, "active": bool(row.active)}


def create_village(session: Session, *, actor: Actor, code: str, name: str, cooperative_id: int | None) -> Village:
    """A new village of an active cooperative in the actor's scope; village codes are unique in the union."""
    require_role(actor, ACTION)
    code, name = _check_code(code), _check_name(name)
    cooperative = _cooperative_for_new_record(session, actor, cooperative_id)
    if not cooperative.active:
        _fail("cooperative", "cooperative_inactive")
    if _taken(session, Village.code, code, None, Village.id):
        _fail("code", "code_taken")
    row = Village(code=code, name=name, cooperative_id=cooperative.id, active=True)
    session.add(row)
    session.flush()
    _audit(session, actor, "village", row.id, None, _village_snapshot(row))
    return row


def update_village(session: Session, *, actor: Actor, village_id: int, code: str, name: str,
                   cooperative_id: int | None, active: bool) -> Village:
    """Change a village's code, name or cooperative, or (de)activate it, within the actor's scope."""
    require_role(actor, ACTION)
    row = _in_scope(actor, session.get(Village, village_id), "village")
    code, name = _check_code(code), _check_name(name)
    cooperative = _cooperative_for_new_record(session, actor, cooperative_id)
    if cooperative.id != row.cooperative_id and not cooperative.active:
        _fail("cooperative", "cooperative_inactive")
    if _taken(session, Village.code, code, row.id, Village.id):
        _fail("code", "code_taken")
    before = _village_snapshot(row)
    row.code, row.name, row.cooperative_id, row.active = code, name, cooperative.id, bool(active)
    _audit(session, actor, "village", row.id, before, _village_snapshot(row))
    return row


# --- officers ------------------------------------------------------------------------------------------------
def _officer_snapshot(row: Officer) -> dict:
    return {"employee_no": row.employee_no, "name": row.name, "cooperative_id": row.cooperative_id,
            "active": bool(row.active), "hired_on": row.hired_on.isoformat()}


def _check_hired_on(hired_on: dt.date | None, today: dt.date) -> dt.date:
    if hired_on is None:
        return today
    if hired_on > today:
        _fail("hired_on", "hired_in_future")
    if hired_on < EARLIEST_HIRED_ON:
        _fail("hired_on", "hired_too_early")
    return hired_on


def create_officer(session: Session, *, actor: Actor, employee_no: str, name: str, cooperative_id: int | None,
                   hired_on: dt.date | None = None, active: bool = True, today: dt.date | None = None) -> Officer:
    """A new loan officer of an active cooperative in the actor's scope; hired today unless told otherwise."""
    require_role(actor, ACTION)
    employee_no, name = _check_code(employee_no, "employee_no"), _check_name(name)
    cooperative = _cooperative_for_new_record(session, actor, cooperative_id)
    if not cooperative.active:
        _fail("cooperative", "cooperative_inactive")
    hired_on = _check_hired_on(hired_on, today or dt.date.today())
    if _taken(session, Officer.employee_no, employee_no, None, Officer.id):
        _fail("employee_no", "employee_no_taken")
    row = Officer(employee_no=employee_no, name=name, cooperative_id=cooperative.id, hired_on=hired_on,
                  active=bool(active))
    session.add(row)
    session.flush()
    _audit(session, actor, "officer", row.id, None, _officer_snapshot(row))
    return row


def update_officer(session: Session, *, actor: Actor, officer_id: int, employee_no: str, name: str,
                   cooperative_id: int | None, hired_on: dt.date, active: bool,
                   today: dt.date | None = None) -> Officer:
    """Change an officer's record, or (de)activate them; a deactivated officer keeps their history but is no
    longer offered for new assignments, decisions or accounts."""
    require_role(actor, ACTION)
    row = _in_scope(actor, session.get(Officer, officer_id), "officer")
    employee_no, name = _check_code(employee_no, "employee_no"), _check_name(name)
    cooperative = _cooperative_for_new_record(session, actor, cooperative_id)
    if cooperative.id != row.cooperative_id and not cooperative.active:
        _fail("cooperative", "cooperative_inactive")
    hired_on = _check_hired_on(hired_on, today or dt.date.today())
    if _taken(session, Officer.employee_no, employee_no, row.id, Officer.id):
        _fail("employee_no", "employee_no_taken")
    before = _officer_snapshot(row)
    row.employee_no, row.name, row.cooperative_id = employee_no, name, cooperative.id
    row.hired_on, row.active = hired_on, bool(active)
    _audit(session, actor, "officer", row.id, before, _officer_snapshot(row))
    return row


# --- reads for the admin page --------------------------------------------------------------------------------
def list_cooperatives(session: Session, *, actor: Actor) -> pd.DataFrame:
    """Every cooperative in the actor's scope, inactive ones too: id, code, name, active, villages, officers."""
    require_role(actor, ACTION)
    villages = (select(Village.cooperative_id, func.count().label("n")).group_by(Village.cooperative_id)
                .subquery())
    officers = (select(Officer.cooperative_id, func.count().label("n")).group_by(Officer.cooperative_id)
                .subquery())
    stmt = scoped(select(Cooperative.id, Cooperative.code, Cooperative.name, Cooperative.active,
                         func.coalesce(villages.c.n, 0), func.coalesce(officers.c.n, 0))
                  .outerjoin(villages, villages.c.cooperative_id == Cooperative.id)
                  .outerjoin(officers, officers.c.cooperative_id == Cooperative.id).order_by(Cooperative.code),
                  actor.scope, cooperative_col=Cooperative.id)
    return to_frame(session, stmt, ["id", "code", "name", "active", "villages", "officers"])


def list_villages(session: Session, *, actor: Actor, cooperative_id: int) -> pd.DataFrame:
    """The villages of one cooperative in the actor's scope, inactive ones too."""
    require_role(actor, ACTION)
    stmt = scoped(select(Village.id, Village.code, Village.name, Village.cooperative_id, Village.active)
                  .where(Village.cooperative_id == cooperative_id).order_by(Village.code),
                  actor.scope, cooperative_col=Village.cooperative_id)
    return to_frame(session, stmt, ["id", "code", "name", "cooperative_id", "active"])


def list_officers(session: Session, *, actor: Actor, cooperative_id: int) -> pd.DataFrame:
    """The officers of one cooperative in the actor's scope, inactive ones too."""
    require_role(actor, ACTION)
    stmt = scoped(select(Officer.id, Officer.employee_no, Officer.name, Officer.cooperative_id, Officer.hired_on,
                         Officer.active)
                  .where(Officer.cooperative_id == cooperative_id).order_by(Officer.employee_no),
                  actor.scope, cooperative_col=Officer.cooperative_id)
    return to_frame(session, stmt, ["id", "employee_no", "name", "cooperative_id", "hired_on", "active"])
