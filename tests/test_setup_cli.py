"""`python -m data.setup create-admin`: the first admin of a real union, on a fresh SQLite file and a fresh
PostgreSQL database, run as a real subprocess; refusals write nothing; no demo row ever appears."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data import demo, setup
from data.db import DEFAULT_URL, make_engine, transaction
from data.models import AppUser, AuditLog, Cooperative, Loan
from data.passwords import verify_password
from data.users import credentials

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "first-admin-2026"


def run_setup(*args: str, url: str | None, password: str | None = PASSWORD,
              stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", setup.PASSWORD_VARIABLE)}
    if url is not None:
        env["DATABASE_URL"] = url
    if password is not None:
        env[setup.PASSWORD_VARIABLE] = password
    return subprocess.run([sys.executable, "-m", "data.setup", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, input=stdin, timeout=120)


def create(url: str | None, username: str = "chief", **kwargs) -> subprocess.CompletedProcess:
    return run_setup("create-admin", "--username", username, "--display-name", "Union Chief", url=url, **kwargs)


def users_and_audit(url: str) -> tuple[list[AppUser], list[AuditLog], int]:
    engine = make_engine(url)
    try:
        with transaction(engine) as session:
            users = list(session.scalars(select(AppUser)))
            audit = list(session.scalars(select(AuditLog)))
            rows = sum(session.scalar(select(func.count()).select_from(m)) for m in (Cooperative, Loan))
            return users, audit, rows
    finally:
        engine.dispose()


def assert_first_admin(url: str) -> None:
    """Exactly one admin (union-wide, active), its bcrypt hash verifies, it is in the sign-in credentials,
    the creation is audited as 'setup', and the database holds no demo row or demo account."""
    users, audit, rows = users_and_audit(url)
    assert [(u.username, u.role, u.cooperative_id, u.active) for u in users] == [("chief", "admin", None, True)]
    assert verify_password(PASSWORD, users[0].password_hash)
    assert [(a.username, a.user_id, a.action, a.entity_id) for a in audit] == [
        ("setup", None, "user.create", str(users[0].id))]
    assert PASSWORD not in (audit[0].after or "")
    assert rows == 0, "no demo data on a real union's database"
    engine = make_engine(url)
    try:
        with transaction(engine) as session:
            entry = credentials(session)["usernames"]["chief"]
        assert verify_password(PASSWORD, entry["password"]) and entry["roles"] == ["admin"]
        assert demo.ensure_demo_database(engine) is False, "the app's first start adds no demo to it either"
    finally:
        engine.dispose()
    users_after, _audit, rows_after = users_and_audit(url)
    assert len(users_after) == 1 and rows_after == 0


def test_create_admin_on_a_fresh_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'union.db'}"
    result = create(url)
    assert result.returncode == 0, result.stderr
    assert "chief" in result.stdout
    assert_first_admin(url)


def test_create_admin_on_a_fresh_postgresql_database(fresh_pg_url):
    result = run_setup(
        "create-admin", "--username", "chief", "--display-name", "Union Chief", "--url", fresh_pg_url, url=None)
    assert result.returncode == 0, result.stderr
    assert_first_admin(fresh_pg_url)


def test_an_existing_user_is_never_overwritten(tmp_path):
    url = f"sqlite:///{tmp_path / 'union.db'}"
    assert create(url).returncode == 0
    before, audit_before, _ = users_and_audit(url)
    again = create(url, password="another-pass-99")
    assert again.returncode == 1
    assert "already exists" in again.stderr
    after, audit_after, _ = users_and_audit(url)
    assert after[0].password_hash == before[0].password_hash and len(audit_after) == len(audit_before)


@pytest.mark.parametrize("password, reason", [("short1", "at least 10"), ("onlyletters-here", "letters and digits"),
                                              ("1234567890123", "letters and digits"),
                                              ("a1" + "x" * 80, "72 bytes")])
def test_weak_passwords_are_refused(tmp_path, password, reason):
    url = f"sqlite:///{tmp_path / 'union.db'}"
    result = create(url, password=password)
    assert result.returncode == 1
    assert reason in result.stderr
    assert not Path(tmp_path / "union.db").exists() or users_and_audit(url)[0] == []


def test_password_typed_twice_on_the_terminal(tmp_path, monkeypatch):
    """Without NPL_ADMIN_PASSWORD the password is asked twice (getpass); a mismatch writes nothing."""
    url = f"sqlite:///{tmp_path / 'union.db'}"
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr(setup.getpass, "getpass", lambda prompt="": next(answers))
    args = ["create-admin", "--username", "chief", "--display-name", "Union Chief", "--url", url]
    assert setup.main(args, environ={}) == 1
    assert not (tmp_path / "union.db").exists(), "refused before touching the database"
    answers = iter([PASSWORD, PASSWORD])
    assert setup.main(args, environ={}) == 0
    assert_first_admin(url)


def test_usage_errors_exit_2(tmp_path):
    url = f"sqlite:///{tmp_path / 'union.db'}"
    assert run_setup("create-admin", "--display-name", "No Name", url=url).returncode == 2
    assert run_setup("make-coffee", url=url).returncode == 2
    assert run_setup(url=url).returncode == 2


def test_bad_username_and_display_name_are_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'union.db'}"
    assert create(url, username="Chief Admin").returncode == 1
    blank = run_setup("create-admin", "--username", "chief", "--display-name", "  ", url=url)
    assert blank.returncode == 1 and "display name" in blank.stderr


def test_the_bundled_demo_database_is_refused(capsys):
    """The demo file has its own demo accounts: a real admin there would live next to known passwords."""
    existed = Path(DEFAULT_URL.removeprefix("sqlite:///")).exists()
    code = setup.main(["create-admin", "--username", "chief", "--display-name", "X", "--url", DEFAULT_URL],
                      environ={setup.PASSWORD_VARIABLE: PASSWORD})
    assert code == 1 and "demo database" in capsys.readouterr().err
    assert Path(DEFAULT_URL.removeprefix("sqlite:///")).exists() == existed
