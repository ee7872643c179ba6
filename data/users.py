"""App users: sign-in bookkeeping and the admin's user management, every change audited.

Who may manage whom: an admin whose own account is scoped to one cooperative (``cooperative_id`` set)
reaches only the users of that cooperative. They can list, create, change, reset and sign out only those,
can never give an account a wider scope than their own (``cooperative_id`` None = the whole union) and
never touch a union-wide account; a union admin reaches everyone. The commands enforce this themselves,
not only the admin page, so a forged form or a script gets the same refusal.

Changing who a user is (password, active flag, role or scope) ends all their server-side sessions
(``data.sessions``) in the same transaction, so a copied cookie or a browser left signed in elsewhere stops
working at its next run, on every app server.
"""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from data import sessions
from data.audit import now, record
from data.errors import ValidationError, require_role
from data.frames import frame as to_frame
from data.models import AppUser, Cooperative, Officer
from data.passwords import hash_password, policy_problem
from domain.inputs import has_nul
from domain.roles import OFFICER, ROLES
from domain.scope import Actor, Scope

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
USERNAME_PATTERN = re.compile(r"^[a-z][a-z0-9_.-]{2,39}$")


def get_by_username(session: Session, *, username: str) -> AppUser | None:
    return session.scalar(select(AppUser).where(AppUser.username == username))


def scope_of(user: AppUser) -> Scope:
    """A user's reading scope: their cooperative (or the union), and their own officer id for officers."""
    cooperatives = None if user.cooperative_id is None else frozenset({user.cooperative_id})
    return Scope(cooperative_ids=cooperatives, officer_id=user.officer_id if user.role == OFFICER else None)


def actor_of(user: AppUser) -> Actor:
    return Actor(user_id=user.id, username=user.username, role=user.role, scope=scope_of(user))


def credentials(session: Session, *, at: dt.datetime | None = None) -> dict:
    """The streamlit-authenticator credentials dict: active users who are not locked out."""
    at = at or now()
    users = session.scalars(select(AppUser).where(AppUser.active.is_(True))).all()
    return {"usernames": {
        u.username: {"name": u.display_name, "email": u.email or f"{u.username}@invalid", "password": u.password_hash,
                     "roles": [u.role], "failed_login_attempts": u.failed_logins, "logged_in": False}
        for u in users if u.locked_until is None or u.locked_until <= at}}


def record_login(session: Session, *, username: str) -> str | None:
    """A successful sign-in: reset the failure count, start a server-side session and audit it.

    Returns the new session id for the cookie (None for an unknown or inactive user: nothing is written).
    """
    user = get_by_username(session, username=username)
    if user is None or not user.active:
        return None
    user.failed_logins = 0
    user.locked_until = None
    session_id = sessions.start(session, user_id=user.id)
    record(session, actor=actor_of(user), action="auth.login", entity="app_user", entity_id=user.id)
    return session_id


def record_failed_login(session: Session, *, username: str) -> dt.datetime | None:
    """A failed sign-in: count it, lock the account after too many, audit it; returns the lock end."""
    user = get_by_username(session, username=username)
    record(session, actor=None, username=username[:40] or "?", action="auth.login_failed", entity="app_user",
           entity_id=user.id if user else "")
    if user is None:
        return None
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.locked_until = now() + dt.timedelta(minutes=LOCK_MINUTES)
        user.failed_logins = 0
    return user.locked_until


def _reach(actor: Actor) -> frozenset[int] | None:
    """The cooperatives whose users an admin manages; None = every user (a union admin)."""
    return actor.scope.cooperative_ids


def _require_reachable(actor: Actor, user: AppUser) -> None:
    """Refuse touching a user outside a scoped admin's cooperative, union-wide users included."""
    reach = _reach(actor)
    if reach is not None and (user.cooperative_id is None or user.cooperative_id not in reach):
        raise ValidationError("user", "error.user_outside_scope")


def _require_not_wider(actor: Actor, cooperative_id: int | None) -> None:
    """Refuse giving an account a wider scope than the acting admin's own."""
    reach = _reach(actor)
    if reach is not None and (cooperative_id is None or cooperative_id not in reach):
        raise ValidationError("cooperative", "error.scope_wider_than_own")


