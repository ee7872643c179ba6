"""Sign-in with streamlit-authenticator against the users table, server-side sessions, and the signed-in viewer.

The viewer is looked up in the database on every run through their server-side session (``data.sessions``),
so a sign-out, a password reset, a deactivation, a changed role or an idle timeout takes effect at the next
run on every app server; nothing about the user is kept in module globals. Session bookkeeping goes through
``store.bookkeep``, which leaves every user's read cache alone.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

import jwt
import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.models import CookieModel
from streamlit_authenticator.utilities.exceptions import LoginError

from components import store
from components.i18n import t
from data import sessions, users
from data import settings as settings_store
from data.audit import now
from domain.scope import Actor, Scope

COOKIE_NAME = "npl_oversight_auth"
COOKIE_EXPIRY_DAYS = 1.0  # an upper bound: the cookie is set to last session_max_hours (at most 24)
#: session_state keys: the raw id of this browser's server-side session (server memory only) and when it was
#: last written to the database
SESSION_KEY = "npl_session_id"
TOUCHED_KEY = "npl_session_touched"
DEMO_COOKIE_KEY = "demo-only-cookie-key-not-for-production-use"
SAMPLE_KEYS = {"", "some_key", "change-me", "changeme", "secret", DEMO_COOKIE_KEY}
MIN_KEY_LENGTH = 32


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as pages see them."""

    actor: Actor
    display_name: str
    cooperative_id: int | None

    @property
    def role(self) -> str:
        return self.actor.role

    @property
    def scope(self) -> Scope:
        return self.actor.scope


def _configured_cookie_key() -> str:
    key = os.environ.get("NPL_COOKIE_KEY", "")
    if not key:
        try:
            key = str(st.secrets.get("auth", {}).get("cookie_key", ""))
        except (FileNotFoundError, KeyError, AttributeError):
            key = ""
        except Exception:  # noqa: BLE001 - st.secrets raises its own error type when no file exists
            key = ""
    return key


def cookie_key() -> str | None:
    """The cookie signing key, or None when the app must refuse to start.

    A missing or sample key is accepted only in demo mode (the bundled SQLite database).
    """
    key = _configured_cookie_key()
    if key not in SAMPLE_KEYS and len(key) >= MIN_KEY_LENGTH:
        return key
    return DEMO_COOKIE_KEY if store.demo_mode() else None


class SessionCookie(CookieModel):
    """streamlit-authenticator's re-authentication cookie, carrying the server-side session id.

    How streamlit-authenticator 0.4.2 does it (``models/cookie_model.py``): the cookie is a JWT of
    ``{"username", "exp_date"}`` signed with HS256; when a visitor is not signed in, ``login()`` reads it
    from ``st.context.cookies`` and signs the browser in by that username alone. So a copied cookie kept
    working after sign-out and after a password reset, and its decoder caught only ``DecodeError`` and
    ``InvalidSignatureError``: a token with ``{"alg": "none"}`` raised ``InvalidAlgorithmError`` into the page.

    Why this design rather than a second cookie of our own: a separate signed cookie would have to be set,
    read and deleted in step with the library's (two browser-side component calls per change, two chances to
    disagree, and the library would still sign in from its own cookie). Instead the library's one cookie
    carries one more claim, ``sid``, and this subclass replaces the methods that build and read it, leaving
    the library's flow (form sign-in, cookie sign-in, sign-out) as it is:

    - ``_token_encode`` adds ``sid`` and a standard ``exp`` claim, which PyJWT verifies;
    - ``_token_decode`` accepts only HS256 with our key and the claims it needs; *any* bad token (garbage,
      ``alg: none``, another key, expired, wrong claim types) counts as no cookie, silently;
    - ``get_cookie`` returns the token only when its session is valid in the database for that username, and
      keeps the session id for this browser session;
    - ``set_cookie`` sets nothing unless a server-side session was started.

    The signature keeps strangers from forging tokens; the session row is what makes a genuine token
    revocable. Even a token signed with a leaked key signs nobody in without a live session id.
    """

    @classmethod
    def adopt(cls, model: CookieModel) -> "SessionCookie":
        """Take over the library's cookie model, reusing its CookieManager (creating a second one would
        render the same browser component twice)."""
        adopted = cls.__new__(cls)
        adopted.__dict__.update(model.__dict__)
        return adopted

    def get_cookie(self) -> dict[str, Any] | None | bool:
        if st.session_state.get("logout"):
            return False
        raw = st.context.cookies[self.cookie_name] if self.cookie_name in st.context.cookies else None
        if not raw:
            return None
        self.token = raw
        claims = self._token_decode()
        if not claims:
            return None
        user = store.bookkeep(sessions.resume, session_id=claims["sid"], settings=store.read(settings_store.get),
                              username=claims["username"])
        if user is None:
            return None
        st.session_state[SESSION_KEY] = claims["sid"]
        st.session_state[TOUCHED_KEY] = None
        return claims

    def set_cookie(self) -> None:
        if st.session_state.get(SESSION_KEY):
            super().set_cookie()

    def _token_decode(self) -> dict[str, Any] | bool:
        try:
            claims = jwt.decode(self.token, self.cookie_key, algorithms=["HS256"],
                                options={"require": ["exp", "sid", "username"]})
        except (jwt.PyJWTError, ValueError, TypeError):
            return False
        if not isinstance(claims.get("sid"), str) or not isinstance(claims.get("username"), str):
            return False
        claims.setdefault("exp_date", claims["exp"])
        return claims

    def _token_encode(self) -> str:
        expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=self.cookie_expiry_days)
        return jwt.encode({"username": st.session_state["username"], "sid": st.session_state[SESSION_KEY],
                           "exp": expires, "exp_date": self.exp_date}, self.cookie_key, algorithm="HS256")


