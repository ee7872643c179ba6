"""Server-side sign-in sessions: start, check, touch and end them. No Streamlit.

Why in the database: every app server shares it, so a session ended here (sign-out, a password reset, an
admin's "sign out everywhere") is refused on every server at the next run, and a copied cookie is worthless
once its session has ended. The browser's cookie carries a random session id (``secrets.token_urlsafe``,
256 bits); this table keeps only its SHA-256. An unsalted hash is enough because the id is long and random,
not a password: nothing can be guessed from the hash, and a leaked row cannot be turned back into a cookie.

The bookkeeping functions (``start``, ``resume``, ``touch``, ``end``, ``end_all_for_user``) write no audit
row: they run on every sign-in and page run, and the user-facing actions that call them audit themselves
(``sign_out`` and ``sign_out_everywhere`` here; ``data.users`` for password resets, deactivations, access
changes and an admin signing a user out). Timestamps are naive UTC like every other stored timestamp.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from data.audit import now, record
from data.models import AppUser, UserSession
from domain.scope import Actor
from domain.settings import Settings

#: why a session ended (user_session.end_reason)
END_SIGN_OUT = "sign_out"
END_EVERYWHERE = "sign_out_everywhere"
END_ADMIN = "admin_sign_out"
END_PASSWORD = "password_reset"
END_DEACTIVATED = "deactivated"
END_ACCESS_CHANGED = "access_changed"
END_IDLE = "idle"
END_LIFETIME = "lifetime"
#: last_seen_at is written at most this often: a write on every click would cost more than the minute of
#: idle-timeout precision it buys
TOUCH_EVERY = dt.timedelta(minutes=1)


def new_id() -> str:
    """A fresh random session id for the cookie (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


def hash_id(session_id: str) -> str:
    """What the table stores for a session id."""
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def _row(session: Session, session_id: str | None) -> UserSession | None:
    if not session_id or not isinstance(session_id, str) or len(session_id) > 200:
        return None
    return session.scalar(select(UserSession).where(UserSession.token_hash == hash_id(session_id)))


def start(session: Session, *, user_id: int, at: dt.datetime | None = None) -> str:
    """Record a new session for a user who just signed in; returns the id for the cookie (never stored)."""
    at = at or now()
    session_id = new_id()
    session.add(UserSession(token_hash=hash_id(session_id), user_id=user_id, created_at=at, last_seen_at=at))
    session.flush()
    return session_id


def problem(row: UserSession | None, *, settings: Settings, at: dt.datetime) -> str | None:
    """Why a session row does not sign anyone in (an end reason, or "unknown"), or None when it does."""
    if row is None:
        return "unknown"
    if row.ended_at is not None:
        return row.end_reason or "ended"
    if at - row.created_at >= dt.timedelta(hours=settings.session_max_hours):
        return END_LIFETIME
    if at - row.last_seen_at >= dt.timedelta(minutes=settings.session_idle_minutes):
        return END_IDLE
    return None


def is_valid(session: Session, *, session_id: str | None, settings: Settings, at: dt.datetime | None = None,
             username: str | None = None) -> bool:
    """Whether the session id signs an active user in now (and, if given, that user is ``username``). Reads only."""
    row = _row(session, session_id)
    if problem(row, settings=settings, at=at or now()) is not None:
        return False
    user = session.get(AppUser, row.user_id)
    return user is not None and user.active and (username is None or user.username == username)


def resume(session: Session, *, session_id: str | None, settings: Settings, at: dt.datetime | None = None,
           username: str | None = None, seen: bool = False) -> AppUser | None:
    """The active user a session id signs in (and, if given, that user is ``username``), or None.

    A session found idle or past its lifetime is ended here with that reason (so the table says why), not
    audited: this check runs on every page run, and an unattended browser timing out is not an action.
    With ``seen`` a valid session's last_seen_at moves to ``at`` (see ``touch``) in the same transaction.
    """
    at = at or now()
    row = _row(session, session_id)
    reason = problem(row, settings=settings, at=at)
    if reason is not None:
        if row is not None and row.ended_at is None:
            row.ended_at, row.end_reason = at, reason
        return None
    user = session.get(AppUser, row.user_id)
    if user is None or not user.active or (username is not None and user.username != username):
        return None
    if seen:
        touch(session, session_id=session_id, at=at)
    return user


def touch(session: Session, *, session_id: str, at: dt.datetime | None = None) -> bool:
    """Move last_seen_at to now if it is at least TOUCH_EVERY old; one conditional UPDATE, True if it wrote."""
    at = at or now()
    result = session.execute(
        update(UserSession)
        .where(UserSession.token_hash == hash_id(session_id), UserSession.ended_at.is_(None),
               UserSession.last_seen_at <= at - TOUCH_EVERY)
        .values(last_seen_at=at))
    return result.rowcount == 1


def end(session: Session, *, session_id: str | None, reason: str, at: dt.datetime | None = None) -> bool:
    """End one session (if still open); True if it was open."""
    row = _row(session, session_id)
    if row is None or row.ended_at is not None:
        return False
    row.ended_at, row.end_reason = at or now(), reason
    return True


def end_all_for_user(session: Session, *, user_id: int, reason: str, at: dt.datetime | None = None) -> int:
    """End every open session of a user, on every server; returns how many were open."""
    result = session.execute(
        update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .values(ended_at=at or now(), end_reason=reason))
    return int(result.rowcount)


def sign_out(session: Session, *, actor: Actor, session_id: str | None) -> None:
    """The user pressed "Sign out": end this browser's session and audit it."""
    ended = end(session, session_id=session_id, reason=END_SIGN_OUT)
    record(session, actor=actor, action="auth.logout", entity="app_user", entity_id=actor.user_id,
           after={"sessions_ended": int(ended), "reason": END_SIGN_OUT})


def sign_out_everywhere(session: Session, *, actor: Actor) -> int:
    """The user pressed "Sign out everywhere": end all their sessions (this one too) and audit it."""
    ended = end_all_for_user(session, user_id=actor.user_id, reason=END_EVERYWHERE)
    record(session, actor=actor, action="auth.sign_out_everywhere", entity="app_user", entity_id=actor.user_id,
           after={"sessions_ended": ended, "reason": END_EVERYWHERE})
    return ended


def open_count(session: Session, *, user_id: int) -> int:
    """How many sessions of a user are not ended (idle ones included until they are next checked)."""
    from sqlalchemy import func

    return int(session.scalar(select(func.count()).select_from(UserSession)
                              .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))) or 0)