def list_(session: Session, *, actor: Actor) -> pd.DataFrame:
    """The users the admin manages, for the admin page (never the hashes); a scoped admin sees their own
    cooperative's users only."""
    require_role(actor, "manage_users")
    stmt = (select(AppUser.id, AppUser.username, AppUser.display_name, AppUser.role, Cooperative.name, Officer.name,
                   AppUser.active, AppUser.locked_until)
            .outerjoin(Cooperative, Cooperative.id == AppUser.cooperative_id)
            .outerjoin(Officer, Officer.id == AppUser.officer_id).order_by(AppUser.username))
    reach = _reach(actor)
    if reach is not None:
        stmt = stmt.where(AppUser.cooperative_id.in_(sorted(reach)))
    return to_frame(session, stmt, ["id", "username", "display_name", "role", "cooperative", "officer", "active",
                                    "locked_until"])


def _check_scope(session: Session, role: str, cooperative_id: int | None, officer_id: int | None) -> None:
    if role not in ROLES:
        raise ValidationError("role", "error.unknown_role")
    if cooperative_id is not None and session.get(Cooperative, cooperative_id) is None:
        raise ValidationError("cooperative", "error.unknown_cooperative")
    if role == OFFICER:
        officer = session.get(Officer, officer_id) if officer_id is not None else None
        if officer is None:
            raise ValidationError("officer", "error.officer_link_required")
        if cooperative_id is not None and officer.cooperative_id != cooperative_id:
            raise ValidationError("officer", "error.officer_other_cooperative")
    elif officer_id is not None:
        raise ValidationError("officer", "error.officer_link_forbidden")


def _snapshot(user: AppUser) -> dict:
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "cooperative_id": user.cooperative_id, "officer_id": user.officer_id, "active": user.active}


def create(session: Session, *, actor: Actor, username: str, display_name: str, password: str, role: str,
           cooperative_id: int | None, officer_id: int | None = None, email: str = "") -> AppUser:
    """Create a user after checking name, password policy, role and scope."""
    require_role(actor, "manage_users")
    username = username.strip()
    if not USERNAME_PATTERN.match(username):
        raise ValidationError("username", "error.username_format")
    if get_by_username(session, username=username) is not None:
        raise ValidationError("username", "error.username_taken")
    if not display_name.strip() or len(display_name) > 120:
        raise ValidationError("display_name", "error.display_name")
    if has_nul(display_name):
        raise ValidationError("display_name", "error.nul_character")
    if len(email.strip()) > 200 or has_nul(email):
        raise ValidationError("email", "error.email_invalid")
    problem = policy_problem(password)
    if problem:
        raise ValidationError("password", f"error.password_{problem}")
    _require_not_wider(actor, cooperative_id)
    _check_scope(session, role, cooperative_id, officer_id)
    user = AppUser(username=username, display_name=display_name.strip(), email=email.strip(),
                   password_hash=hash_password(password), role=role, cooperative_id=cooperative_id,
                   officer_id=officer_id, active=True, failed_logins=0, created_at=now())
    session.add(user)
    session.flush()
    record(session, actor=actor, action="user.create", entity="app_user", entity_id=user.id, after=_snapshot(user))
    return user


def update(session: Session, *, actor: Actor, user_id: int, role: str, cooperative_id: int | None,
           officer_id: int | None, active: bool) -> AppUser:
    """Change a user's role, scope or active flag; an admin cannot deactivate or demote themself.

    A deactivation or any change of role or scope ends the user's sessions: what they may see changed, so
    they sign in again rather than keep a browser whose pages were built for the old access.
    """
    require_role(actor, "manage_users")
    user = session.get(AppUser, user_id)
    if user is None:
        raise ValidationError("user", "error.unknown_user")
    _require_reachable(actor, user)
    if user.id == actor.user_id and (not active or role != user.role):
        raise ValidationError("user", "error.own_account")
    _require_not_wider(actor, cooperative_id)
    _check_scope(session, role, cooperative_id, officer_id)
    before = _snapshot(user)
    user.role, user.cooperative_id, user.officer_id, user.active = role, cooperative_id, officer_id, active
    after = _snapshot(user)
    if before != after:
        reason = sessions.END_DEACTIVATED if before["active"] and not active else sessions.END_ACCESS_CHANGED
        ended = sessions.end_all_for_user(session, user_id=user.id, reason=reason)
        record(session, actor=actor, action="user.update", entity="app_user", entity_id=user.id, before=before,
               after={**after, "sessions_ended": ended} if ended else after)
    return user


