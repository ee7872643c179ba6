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
    from sqlalchemy import select

    from data import aggregates
    from data import settings as settings_store
    from data.db import MIGRATIONS, make_engine, transaction
    from data.models import LoanHistory, WatchMonth
    from domain.settings import Settings
    from tests import factory as f

    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))

    def upgrade(revision: str) -> None:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    upgrade("0003")
    may, june = dt.date(2025, 5, 1), dt.date(2025, 6, 1)
    with transaction(engine) as s:
        settings_store.seed(s, Settings(segment_cutoff=dt.date(2025, 1, 1)))
        coop = f.cooperative(s, "A")
        ana = f.officer(s, coop, "Ana")
        for contract, may_row, june_row in (("SM", ("normal", 0), ("special_mention", 20)),
                                            ("HID", ("normal", 40), ("normal", 100)),
                                            ("NPL", ("substandard", 120), ("doubtful", 300)),
                                            ("OK", ("normal", 0), ("normal", 0))):
            loan = f.loan(s, coop, ana, dt.date(2024, 1, 1), contract=contract)
            f.month_row(s, loan, may, 1000, may_row[0], dpd=may_row[1])
            f.month_row(s, loan, june, 900, june_row[0], dpd=june_row[1])
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
    # past due in June (hidden, and at risk by its days), at risk in May (40 days); NPL (3): first NPL in May
    assert [(w.month, w.watch, w.loan_id) for w in migrated[1]] == [
        (may, "normal_at_risk", 2), (june, "hidden", 2), (june, "normal_at_risk", 1), (june, "normal_at_risk", 2),
        (june, "special_mention", 1)]
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
