"""Running pages with Streamlit's AppTest against a small generated demo database.

The database is generated once per test session (SQLite file) and the app is pointed at it through
DATABASE_URL; caches are cleared before each run so no result leaks between users.
"""
from __future__ import annotations

import os
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
TEST_COOKIE_KEY = "test-cookie-key-0123456789-abcdefghijklmnop"
DEMO_PASSWORDS = {name: f"{name}-demo" for name in
                  ("director", "supervisor", "supervisor_c1", "officer", "auditor", "admin")}


def point_app_at(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["NPL_COOKIE_KEY"] = TEST_COOKIE_KEY
    st.cache_data.clear()
    st.cache_resource.clear()


def page(name: str, *, username: str | None, lang: str = "en", query: dict[str, str] | None = None,
         state: dict[str, object] | None = None, timeout: float = 60) -> AppTest:
    """Run pages/<name>.py as ``username`` (None = anonymous) and return the finished AppTest."""
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=timeout)
    if username:
        for key, value in signed_in_state(username).items():
            at.session_state[key] = value
    at.session_state["lang"] = lang
    at.session_state["entered_via_app"] = True
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    return at.run()


def signed_in_state(username: str, url: str | None = None) -> dict[str, object]:
    """The session_state of a browser signed in as ``username``: a real server-side session is started in the
    database the app points at (``DATABASE_URL``), since the app signs nobody in without one."""
    from components.auth import SESSION_KEY
    from data import sessions
    from data.db import make_engine, transaction
    from data.users import get_by_username

    engine = make_engine(url or os.environ["DATABASE_URL"])
    try:
        with transaction(engine) as session:
            user = get_by_username(session, username=username)
            session_id = sessions.start(session, user_id=user.id) if user is not None else "no-such-user"
    finally:
        engine.dispose()
    return {"authentication_status": True, "username": username, SESSION_KEY: session_id}


def app(*, timeout: float = 60) -> AppTest:
    st.cache_data.clear()
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)


def texts(at: AppTest) -> str:
    """Every text a user would read on the page, joined, for 'is this shown' assertions."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error", "success",
                 "metric"):
        for element in getattr(at, kind):
            parts.append(str(getattr(element, "value", "")))
            parts.append(str(getattr(element, "label", "")))
    return "\n".join(parts)


def read_demo(url: str, function, **arguments):
    """Call a data/ read function on the demo database directly: the figure a page must show."""
    from data.db import make_engine, session_factory

    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            return function(session, **arguments)
    finally:
        engine.dispose()
