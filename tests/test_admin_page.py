"""The administration page: forms write exactly one audited change, or refuse with a message and write nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from data.db import make_engine, transaction
from data.models import AppUser, AuditLog
from tests.apptest_support import page


def _counts(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    with transaction(engine) as s:
        result = (s.scalar(select(func.count()).select_from(AppUser)),
                  s.scalar(select(func.count()).select_from(AuditLog)))
    engine.dispose()
    return result


def _create_form(at, *, username: str, password: str, display_name: str = "Li Wei"):
    inputs = [w for w in at.text_input if w.form_id == "admin.create"]
    by_label = {w.label: w for w in inputs}
    by_label["Username"].input(username)
    by_label["Full name"].input(display_name)
    by_label["Initial password"].input(password)
    button = next(b for b in at.button if b.form_id == "admin.create")
    return button.click().run()


def test_admin_creates_a_user_with_one_audited_row(private_demo_url):
    before = _counts(private_demo_url)
    at = _create_form(page("admin", username="admin"), username="liwei", password="good-pass-2026",
                      display_name="<b>Li</b> Wei'; DROP TABLE app_user;--")
    assert not at.exception
    assert any(s.value == "User created." for s in at.success)
    assert _counts(private_demo_url) == (before[0] + 1, before[1] + 1)


def test_bad_password_is_refused_and_nothing_written(private_demo_url):
    before = _counts(private_demo_url)
    at = _create_form(page("admin", username="admin"), username="liwei", password="short")
    assert not at.exception
    assert any("at least 10 characters" in e.value and "Nothing was written" in e.value for e in at.error)
    assert _counts(private_demo_url) == before
    typed = next(w for w in at.text_input if w.label == "Username")
    assert typed.value == "liwei", "the form keeps what was typed"


def test_settings_form_refuses_disordered_thresholds(private_demo_url):
    before = _counts(private_demo_url)
    at = page("admin", username="admin")
    field = next(w for w in at.number_input if w.label.startswith("Days past due for Substandard"))
    field.set_value(300)
    at = next(b for b in at.button if b.form_id == "admin.settings").click().run()
    assert not at.exception
    assert any("Substandard < Doubtful < Loss" in e.value for e in at.error)
    assert _counts(private_demo_url) == before