def authenticator(key: str) -> tuple[stauth.Authenticate, dict]:
    """The library's authenticator over the database users, its cookie carrying the session id."""
    with store.session() as session:
        credentials = users.credentials(session)
    auth = stauth.Authenticate(credentials, COOKIE_NAME, key, COOKIE_EXPIRY_DAYS, auto_hash=False)
    cookie = SessionCookie.adopt(auth.cookie_controller.cookie_model)
    cookie.cookie_expiry_days = min(COOKIE_EXPIRY_DAYS, store.read(settings_store.get).session_max_hours / 24)
    auth.cookie_controller.cookie_model = cookie
    return auth, credentials


def _forget_session() -> None:
    """This browser session no longer signs anyone in (its server-side session ended or never existed)."""
    st.session_state.pop(SESSION_KEY, None)
    st.session_state.pop(TOUCHED_KEY, None)
    if st.session_state.get("authentication_status"):
        st.session_state["authentication_status"] = None
        st.session_state["username"] = None


def current_viewer() -> Viewer | None:
    """The signed-in, active user of this browser session, or None.

    Checked on every run against the server-side session: ended, idle or too old means signed out. The
    session's last_seen_at is written at most once a minute (TOUCH_EVERY), so most runs only read.
    """
    if not st.session_state.get("authentication_status"):
        return None
    session_id = st.session_state.get(SESSION_KEY)
    if not session_id or not st.session_state.get("username"):
        _forget_session()
        return None
    at = now()
    last_touch = st.session_state.get(TOUCHED_KEY)
    due = last_touch is None or at - last_touch >= sessions.TOUCH_EVERY
    user = store.bookkeep(sessions.resume, session_id=session_id, settings=store.read(settings_store.get), at=at,
                          username=st.session_state["username"], seen=due)
    if user is None:
        _forget_session()
        return None
    if due:
        st.session_state[TOUCHED_KEY] = at
    return Viewer(actor=users.actor_of(user), display_name=user.display_name, cooperative_id=user.cooperative_id)


def _password_sign_in(details: dict) -> None:
    """The library's callback after a correct password, before it sets the cookie: start the server-side
    session (audited as the sign-in) so the cookie it sets carries the session id."""
    session_id = store.bookkeep(users.record_login, username=details["username"])
    if session_id:
        st.session_state[SESSION_KEY] = session_id
        st.session_state[TOUCHED_KEY] = now()
        st.session_state["cookie_pending"] = True


def login_form(auth: stauth.Authenticate, credentials: dict) -> None:
    """Render the sign-in form; audit successes and failures and lock after repeated failures."""
    known = credentials["usernames"]
    failures_before = {name: entry["failed_login_attempts"] for name, entry in known.items()}
    fields = {"Form name": t("login.title"), "Username": t("login.username"), "Password": t("login.password"),
              "Login": t("login.submit")}
    try:
        auth.login(location="main", fields=fields, key="login", callback=_password_sign_in)
    except LoginError:
        st.error(t("login.failed"))
    status = st.session_state.get("authentication_status")
    if status:
        st.rerun()
    elif status is False:
        st.error(t("login.failed"))
        for name, entry in known.items():
            if entry["failed_login_attempts"] > failures_before.get(name, 0):
                locked_until = store.bookkeep(users.record_failed_login, username=name)
                if locked_until is not None:
                    st.warning(t("login.locked", until=locked_until.strftime("%Y-%m-%d %H:%M")))
    if store.demo_mode():
        st.caption(t("login.demo_accounts"))


def remember_sign_in(auth: stauth.Authenticate) -> None:
    """Set the re-authentication cookie once, on the first full run after signing in.

    The login widget sets it too, but the rerun that rebuilds the navigation would unmount the cookie
    component before the browser stored it.
    """
    if st.session_state.pop("cookie_pending", False):
        auth.cookie_controller.set_cookie()


def logout_button(auth: stauth.Authenticate, viewer: Viewer) -> None:
    """"Sign out" ends this browser's server-side session (audited), so its cookie is dead even if copied."""
    def _end(_details: dict) -> None:
        store.bookkeep(sessions.sign_out, actor=viewer.actor, session_id=st.session_state.pop(SESSION_KEY, None))
        st.session_state.pop(TOUCHED_KEY, None)

    auth.logout(t("logout"), "sidebar", key="sign_out", callback=_end)


def sign_out_everywhere_button(auth: stauth.Authenticate, viewer: Viewer) -> None:
    """"Sign out everywhere": end every session of this user on every device and server (audited)."""
    if st.sidebar.button(t("auth.sign_out_everywhere"), key="sign_out_everywhere",
                         help=t("auth.sign_out_everywhere_help")):
        store.bookkeep(sessions.sign_out_everywhere, actor=viewer.actor)
        st.session_state.pop(SESSION_KEY, None)
        st.session_state.pop(TOUCHED_KEY, None)
        auth.authentication_controller.logout()
        auth.cookie_controller.delete_cookie()