def reset_password(session: Session, *, actor: Actor, user_id: int, password: str) -> None:
    """Set a new password (policy checked), unlock the account and end all its sessions (whoever held the
    old password, or a cookie obtained with it, is signed out everywhere); the hash never enters the audit row."""
    require_role(actor, "manage_users")
    user = session.get(AppUser, user_id)
    if user is None:
        raise ValidationError("user", "error.unknown_user")
    _require_reachable(actor, user)
    problem = policy_problem(password)
    if problem:
        raise ValidationError("password", f"error.password_{problem}")
    user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    ended = sessions.end_all_for_user(session, user_id=user.id, reason=sessions.END_PASSWORD)
    record(session, actor=actor, action="user.reset_password", entity="app_user", entity_id=user.id,
           after={"password": "changed", "sessions_ended": ended})


def sign_out_everywhere(session: Session, *, actor: Actor, user_id: int) -> int:
    """An admin ends every session of a user (a lost phone, a shared computer); returns how many were open."""
    require_role(actor, "manage_users")
    user = session.get(AppUser, user_id)
    if user is None:
        raise ValidationError("user", "error.unknown_user")
    _require_reachable(actor, user)
    ended = sessions.end_all_for_user(session, user_id=user.id, reason=sessions.END_ADMIN)
    record(session, actor=actor, action="user.sign_out_everywhere", entity="app_user", entity_id=user.id,
           after={"sessions_ended": ended, "reason": sessions.END_ADMIN})
    return ended


def list_officer_choices(session: Session, *, actor: Actor) -> pd.DataFrame:
    """Officers an officer account may be linked to: id, name, cooperative_id (admin only; a scoped admin's
    own cooperative only)."""
    require_role(actor, "manage_users")
    stmt = (select(Officer.id, Officer.name, Officer.employee_no, Officer.cooperative_id)
            .where(Officer.active.is_(True)).order_by(Officer.name))
    reach = _reach(actor)
    if reach is not None:
        stmt = stmt.where(Officer.cooperative_id.in_(sorted(reach)))
    return to_frame(session, stmt, ["id", "name", "employee_no", "cooperative_id"])


# --- one's own profile: the e-mailed digest ------------------------------------------------------------------
#: languages a digest can be written in (components/i18n.py's LANGUAGES; domain code cannot import it)
DIGEST_LANGUAGES = ("en", "es", "zh")


def get_profile(session: Session, *, actor: Actor) -> dict:
    """The signed-in user's own digest settings: e-mail, language, opted out."""
    user = session.get(AppUser, actor.user_id)
    if user is None:
        raise ValidationError("user", "error.unknown_user")
    return {"email": user.email or "", "language": user.language, "digest_opt_out": bool(user.digest_opt_out)}


def update_profile(session: Session, *, actor: Actor, language: str, digest_opt_out: bool) -> None:
    """A user changes their own digest language and opt-out (any role, only their own account); audited."""
    if language not in DIGEST_LANGUAGES:
        raise ValidationError("language", "error.profile.language")
    user = session.get(AppUser, actor.user_id)
    if user is None or not user.active:
        raise ValidationError("user", "error.unknown_user")
    before = {"language": user.language, "digest_opt_out": bool(user.digest_opt_out)}
    user.language, user.digest_opt_out = language, bool(digest_opt_out)
    after = {"language": user.language, "digest_opt_out": user.digest_opt_out}
    if before != after:
        record(session, actor=actor, action="user.profile", entity="app_user", entity_id=user.id, before=before,
               after=after)


def digest_recipients(session: Session, *, username: str | None = None) -> list[AppUser]:
    """Active users with an e-mail address who did not opt out (or just ``username``, if it is one of them),
    for scripts/send_digest.py. Not a page read: the script runs as the system, each user's items then read
    with that user's own scope."""
    stmt = (select(AppUser).where(AppUser.active.is_(True), AppUser.email != "", AppUser.digest_opt_out.is_(False))
            .order_by(AppUser.username))
    if username is not None:
        stmt = stmt.where(AppUser.username == username)
    return list(session.scalars(stmt))
