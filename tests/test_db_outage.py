"""The database going away in the middle of a session: a clear message, no traceback, and recovery."""
from __future__ import annotations

from sqlalchemy.exc import OperationalError

from streamlit import cache_data

from data import today
from tests.apptest_support import app, signed_in_state


def unreachable(*_args, **_kwargs):
    """Stands in for a read while the database is down (module level: the read cache resolves it by name)."""
    raise OperationalError("SELECT ...", {}, ConnectionError("server closed the connection unexpectedly"))


def _signed_in_run():
    at = app()
    for key, value in signed_in_state("director").items():
        at.session_state[key] = value
    return at.run()


def test_outage_mid_session_shows_a_message_and_recovers(demo_db_url, monkeypatch):
    """Each step is a fresh script run of app.py for a signed-in director (as after a reconnect)."""
    before = _signed_in_run()
    assert not before.exception and before.markdown, "signed in, Today (the first page) shows its items"

    cache_data.clear()
    monkeypatch.setattr(today, "for_user", unreachable)
    down = _signed_in_run()
    assert not down.exception, "no traceback"
    assert any("cannot be reached" in e.value for e in down.error)

    monkeypatch.undo()
    cache_data.clear()
    after = _signed_in_run()
    assert not after.exception and after.markdown and not after.error
