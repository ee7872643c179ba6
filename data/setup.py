"""First start of a real union: create the first admin account from the command line.

Why a command: a production database starts empty (../shared/DESIGN.md), and the admin page needs a signed-in
admin to create anyone; before this command the first account had to be inserted by hand in SQL, with a bcrypt
hash computed elsewhere and no audit row. The command migrates the schema, checks the password policy every
admin-set password follows, refuses to overwrite an existing account and audits the creation.

    DATABASE_URL=postgresql+psycopg://npl@db/npl python -m data.setup create-admin \\
        --username admin --display-name "Union administrator"

The password comes from NPL_ADMIN_PASSWORD when set (automation), otherwise it is asked twice on the terminal.
It never appears on the command line, where other users of the machine could read it in the process list.
Exit codes: 0 done, 1 refused (the reason on stderr), 2 usage error.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence

from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from data.audit import now, record
from data.db import database_url, is_default_demo_database, make_engine, transaction, upgrade_schema
from data.models import AppUser
from data.passwords import hash_password, policy_problem
from data.users import USERNAME_PATTERN, get_by_username
from domain.inputs import has_nul
from domain.roles import ADMIN

PASSWORD_VARIABLE = "NPL_ADMIN_PASSWORD"
#: the audit trail's name for the command line (no signed-in user performs it)
SETUP_USERNAME = "setup"
DONE, REFUSED, USAGE = 0, 1, 2

#: why a password is refused, in the words of the admin page's messages (the CLI is English only)
POLICY_MESSAGES = {
    "too_short": "the password needs at least 10 characters",
    "too_long": "the password may have at most 72 bytes",
    "letters_and_digits": "the password needs both letters and digits",
}


class Refused(Exception):
    """The command cannot be done as asked; the message says why (exit code 1)."""


def read_password(environ: dict[str, str], ask: Callable[[str], str] | None = None) -> str:
    """The new password: from NPL_ADMIN_PASSWORD when set, else typed twice (a mismatch is refused)."""
    if PASSWORD_VARIABLE in environ:
        return environ[PASSWORD_VARIABLE]
    ask = ask or getpass.getpass
    first = ask("Password for the new admin: ")
    if first != ask("Repeat the password: "):
        raise Refused("the two passwords differ; nothing was written")
    return first


def create_admin(url: str, *, username: str, display_name: str, password: str) -> int:
    """Migrate the database at ``url`` and add an active union-wide admin; returns the new user's id.

    Refused (nothing written): the bundled demo database (it has its own demo accounts), a badly formed
    username or display name, a weak password, or a username that already exists.
    """
    if is_default_demo_database(url):
        raise Refused("this is the bundled demo database (data/npl.db); set DATABASE_URL or --url to the "
                      "union's database")
    username = username.strip()
    if not USERNAME_PATTERN.match(username):
        raise Refused("the username needs 3-40 characters: lower-case letters, digits, _ . -, starting with a letter")
    if not display_name.strip() or len(display_name.strip()) > 120 or has_nul(display_name):
        raise Refused("the display name is required (at most 120 characters)")
    problem = policy_problem(password)
    if problem:
        raise Refused(POLICY_MESSAGES[problem] + "; nothing was written")
    engine = make_engine(url)
    try:
        upgrade_schema(engine)
        with transaction(engine) as session:
            if get_by_username(session, username=username) is not None:
                raise Refused(f"a user named {username!r} already exists; nothing was changed")
            user = AppUser(username=username, display_name=display_name.strip(), email="",
                           password_hash=hash_password(password), role=ADMIN, cooperative_id=None, officer_id=None,
                           active=True, failed_logins=0, created_at=now())
            session.add(user)
            session.flush()
            record(session, actor=None, username=SETUP_USERNAME, action="user.create", entity="app_user",
                   entity_id=user.id, after={"username": user.username, "display_name": user.display_name,
                                             "role": user.role, "cooperative_id": None, "officer_id": None,
                                             "active": True})
            return user.id
    finally:
        engine.dispose()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m data.setup", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-admin", help="create an admin account (the first one on a new database)")
    create.add_argument("--username", required=True, help="sign-in name: lower-case letters, digits, _ . -")
    create.add_argument("--display-name", required=True, help="the name shown in the app and the audit trail")
    create.add_argument("--url", default=None, help="database URL (default: DATABASE_URL)")
    return parser


def main(argv: Sequence[str] | None = None, environ: dict[str, str] | None = None) -> int:
    """Run the command line; returns the exit code (0 done, 1 refused, 2 usage)."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as stop:  # argparse prints the usage itself
        return USAGE if stop.code else DONE
    environ = dict(os.environ) if environ is None else environ
    url = args.url or environ.get("DATABASE_URL") or database_url()
    try:
        user_id = create_admin(url, username=args.username, display_name=args.display_name,
                               password=read_password(environ))
    except Refused as refusal:
        print(f"refused: {refusal}", file=sys.stderr)
        return REFUSED
    except IntegrityError:  # another run created the same username between our check and our insert
        print(f"refused: a user named {args.username.strip()!r} already exists; nothing was changed", file=sys.stderr)
        return REFUSED
    except (EOFError, KeyboardInterrupt):
        print("refused: no password was given; nothing was written", file=sys.stderr)
        return REFUSED
    except SQLAlchemyError as error:
        reason = str(error).splitlines()[0][:300]  # SQLAlchemy masks the password of a URL in its messages
        print(f"refused: the database cannot be used: {reason}", file=sys.stderr)
        return REFUSED
    print(f"admin {args.username.strip()!r} created (user id {user_id}); sign in with this name and password")
    return DONE


if __name__ == "__main__":
    raise SystemExit(main())
