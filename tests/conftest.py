"""Database fixtures: every data test runs on SQLite and, when TEST_DATABASE_URL is set, PostgreSQL."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from data.db import make_engine, upgrade_schema
from data.models import Base

PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated empty SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("tpl") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_engine() -> Engine:
    engine = make_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path, sqlite_template) -> Engine:
    """An empty, migrated database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        engine = make_engine(f"sqlite:///{path}")
        yield engine
        engine.dispose()
    else:
        engine = request.getfixturevalue("pg_engine")
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        yield engine


@pytest.fixture(scope="session")
def demo_db_url(tmp_path_factory) -> str:
    """A small generated demo database (SQLite) shared by the page tests; the app is pointed at it."""
    import datetime as dt

    from data.demo import generate
    from tests.apptest_support import point_app_at

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade_schema(engine)
    generate(engine, loans=1500, months=24, seed=11, end_month=dt.date(2026, 10, 1), cooperatives=4, officers=24)
    engine.dispose()
    point_app_at(url)
    return url


@pytest.fixture
def private_demo_url(demo_db_url, tmp_path) -> str:
    """A copy of the demo database for page tests that write; the app is pointed back afterwards."""
    from tests.apptest_support import point_app_at

    path = tmp_path / "private-demo.db"
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    point_app_at(url)
    yield url
    point_app_at(demo_db_url)


@pytest.fixture
def private_demo_engine(private_demo_url) -> Engine:
    engine = make_engine(private_demo_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def demo_facts(demo_db_url):
    """(url, months with data, [(cooperative id, name)] by code) of the demo database, for page tests."""
    from sqlalchemy import select

    from data import portfolio
    from data.models import Cooperative
    from tests.apptest_support import read_demo

    months = read_demo(demo_db_url, portfolio.list_months)
    cooperatives = read_demo(demo_db_url, lambda s: s.execute(select(Cooperative.id, Cooperative.name)
                                                               .order_by(Cooperative.code)).all())
    return demo_db_url, months, cooperatives


@pytest.fixture(scope="session")
def security_server(demo_db_url, tmp_path_factory):
    """(server URL, database URL): one real app server for the browser tests of tests/security/, on a private
    copy of the demo database, since those tests reset passwords, deactivate users and age sessions. Shared by
    the modules there (a fixture of a module would start one server per module; they are slow to start)."""
    from tests.browser_support import running_server

    path = tmp_path_factory.mktemp("security") / "security.db"
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    with running_server(url) as server:
        yield server, url


@pytest.fixture(scope="module")
def security_browser():
    """Chromium for the browser tests of a tests/security/ module (each test opens its own contexts). Per module,
    not per session: Playwright's sync API allows one running instance per thread, and other modules start their own."""
    from tests.browser_support import chromium

    with chromium() as instance:
        yield instance


@pytest.fixture
def fresh_pg_url() -> str:
    """A brand-new, empty PostgreSQL database (no schema at all), dropped afterwards: a union's first start.

    Created next to TEST_DATABASE_URL's database with a ``<name>_fresh_<random>`` name through the same server.
    """
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    import secrets

    from sqlalchemy.engine import make_url

    base = make_url(PG_URL)
    name = f"{base.database}_fresh_{secrets.token_hex(4)}"
    admin = make_engine(PG_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def server(demo_db_url):
    """The real app server (``streamlit run``) on the shared demo database, for a module of browser tests."""
    from tests.browser_support import running_server

    with running_server(demo_db_url) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, for a module of browser tests."""
    from tests.browser_support import chromium

    with chromium() as instance:
        yield instance
