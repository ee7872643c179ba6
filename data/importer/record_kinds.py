"""What each kind of record besides the loan tape must satisfy, and how it is written.

Why rules of their own: imported records describe the past. An assignment made two years ago on a loan
since cured is valid; an officer who granted loans and has since left is still their originator; an asset's
proceeds and a legal case's recovered amount describe the asset or the case, while money recovered is booked
only by collection actions (never twice). So the checks are against the loan as a fact (it exists, in the
importer's scope, issued before the record's date), not against today's state as the forms check.

Each kind is a ``Kind``: ``check`` resolves codes to ids in the row dicts and reports problems; ``write``
creates the records whose ``id`` is new and updates those imported before (matched on ``source_id``).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.importer.problems import Problems, shown
from data.importer.rows import AS_WRITTEN
from data.models import (Assignment, CollectionAction, Cooperative, ForeclosedAsset, LegalCase, Loan, Officer,
                         Village)
from data import method_summary
from data.summaries import action_days, refresh_recovered, refresh_recovery_months
from domain.reference_rules import code_problem
from domain.scope import Actor

LOOKUP_CHUNK = 900


@dataclass
class Context:
    """What the rows of a file refer to, read once; ``today`` bounds every date."""

    session: Session
    actor: Actor
    today: dt.date
    problems: Problems
    cooperatives: dict[str, int]
    officers: dict[str, tuple[int, int]]  # employee_no -> (officer id, cooperative id)
    loans: dict[str, tuple[int, int, int, dt.date]]  # contract -> (loan id, cooperative id, officer id, issued)

    def bad(self, row_no: int, name: str, reason: str, value: object = AS_WRITTEN) -> None:
        self.problems.append((row_no, name, value if value is AS_WRITTEN else shown(value), f"error.import.{reason}"))

    def cooperative(self, row_no: int, values: dict) -> int | None:
        """The row's cooperative id, or None after reporting it (unknown or outside scope read the same)."""
        code = values.get("cooperative_code")
        coop = self.cooperatives.get(code)
        if coop is None or not self.actor.scope.allows(coop):
            reason = "unknown_cooperative" if self.actor.scope.cooperative_ids is None else "cooperative_out_of_scope"
            self.bad(row_no, "cooperative_code", reason)
            return None
        return coop

    def loan(self, row_no: int, values: dict) -> tuple[int, int, int, dt.date] | None:
        """The row's loan, or None after reporting it (unknown or outside scope read the same)."""
        loan = self.loans.get(values.get("contract_no"))
        if loan is None or not self.actor.scope.allows(loan[1]):
            self.bad(row_no, "contract_no", "unknown_contract")
            return None
        return loan

    def officer_of(self, row_no: int, values: dict, cooperative_id: int, *, field: str = "employee_no") -> int | None:
        officer = self.officers.get(values.get(field))
        if officer is None or not self.actor.scope.allows(officer[1]):
            self.bad(row_no, field, "unknown_officer")
            return None
        if officer[1] != cooperative_id:
            self.bad(row_no, field, "officer_other_cooperative")
            return None
        return officer[0]

    def dated(self, row_no: int, values: dict, name: str, loan: tuple | None) -> None:
        """A record's date: not in the future, not before its loan was issued."""
        day = values.get(name)
        if day is None:
            return
        if day > self.today:
            self.bad(row_no, name, "future_date")
        elif loan is not None and day < loan[3]:
            self.bad(row_no, name, "before_loan")

    def at_least(self, row_no: int, values: dict, name: str, floor: int) -> None:
        if values.get(name) is not None and values[name] < floor:
            self.bad(row_no, name, "negative" if floor == 0 else "not_positive")


def context(session: Session, actor: Actor, today: dt.date, problems: Problems, rows: list[dict]) -> Context:
    contracts = sorted({v["contract_no"] for v in rows if v.get("contract_no")})
    loans: dict[str, tuple] = {}
    for start in range(0, len(contracts), LOOKUP_CHUNK):
        chunk = contracts[start:start + LOOKUP_CHUNK]
        for row in session.execute(select(Loan.contract_no, Loan.id, Loan.cooperative_id, Loan.officer_id,
                                          Loan.issue_date).where(Loan.contract_no.in_(chunk))):
            loans[row[0]] = tuple(row[1:])
    return Context(session, actor, today, problems,
                   dict(session.execute(select(Cooperative.code, Cooperative.id)).all()),
                   {no: (oid, coop) for no, oid, coop in session.execute(
                       select(Officer.employee_no, Officer.id, Officer.cooperative_id))},
                   loans)


