"""The record of each import, what it replaced, and withdrawing it.

Why: a wrong tape (a month in the future, a partial file, the wrong cooperative's file) changes every
figure of the dashboard, and an admin must be able to take it back without a database administrator. Each
import keeps the loan_month rows it replaced (import_snapshot) and the loans and borrowers it created or
changed with their values before (import_change). Withdrawing restores all of them and rebuilds the
month's summaries, in one transaction with its audit row. Imports are withdrawn newest first: an import can
be withdrawn only while no later import of the same cooperatives is in force, because a later one was
checked against (and snapshotted) what this one wrote.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

import pandas as pd
from sqlalchemy import delete, func, insert, literal, select
from sqlalchemy.orm import Session

from data.aggregates import rebuild_months
from data.audit import now, record
from data.bulk import insert_rows
from data.errors import ValidationError, require_role
from data.summaries import forget_loans
from data.models import (Assignment, Borrower, CollectionAction, Cooperative, ForeclosedAsset, ImportBatch,
                         ImportBatchCooperative, ImportChange, ImportSnapshot, LegalCase, Loan, LoanHistory,
                         LoanMonth, WatchMonth)
from domain.inputs import has_nul
from domain.scope import Actor

LOAN_FIELDS = ("officer_id", "issue_date", "maturity_date", "principal_cents", "rate_bp", "purpose",
               "guarantee_type", "refinances_loan_id", "restructured_on", "borrower_id")
BORROWER_FIELDS = ("name", "kind", "source_id", "village_id", "poor_household", "able_but_unwilling")
MAX_REASON_CHARS = 500
SNAPSHOT_COLUMNS = ["loan_id", "month", "cooperative_id", "outstanding_cents", "overdue_cents", "days_past_due",
                    "loan_class", "written_off_cents", "provision_cents"]


def start(session: Session, *, actor: Actor, kind: str, month: dt.date | None, filename: str, rows: int,
          cooperative_ids: Iterable[int]) -> int:
    """Record an import about to write; returns its id (the snapshot and changes hang from it)."""
    batch = ImportBatch(kind=kind, month=month, filename=filename[:200], rows=rows, imported_at=now(),
                        imported_by=actor.username[:40], user_id=actor.user_id)
    session.add(batch)
    session.flush()
    insert_rows(session, ImportBatchCooperative.__table__,
                [{"batch_id": batch.id, "cooperative_id": c} for c in sorted(set(cooperative_ids))])
    return batch.id


def add_cooperatives(session: Session, batch_id: int, cooperative_ids: Iterable[int]) -> None:
    """The cooperatives an import replaced (known once its whole file has been read)."""
    insert_rows(session, ImportBatchCooperative.__table__,
                [{"batch_id": batch_id, "cooperative_id": c} for c in sorted(set(cooperative_ids))])


def snapshot_month(session: Session, batch_id: int, month: dt.date, cooperative_ids: Iterable[int]) -> None:
    """Keep the month's rows of these cooperatives as they are now, before the import replaces them."""
    columns = [getattr(LoanMonth, c) for c in SNAPSHOT_COLUMNS]
    source = select(literal(batch_id), *columns).where(LoanMonth.month == month,
                                                      LoanMonth.cooperative_id.in_(sorted(set(cooperative_ids))))
    session.execute(insert(ImportSnapshot).from_select(["batch_id", *SNAPSHOT_COLUMNS], source))


