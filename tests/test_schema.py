"""The Alembic migrations build exactly the schema the models declare, on both engines."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from data.models import Base
from tests.conftest import PG_URL


def test_migrations_match_the_models(engine):
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_upgrading_a_loaded_database_fills_the_new_summaries(tmp_path):
    """Revisions 0004 (loan_history) and 0005 (watch_month) fill themselves from the loan_month rows already
    there: an upgraded database reads the same as one whose summaries were rebuilt by the application."""
    import datetime as dt

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import select, text

    from data import aggregates
    from data import settings as settings_store
    from data.db import MIGRATIONS, make_engine, transaction
    from data.models import LoanHistory, WatchMonth
    from domain.settings import Settings

    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))

    def upgrade(revision: str) -> None:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    upgrade("0003")
    may, june = dt.date(2025, 5, 1), dt.date(2025, 6, 1)
    with transaction(engine) as s:  # plain SQL: the models describe today's columns, not revision 0003's
        settings_store.seed(s, Settings(segment_cutoff=dt.date(2025, 1, 1)))
        s.execute(text("INSERT INTO cooperative (id, code, name) VALUES (1, 'A', 'Cooperative A')"))
        s.execute(text("INSERT INTO officer (id, cooperative_id, employee_no, name, active, hired_on) "
                       "VALUES (1, 1, 'E1', 'Ana', 1, '2020-01-01')"))
        for loan_id, (contract, may_row, june_row) in enumerate((("SM", ("normal", 0), ("special_mention", 20)),
                                                                 ("HID", ("normal", 40), ("normal", 100)),
                                                                 ("NPL", ("substandard", 120), ("doubtful", 300)),
                                                                 ("OK", ("normal", 0), ("normal", 0))), start=1):
            s.execute(text("INSERT INTO borrower (id, cooperative_id, name, kind, poor_household, able_but_unwilling)"
                           " VALUES (:id, 1, :name, 'household', 0, 0)"), {"id": loan_id, "name": f"B{loan_id}"})
            s.execute(text("INSERT INTO loan (id, contract_no, borrower_id, officer_id, cooperative_id, issue_date, "
                           "maturity_date, principal_cents, rate_bp, purpose, guarantee_type) VALUES (:id, :c, :id, 1, "
                           "1, '2024-01-01', '2026-01-01', 10000, 600, 'planting', 'credit')"),
                      {"id": loan_id, "c": contract})
            for month, (loan_class, dpd) in ((may, may_row), (june, june_row)):
                s.execute(text("INSERT INTO loan_month (loan_id, month, cooperative_id, outstanding_cents, "
                               "overdue_cents, days_past_due, loan_class) VALUES (:id, :m, 1, :b, 0, :d, :k)"),
                          {"id": loan_id, "m": month.isoformat(), "b": 1000 if month == may else 900, "d": dpd,
                           "k": loan_class})
    upgrade("head")

    def summaries() -> tuple[list, list]:
        with transaction(engine) as s:
            history = s.execute(select(LoanHistory.loan_id, LoanHistory.first_month, LoanHistory.last_month,
                                       LoanHistory.last_days_past_due, LoanHistory.first_npl_month)
                                .order_by(LoanHistory.loan_id)).all()
            watch = s.execute(select(WatchMonth.month, WatchMonth.watch, WatchMonth.loan_id, WatchMonth.floor_class,
                                     WatchMonth.worsened_flag).order_by(WatchMonth.month, WatchMonth.watch,
                                                                        WatchMonth.loan_id)).all()
        return history, watch

    migrated = summaries()
    # SM (1): special mention in June, and at risk too (Normal in May, worse now); HID (2): Normal with 100 days
    # past due in June (hidden, and at risk by its days), at risk in May (40 days); NPL (3): first NPL in May.
    # HID is under-classified in both months (Normal with days past due: floor Special Mention, then Substandard)
    assert [(w.month, w.watch, w.loan_id) for w in migrated[1]] == [
        (may, "normal_at_risk", 2), (may, "under_classified", 2), (june, "hidden", 2), (june, "normal_at_risk", 1),
        (june, "normal_at_risk", 2), (june, "special_mention", 1), (june, "under_classified", 2)]
    assert migrated[0][2] == (3, may, june, 300, may)
    with transaction(engine) as s:
        aggregates.rebuild_all(s)
    assert summaries() == migrated
    engine.dispose()


def _head_revision() -> str:
    """The newest revision of data/migrations (not a literal: each new revision would have to edit this test)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from data.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_two_servers_migrating_at_once_both_start():
    """Two app servers starting together on a database behind the code: one migrates, the other waits on the
    advisory lock and finds nothing to do (without the lock one of them failed on a duplicate table type, or
    both blocked each other)."""
    import threading

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from data.db import make_engine, upgrade_schema

    url = make_url(PG_URL)
    name = f"{url.database}_migrate_race"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engines = [make_engine(url.set(database=name).render_as_string(hide_password=False)) for _ in range(2)]
    errors: list[BaseException] = []

    def start(engine) -> None:
        try:
            upgrade_schema(engine)
        except BaseException as problem:  # noqa: BLE001 - reported by the assertion below
            errors.append(problem)

    try:
        threads = [threading.Thread(target=start, args=(engine,)) for engine in engines]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads), "a migration was still blocked after 120 s"
        assert errors == []
        with engines[0].connect() as conn:
            assert conn.scalar(text("SELECT version_num FROM alembic_version")) == _head_revision()
    finally:
        for engine in engines:
            engine.dispose()
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                         {"name": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def _head_revision() -> str:
    """The newest Alembic revision in data/migrations (the one every start migrates to)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from data.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def test_revision_0018_fills_the_new_loans_issue_date_of_every_pair(demo_db_url, tmp_path):
    """Down to 0017 (the column goes) and up again: the pairs get back exactly the dates the application writes."""
    import shutil

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import select

    from data.db import MIGRATIONS, make_engine, transaction
    from data.models import EvergreenPair

    path = tmp_path / "demo.db"
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), path)
    engine = make_engine(f"sqlite:///{path}")
    columns = (EvergreenPair.new_loan_id, EvergreenPair.old_loan_id, EvergreenPair.new_issue_date)
    with transaction(engine) as s:
        written = set(s.execute(select(*columns)))
    assert written and all(row.new_issue_date is not None for row in written)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    for step in (command.downgrade, command.upgrade):
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, "0017" if step is command.downgrade else "head")
    with transaction(engine) as s:
        assert set(s.execute(select(*columns))) == written
    engine.dispose()


def test_postgresql_sessions_plan_for_fast_random_reads(engine):
    """The app's PostgreSQL connections set random_page_cost for SSD or memory (data/db.make_engine): with the
    default 4 the planner read every loan to join a few thousand evergreening suspects."""
    from sqlalchemy import text

    from data.db import PG_RANDOM_PAGE_COST

    if engine.dialect.name != "postgresql":
        assert PG_RANDOM_PAGE_COST == 1.1  # SQLite has no such cost; the PostgreSQL run checks the connection
        return
    with engine.connect() as connection:
        assert float(connection.execute(text("SHOW random_page_cost")).scalar()) == PG_RANDOM_PAGE_COST
