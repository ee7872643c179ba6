"""Engine and sessions from DATABASE_URL, and the schema upgrade run on start.

The caller owns the transaction: read and write functions take a Session and never commit.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from data import versions  # noqa: F401 - installs the listeners that move table versions at commit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "npl.db"
DEFAULT_URL = f"sqlite:///{DEFAULT_SQLITE_PATH}"
MIGRATIONS = PROJECT_ROOT / "data" / "migrations"
#: PostgreSQL advisory lock held while migrating (an arbitrary constant, "NPL" in ASCII)
MIGRATION_LOCK_KEY = 0x4E504C


def database_url() -> str:
    """DATABASE_URL from the environment, or the bundled SQLite demo database."""
    return os.environ.get("DATABASE_URL", DEFAULT_URL)


def is_default_demo_database(url: str) -> bool:
    """Demo mode (sample secrets allowed) applies only to the bundled SQLite file."""
    return url == DEFAULT_URL


#: PostgreSQL sessions of the app plan for fast random reads (SSD or memory), see make_engine
PG_RANDOM_PAGE_COST = 1.1


def make_engine(url: str | None = None) -> Engine:
    """An engine with foreign keys enforced on SQLite and pre-ping on servers."""
    url = url or database_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    # the planner's cost of a random page read: PostgreSQL's default (4) assumes spinning disks, and made it read
    # all 1,000,000 loans to hash-join the few thousand evergreening suspects instead of looking each one up
    # (docs/operations.md); 1.1 is the usual value for SSD or a database held in memory. A URL that sets its own
    # ``options`` keeps them.
    connect_args = {} if "options=" in url else {"options": f"-c random_page_cost={PG_RANDOM_PAGE_COST}"}
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args=connect_args)


def upgrade_schema(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (idempotent)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # several app servers starting at once: one migrates, the others wait and then find nothing to do
            # (without it, two servers ran the same revision and one failed; scripts/two_servers.py saw it)
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: commits on success, rolls back on any error."""
    with session_factory(engine)() as session, session.begin():
        yield session