def _jsonable(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def record_changes(session: Session, batch_id: int, *, created_loans: list[int], created_borrowers: list[int],
                   loans_before: dict[int, dict], borrowers_before: dict[int, dict]) -> None:
    """Keep what the import created, and the fields before of what it changed."""
    rows = ([{"batch_id": batch_id, "entity": "loan", "entity_id": i, "created": True, "before": None}
             for i in created_loans]
            + [{"batch_id": batch_id, "entity": "borrower", "entity_id": i, "created": True, "before": None}
               for i in created_borrowers]
            + [{"batch_id": batch_id, "entity": "loan", "entity_id": i, "created": False,
                "before": json.dumps({k: _jsonable(v) for k, v in before.items()})}
               for i, before in loans_before.items()]
            + [{"batch_id": batch_id, "entity": "borrower", "entity_id": i, "created": False,
                "before": json.dumps(before, ensure_ascii=False)} for i, before in borrowers_before.items()])
    for start_at in range(0, len(rows), 5_000):
        insert_rows(session, ImportChange.__table__, rows[start_at:start_at + 5_000])


def _cooperatives_of(session: Session, batch_ids: list[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {b: set() for b in batch_ids}
    if batch_ids:
        for batch_id, cooperative_id in session.execute(
                select(ImportBatchCooperative.batch_id, ImportBatchCooperative.cooperative_id)
                .where(ImportBatchCooperative.batch_id.in_(batch_ids))):
            found[batch_id].add(cooperative_id)
    return found


def _later_in_force(session: Session, batch: ImportBatch, cooperatives: set[int]) -> int | None:
    """The id of a later import of any of these cooperatives that is still in force, if any."""
    later = (select(ImportBatch.id)
             .join(ImportBatchCooperative, ImportBatchCooperative.batch_id == ImportBatch.id)
             .where(ImportBatch.id > batch.id, ImportBatch.withdrawn_at.is_(None), ImportBatch.kind == "tape",
                    ImportBatchCooperative.cooperative_id.in_(sorted(cooperatives)))
             .order_by(ImportBatch.id.desc()).limit(1))
    return session.scalar(later)


def list_(session: Session, *, actor: Actor, limit: int = 50) -> pd.DataFrame:
    """The latest imports the actor may see (all of whose cooperatives are in scope), newest first.

    ``can_withdraw`` is True for a loan tape in force with no later tape of its cooperatives in force (records of
    other kinds are corrected by importing them again: their ids update what was imported).
    """
    require_role(actor, "import_data")
    batches = session.execute(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit * 4)).scalars().all()
    cooperatives = _cooperatives_of(session, [b.id for b in batches])
    names = dict(session.execute(select(Cooperative.id, Cooperative.code)).all())
    rows, newest_in_force = [], {}
    for batch in batches:  # newest first: an import is withdrawable when no newer one in force shares a cooperative
        coops = cooperatives[batch.id]
        visible = actor.scope.cooperative_ids is None or (bool(coops) and all(actor.scope.allows(c) for c in coops))
        in_force = batch.withdrawn_at is None and batch.kind == "tape"  # only tapes are withdrawn (their months)
        blocked = any(newest_in_force.get(c, False) for c in coops)
        if visible and len(rows) < limit:
            rows.append({"id": batch.id, "kind": batch.kind, "month": batch.month, "filename": batch.filename,
                         "rows": batch.rows, "cooperatives": ", ".join(sorted(names.get(c, str(c)) for c in coops)),
                         "imported_at": batch.imported_at, "imported_by": batch.imported_by,
                         "withdrawn_at": batch.withdrawn_at, "withdrawn_by": batch.withdrawn_by,
                         "can_withdraw": in_force and not blocked})
        if in_force:
            for c in coops:
                newest_in_force[c] = True
    columns = ["id", "kind", "month", "filename", "rows", "cooperatives", "imported_at", "imported_by",
               "withdrawn_at", "withdrawn_by", "can_withdraw"]
    return pd.DataFrame(rows, columns=columns)


def _restore_fields(session: Session, table, changes: list[tuple[int, str]]) -> int:
    for entity_id, before in changes:
        values = json.loads(before)
        for name in ("issue_date", "maturity_date", "restructured_on"):
            if values.get(name):
                values[name] = dt.date.fromisoformat(values[name])
        session.execute(table.update().where(table.c.id == entity_id).values(**values))
    return len(changes)


def _unreferenced(session: Session, loan_ids: list[int]) -> list[int]:
    """Of these loans, those nothing points at any more (no month, assignment, action, case, asset, refinancing)."""
    if not loan_ids:
        return []
    refinancing = Loan.__table__.alias("refinancing")
    referenced = set()
    for start_at in range(0, len(loan_ids), 900):
        chunk = loan_ids[start_at:start_at + 900]
        for table in (LoanMonth, Assignment, CollectionAction, LegalCase, ForeclosedAsset, ImportSnapshot):
            referenced.update(session.scalars(select(table.loan_id).where(table.loan_id.in_(chunk)).distinct()))
        referenced.update(session.scalars(select(refinancing.c.refinances_loan_id)
                                          .where(refinancing.c.refinances_loan_id.in_(chunk)).distinct()))
    return [i for i in loan_ids if i not in referenced]


def _delete_created(session: Session, created: dict[str, list[int]]) -> tuple[int, int]:
    loans = _unreferenced(session, created.get("loan", []))
    borrowers = set()
    for start_at in range(0, len(loans), 900):
        chunk = loans[start_at:start_at + 900]
        borrowers.update(session.scalars(select(Loan.borrower_id).where(Loan.id.in_(chunk))))
        session.execute(delete(LoanHistory).where(LoanHistory.loan_id.in_(chunk)))
        session.execute(delete(WatchMonth).where(WatchMonth.loan_id.in_(chunk)))
        session.execute(delete(Loan).where(Loan.id.in_(chunk)))
    forget_loans(session, loans)  # their evergreening pairs and vintage cells
    candidates = sorted(borrowers & set(created.get("borrower", [])))
    removable = []
    for start_at in range(0, len(candidates), 900):
        chunk = candidates[start_at:start_at + 900]
        kept = set(session.scalars(select(Loan.borrower_id).where(Loan.borrower_id.in_(chunk)).distinct()))
        removable.extend(i for i in chunk if i not in kept)
    for start_at in range(0, len(removable), 900):
        session.execute(delete(Borrower).where(Borrower.id.in_(removable[start_at:start_at + 900])))
    return len(loans), len(removable)


def withdraw(session: Session, *, actor: Actor, batch_id: int, reason: str) -> dict[str, int]:
    """Take an import back: its month's rows as they were before it, created loans removed, summaries rebuilt.

    Never commits; raises ValidationError (nothing written) for an unknown or withdrawn import, one a later
    import depends on, or one touching a cooperative outside the actor's scope.
    """
    require_role(actor, "import_data")
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON_CHARS or has_nul(reason):
        raise ValidationError("reason", "error.import.withdraw_reason", limit=MAX_REASON_CHARS)
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise ValidationError("batch", "error.import.unknown_batch")
    cooperatives = _cooperatives_of(session, [batch.id])[batch.id]
    if not all(actor.scope.allows(c) for c in cooperatives):
        raise ValidationError("batch", "error.import.unknown_batch")  # the same answer as for one that does not exist
    if batch.withdrawn_at is not None:
        raise ValidationError("batch", "error.import.already_withdrawn")
    if batch.kind != "tape":
        raise ValidationError("batch", "error.import.not_withdrawable")
    later = _later_in_force(session, batch, cooperatives)
    if later is not None:
        raise ValidationError("batch", "error.import.later_import", later=later)
    month = batch.month
    coop_list = sorted(cooperatives)
    removed = session.execute(delete(LoanMonth).where(LoanMonth.month == month,
                                                     LoanMonth.cooperative_id.in_(coop_list))).rowcount
    restore = select(*[getattr(ImportSnapshot, c) for c in SNAPSHOT_COLUMNS]).where(ImportSnapshot.batch_id == batch.id)
    session.execute(insert(LoanMonth).from_select(SNAPSHOT_COLUMNS, restore))
    restored = session.scalar(select(func.count()).select_from(ImportSnapshot)
                              .where(ImportSnapshot.batch_id == batch.id))
    changes = session.execute(select(ImportChange.entity, ImportChange.entity_id, ImportChange.created,
                                     ImportChange.before).where(ImportChange.batch_id == batch.id)).all()
    created: dict[str, list[int]] = {}
    for entity, entity_id, was_created, _ in changes:
        if was_created:
            created.setdefault(entity, []).append(entity_id)
    loans_restored = _restore_fields(session, Loan.__table__,
                                     [(i, b) for e, i, c, b in changes if e == "loan" and not c])
    borrowers_restored = _restore_fields(session, Borrower.__table__,
                                         [(i, b) for e, i, c, b in changes if e == "borrower" and not c])
    session.execute(delete(ImportSnapshot).where(ImportSnapshot.batch_id == batch.id))
    rebuilt = rebuild_months(session, [month])
    loans_removed, borrowers_removed = _delete_created(session, created)
    batch.withdrawn_at, batch.withdrawn_by, batch.withdraw_reason = now(), actor.username[:40], reason
    counts = {"month_rows_removed": int(removed or 0), "month_rows_restored": int(restored or 0),
              "loans_restored": loans_restored, "borrowers_restored": borrowers_restored,
              "loans_removed": loans_removed, "borrowers_removed": borrowers_removed, "months_rebuilt": rebuilt}
    record(session, actor=actor, action="import.withdraw", entity="import_batch", entity_id=batch.id,
           before={"month": month.isoformat() if month else None, "file": batch.filename, "rows": batch.rows},
           after={"reason": reason, **counts})
    return counts