def _existing(session: Session, model, key, keys: list[str]) -> dict[str, object]:
    """Records already imported (or created) under these keys: key -> the ORM object."""
    found = {}
    for start in range(0, len(keys), LOOKUP_CHUNK):
        for record in session.scalars(select(model).where(key.in_(keys[start:start + LOOKUP_CHUNK]))):
            found[getattr(record, key.key)] = record
    return found


def _upsert(session: Session, model, key, rows: list[dict], fields: Callable[[dict], dict]) -> dict[str, int]:
    """Create the records with new keys, update the others where a field differs; counts of each."""
    keys = [v[key.key] for v in rows]
    existing = _existing(session, model, key, keys)
    created = updated = 0
    for values in rows:
        wanted = fields(values)
        record = existing.get(values[key.key])
        if record is None:
            session.add(model(**{key.key: values[key.key]}, **wanted))
            created += 1
        elif any(getattr(record, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(record, name, value)
            updated += 1
    session.flush()
    return {"created": created, "updated": updated}


def _upsert_by_id(ctx: Context, model, rows: list[dict], fields: Callable[[dict], dict]) -> dict[str, int]:
    """A record of collection is matched on the source system's id (its ``id`` column, stored as source_id)."""
    return _upsert(ctx.session, model, model.source_id, [{**v, "source_id": v["id"]} for v in rows], fields)


def _codes_unique(ctx: Context, rows: list[dict], numbers: list[int], name: str) -> None:
    seen: set[str] = set()
    for row_no, values in zip(numbers, rows):
        code = values.get(name)
        if code is None:
            continue
        if code in seen:
            ctx.bad(row_no, name, "duplicate_key")
        seen.add(code)
        if name != "id" and code_problem(code) is not None:
            ctx.bad(row_no, name, "code_format")


# ----------------------------------------------------------------------------------------------
# Reference data
# ----------------------------------------------------------------------------------------------
def check_cooperatives(ctx: Context, rows: list[dict], numbers: list[int]) -> None:
    _codes_unique(ctx, rows, numbers, "cooperative_code")
    for row_no, values in zip(numbers, rows):
        coop = ctx.cooperatives.get(values.get("cooperative_code"))
        if ctx.actor.scope.cooperative_ids is not None and (coop is None or not ctx.actor.scope.allows(coop)):
            ctx.bad(row_no, "cooperative_code", "cooperative_out_of_scope")  # a scoped admin renames only their own


def write_cooperatives(ctx: Context, rows: list[dict]) -> dict[str, int]:
    return _upsert(ctx.session, Cooperative, Cooperative.code, [{**v, "code": v["cooperative_code"]} for v in rows],
                   lambda v: {"name": v["name"], "active": True})


def check_villages(ctx: Context, rows: list[dict], numbers: list[int]) -> None:
    _codes_unique(ctx, rows, numbers, "village_code")
    recorded = {code: village.cooperative_id for code, village in _existing(
        ctx.session, Village, Village.code, [v["village_code"] for v in rows if v.get("village_code")]).items()}
    for row_no, values in zip(numbers, rows):
        coop = ctx.cooperative(row_no, values)
        values["cooperative_id"] = coop
        if coop is not None and recorded.get(values.get("village_code"), coop) != coop:
            ctx.bad(row_no, "village_code", "village_other_cooperative")


def write_villages(ctx: Context, rows: list[dict]) -> dict[str, int]:
    return _upsert(ctx.session, Village, Village.code, [{**v, "code": v["village_code"]} for v in rows],
                   lambda v: {"name": v["name"], "cooperative_id": v["cooperative_id"], "active": True})


def check_officers(ctx: Context, rows: list[dict], numbers: list[int]) -> None:
    _codes_unique(ctx, rows, numbers, "employee_no")
    for row_no, values in zip(numbers, rows):
        coop = ctx.cooperative(row_no, values)
        values["cooperative_id"] = coop
        recorded = ctx.officers.get(values.get("employee_no"))
        if coop is not None and recorded is not None and recorded[1] != coop:
            ctx.bad(row_no, "employee_no", "officer_other_cooperative")


def write_officers(ctx: Context, rows: list[dict]) -> dict[str, int]:
    today = ctx.today
    rows = [{**v, "active": v.get("active", True) is not False} for v in rows]
    existing = _existing(ctx.session, Officer, Officer.employee_no, [v["employee_no"] for v in rows])
    for values in rows:  # a new officer's hiring date is the day of the import (the template has none)
        values["hired_on"] = existing[values["employee_no"]].hired_on if values["employee_no"] in existing else today
    return _upsert(ctx.session, Officer, Officer.employee_no, rows,
                   lambda v: {"name": v["name"], "cooperative_id": v["cooperative_id"], "active": v["active"],
                              "hired_on": v["hired_on"]})


# ----------------------------------------------------------------------------------------------
# Records of collection
# ----------------------------------------------------------------------------------------------
def _same_loan(ctx: Context, model, rows: list[dict], numbers: list[int]) -> None:
    """An id imported before must name the same loan: a source system never reuses ids for another loan."""
    existing = _existing(ctx.session, model, model.source_id, [v["id"] for v in rows if v.get("id")])
    for row_no, values in zip(numbers, rows):
        record = existing.get(values.get("id"))
        if record is not None and values.get("loan_id") is not None and record.loan_id != values["loan_id"]:
            ctx.bad(row_no, "id", "id_other_loan")


def _loan_rows(ctx: Context, rows: list[dict], numbers: list[int], date_field: str) -> None:
    _codes_unique(ctx, rows, numbers, "id")
    for row_no, values in zip(numbers, rows):
        loan = ctx.loan(row_no, values)
        if loan is not None:
            values["loan_id"], values["cooperative_id"], values["originator_id"] = loan[0], loan[1], loan[2]
        ctx.dated(row_no, values, date_field, loan)


def check_assignments(ctx: Context, rows: list[dict], numbers: list[int]) -> None:
    _loan_rows(ctx, rows, numbers, "assigned_on")
    for row_no, values in zip(numbers, rows):
        if values.get("cooperative_id") is not None:
            values["officer_id"] = ctx.officer_of(row_no, values, values["cooperative_id"])
        ctx.at_least(row_no, values, "target", 1)
        assigned, deadline, closed = values.get("assigned_on"), values.get("deadline"), values.get("closed_on")
        if assigned and deadline and deadline <= assigned:
            ctx.bad(row_no, "deadline", "deadline_before_assignment")
        if closed and assigned and closed < assigned:
            ctx.bad(row_no, "closed_on", "closed_before_assignment")
        elif closed and closed > ctx.today:
            ctx.bad(row_no, "closed_on", "future_date")
        outcome = values.get("outcome") or "open"
        if (outcome == "open") != (closed is None):
            ctx.bad(row_no, "closed_on", "closed_on_with_outcome")
    _same_loan(ctx, Assignment, rows, numbers)


def write_assignments(ctx: Context, rows: list[dict]) -> dict[str, int]:
    def fields(v: dict) -> dict:
        return {"loan_id": v["loan_id"], "officer_id": v["officer_id"], "cooperative_id": v["cooperative_id"],
                "assigned_on": v["assigned_on"], "target_cents": v["target"], "deadline": v["deadline"],
                "outcome": v.get("outcome") or "open", "closed_on": v.get("closed_on")}

    counts = _upsert_by_id(ctx, Assignment, rows, fields)
    refresh_recovered(ctx.session, loan_ids=[v["loan_id"] for v in rows])  # a new one may cover no action yet
    method_summary.refresh_loans(ctx.session, [v["loan_id"] for v in rows])  # days from the assignment in force
    return counts


def _covering_assignments(ctx: Context, loan_ids: list[int]) -> dict[int, list[tuple]]:
    found: dict[int, list[tuple]] = {}
    for start in range(0, len(loan_ids), LOOKUP_CHUNK):
        for row in ctx.session.execute(select(Assignment.loan_id, Assignment.id, Assignment.officer_id,
                                              Assignment.assigned_on, Assignment.closed_on)
                                       .where(Assignment.loan_id.in_(loan_ids[start:start + LOOKUP_CHUNK]))):
            found.setdefault(row[0], []).append(tuple(row[1:]))
    return found


def check_actions(ctx: Context, rows: list[dict], numbers: list[int]) -> None:
    _loan_rows(ctx, rows, numbers, "action_date")
    covering = _covering_assignments(ctx, sorted({v["loan_id"] for v in rows if v.get("loan_id")}))
    for row_no, values in zip(numbers, rows):
        ctx.at_least(row_no, values, "recovered", 0)
        ctx.at_least(row_no, values, "cost", 0)
        if values.get("village_source") and values.get("method") != "village":
            ctx.bad(row_no, "village_source", "village_source_without_village")
        if values.get("loan_id") is None or values.get("action_date") is None:
            continue
        day = values["action_date"]
        # the assignment the action was taken under: the latest one of the loan running on that day
        running = [a for a in covering.get(values["loan_id"], []) if a[2] <= day and (a[3] is None or a[3] >= day)]
        assignment = max(running, key=lambda a: (a[2], a[0])) if running else None
        values["assignment_id"] = assignment[0] if assignment else None
        if values.get("employee_no"):
            values["officer_id"] = ctx.officer_of(row_no, values, values["cooperative_id"])
        else:  # the officer answerable that day, else the one who granted the loan
            values["officer_id"] = assignment[1] if assignment else values["originator_id"]
    _same_loan(ctx, CollectionAction, rows, numbers)


def _action_outcome(values: dict) -> str:
    return values.get("outcome") or ("paid_partial" if values["recovered"] > 0 else "no_result")


def write_actions(ctx: Context, rows: list[dict]) -> dict[str, int]:
    def fields(v: dict) -> dict:
        return {"loan_id": v["loan_id"], "assignment_id": v["assignment_id"], "officer_id": v["officer_id"],
                "cooperative_id": v["cooperative_id"], "method": v["method"], "action_date": v["action_date"],
                "recovered_cents": v["recovered"], "cost_cents": v.get("cost") or 0, "outcome": _action_outcome(v),
                "village_source": v.get("village_source"), "note": v.get("note") or ""}

    days_before = action_days(ctx.session, [v["id"] for v in rows])  # an action imported again may move
    counts = _upsert_by_id(ctx, CollectionAction, rows, fields)
    # an action imported again may have moved to another assignment, always of the same loan (_same_loan)
    refresh_recovered(ctx.session, loan_ids=[v["loan_id"] for v in rows])
    refresh_recovery_months(ctx.session, days_before + [v["action_date"] for v in rows])
    method_summary.refresh_loans(ctx.session, [v["loan_id"] for v in rows])
    return counts


def check_legal_cases(ctx: Context, rows: list[dict], numbers: list[int]) -> None:
    _loan_rows(ctx, rows, numbers, "filed_on")
    for row_no, values in zip(numbers, rows):
        ctx.at_least(row_no, values, "claim", 1)  # a claim may exceed the loan's latest balance (interest, costs)
        ctx.at_least(row_no, values, "costs", 0)
        ctx.at_least(row_no, values, "recovered", 0)
    _same_loan(ctx, LegalCase, rows, numbers)


def write_legal_cases(ctx: Context, rows: list[dict]) -> dict[str, int]:
    def fields(v: dict) -> dict:
        return {"loan_id": v["loan_id"], "cooperative_id": v["cooperative_id"], "court": v["court"],
                "filed_on": v["filed_on"], "claim_cents": v["claim"], "stage": v["stage"],
                "costs_cents": v.get("costs") or 0, "recovered_cents": v.get("recovered") or 0}

    return _upsert_by_id(ctx, LegalCase, rows, fields)


def check_assets(ctx: Context, rows: list[dict], numbers: list[int]) -> None:
    _loan_rows(ctx, rows, numbers, "acquired_on")
    for row_no, values in zip(numbers, rows):
        for name in ("book_value", "appraisal", "proceeds", "disposal_cost", "lease_income"):
            ctx.at_least(row_no, values, name, 0)
        disposed, status = values.get("disposed_on"), values.get("status") or "pending"
        if (status == "disposed") != (disposed is not None):
            ctx.bad(row_no, "disposed_on", "disposed_on_with_status")
        elif disposed is not None and values.get("acquired_on") and disposed < values["acquired_on"]:
            ctx.bad(row_no, "disposed_on", "disposed_before_acquired")
        elif disposed is not None and disposed > ctx.today:
            ctx.bad(row_no, "disposed_on", "future_date")
    _same_loan(ctx, ForeclosedAsset, rows, numbers)


def write_assets(ctx: Context, rows: list[dict]) -> dict[str, int]:
    def fields(v: dict) -> dict:
        return {"loan_id": v["loan_id"], "cooperative_id": v["cooperative_id"], "asset_type": v["asset_type"],
                "on_balance_sheet": v["on_balance_sheet"], "acquired_on": v["acquired_on"],
                "book_value_cents": v["book_value"], "appraisal_cents": v.get("appraisal"),
                "appraised_on": v["acquired_on"] if v.get("appraisal") is not None else None,
                "status": v.get("status") or "pending", "disposal_method": v.get("disposal_method"),
                "disposed_on": v.get("disposed_on"), "proceeds_cents": v.get("proceeds"),
                "disposal_cost_cents": v.get("disposal_cost"), "lease_income_cents": v.get("lease_income") or 0}

    return _upsert_by_id(ctx, ForeclosedAsset, rows, fields)


@dataclass(frozen=True)
class Kind:
    check: Callable[[Context, list[dict], list[int]], None]
    write: Callable[[Context, list[dict]], dict[str, int]]


KINDS: dict[str, Kind] = {
    "cooperatives": Kind(check_cooperatives, write_cooperatives),
    "villages": Kind(check_villages, write_villages),
    "officers": Kind(check_officers, write_officers),
    "assignments": Kind(check_assignments, write_assignments),
    "actions": Kind(check_actions, write_actions),
    "legal_cases": Kind(check_legal_cases, write_legal_cases),
    "assets": Kind(check_assets, write_assets),
}
