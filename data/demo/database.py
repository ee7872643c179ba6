"""Writing the demo into a database: one transaction, the summaries rebuilt; emptying it for --replace.
"""
from __future__ import annotations

import datetime as dt
import json
import time
from collections import defaultdict

from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.orm import Session

from data.aggregates import rebuild_all
from data.bulk import insert_rows
from data.db import transaction, upgrade_schema
from data.demo.generator import _Generator
from data.demo.months import _days, default_end_month
from data.demo.parameters import DEFAULT_LOANS, DEFAULT_MONTHS, DEFAULT_SEED
from data.demo.records import DemoSummary
from data.models import (AppUser, Assignment, AuditLog, Base, Borrower, CollectionAction, Cooperative, Decision,
    ForeclosedAsset, LegalCase, Loan, LoanMonth, Officer, Review, Village)
from data.settings import seed as seed_settings
from domain.settings import Settings


def _reset_sequences(session: Session) -> None:
    """After inserting explicit ids, PostgreSQL's sequences must continue after them (SQLite needs nothing)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                 f"COALESCE((SELECT MAX(id) FROM {table.name}), 1), "
                                 f"(SELECT COUNT(*) FROM {table.name}) > 0)"))


def is_empty(engine: Engine) -> bool:
    """True when the database holds no cooperative, loan or user: safe to fill with demo data."""
    with transaction(engine) as session:
        return not any(session.scalar(select(func.count()).select_from(model)) for model in
                       (Cooperative, Loan, AppUser))


def delete_all(engine: Engine) -> None:
    """Empty the database for ``--replace``, audit trail included (it is append-only, so no DELETE).

    PostgreSQL: TRUNCATE, which needs table-owner rights (production's app user has none: a safety catch).
    SQLite: drop every table and migrate again; DROP TABLE fires no trigger.
    """
    tables = Base.metadata.sorted_tables
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(t.name for t in tables)} RESTART IDENTITY CASCADE"))
            return
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade_schema(engine)


def generate(engine: Engine, *, loans: int = DEFAULT_LOANS, months: int = DEFAULT_MONTHS, seed: int = DEFAULT_SEED,
             end_month: dt.date | None = None, cooperatives: int = 10, officers: int = 100) -> DemoSummary:
    """Fill an empty, migrated database with the demo story; one transaction, aggregates rebuilt.

    Deterministic: the same arguments (with an explicit end_month) always give the same rows, because all
    randomness comes from ``random.Random(seed)`` and no value depends on the clock (only the elapsed time
    reported does, and the password salts).
    """
    started = time.perf_counter()
    g = _Generator(loans=loans, months=months, seed=seed, end_month=end_month or default_end_month(),
                   cooperatives=cooperatives, officers=officers)
    g.build_world()
    g.build_loans()
    counts: dict[type[Base], int] = defaultdict(int)
    with transaction(engine) as session:
        def write(model: type[Base], rows: list[dict]) -> None:
            insert_rows(session, model.__table__, rows)
            counts[model] += len(rows)

        for model, rows in g.world_tables():
            write(model, rows)
        g.simulate(write)
        g.pick_demo_officer()
        for model, rows in g.closing_tables().items():
            write(model, rows)
        if g.dismissed:
            session.execute(update(Officer).where(Officer.id.in_(sorted(g.dismissed))).values(active=False))
        seed_settings(session, Settings(segment_cutoff=g.cutoff, npl_reduction_target_pct=15.0))
        insert_rows(session, AuditLog.__table__, [{
            "id": 1, "at": dt.datetime.combine(g.end_date + _days(1), dt.time(6, 0)), "user_id": None,
            "username": "system", "action": "demo.generate", "entity": "database", "entity_id": "",
            "before": None, "after": json.dumps({"loans": loans, "months": months, "seed": seed,
                                                 "end_month": g.end_month.isoformat(),
                                                 "cooperatives": cooperatives, "officers": officers},
                                                sort_keys=True)}])
        _reset_sequences(session)
        session.flush()
        rebuild_all(session)
    return DemoSummary(cooperatives=counts[Cooperative], villages=counts[Village], officers=counts[Officer],
                       borrowers=counts[Borrower], loans=counts[Loan], loan_months=counts[LoanMonth],
                       assignments=counts[Assignment], collection_actions=counts[CollectionAction],
                       legal_cases=counts[LegalCase], foreclosed_assets=counts[ForeclosedAsset],
                       reviews=counts[Review], decisions=counts[Decision], users=counts[AppUser],
                       first_month=g.first_month, end_month=g.end_month, segment_cutoff=g.cutoff,
                       elapsed_seconds=round(time.perf_counter() - started, 2))


def ensure_demo_database(engine: Engine, *, loans: int = DEFAULT_LOANS, months: int = DEFAULT_MONTHS,
                         seed: int = DEFAULT_SEED, end_month: dt.date | None = None, cooperatives: int = 10,
                         officers: int = 100) -> bool:
    """Upgrade the schema and, on a database with no cooperative, loan or user yet, generate the demo; True if it
    did.

    The app calls this on first start so ``streamlit run app.py`` works on a fresh machine; the sizes are
    those of :func:`generate` (tests pass a small demo). A database someone has begun to fill -- an admin made
    by ``python -m data.setup create-admin``, a first cooperative -- never gets demo rows or demo accounts.
    """
    upgrade_schema(engine)
    if not is_empty(engine):
        return False
    generate(engine, loans=loans, months=months, seed=seed, end_month=end_month, cooperatives=cooperatives,
             officers=officers)
    return True
