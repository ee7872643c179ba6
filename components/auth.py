"""Sign-in with streamlit-authenticator against the users table, and the signed-in viewer.

The viewer is looked up in the database on every run, so a deactivated user or a changed role takes
effect at once; nothing about the user is kept in module globals.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities.exceptions import LoginError

from components import store
from components.i18n import t
from data import users
from domain.scope import Actor, Scope

COOKIE_NAME = "npl_oversight_auth"
COOKIE_EXPIRY_DAYS = 1.0
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


def authenticator(key: str) -> tuple[stauth.Authenticate, dict]:
    with store.session() as session:
        credentials = users.credentials(session)
    return stauth.Authenticate(credentials, COOKIE_NAME, key, COOKIE_EXPIRY_DAYS, auto_hash=False), credentials


def current_viewer() -> Viewer | None:
    """The signed-in, active user of this browser session, or None."""
    if not st.session_state.get("authentication_status"):
        return None
    username = st.session_state.get("username")
    if not username:
        return None
    with store.session() as session:
        user = users.get_by_username(session, username=username)
        if user is None or not user.active:
            return None
        return Viewer(actor=users.actor_of(user), display_name=user.display_name, cooperative_id=user.cooperative_id)


def login_form(auth: stauth.Authenticate, credentials: dict) -> None:
    """Render the sign-in form; audit successes and failures and lock after repeated failures."""
    known = credentials["usernames"]
    failures_before = {name: entry["failed_login_attempts"] for name, entry in known.items()}
    fields = {"Form name": t("login.title"), "Username": t("login.username"), "Password": t("login.password"),
              "Login": t("login.submit")}
    try:
        auth.login(location="main", fields=fields, key="login")
    except LoginError:
        st.error(t("login.failed"))
    status = st.session_state.get("authentication_status")
    if status:
        if st.session_state.get("login_recorded") != st.session_state.get("username"):
            store.write(users.record_login, username=st.session_state["username"])
            st.session_state["login_recorded"] = st.session_state["username"]
            st.session_state["cookie_pending"] = True
        st.rerun()
    elif status is False:
        st.error(t("login.failed"))
        for name, entry in known.items():
            if entry["failed_login_attempts"] > failures_before.get(name, 0):
                locked_until = store.write(users.record_failed_login, username=name)
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


def logout_button(auth: stauth.Authenticate) -> None:
    def _forget(_details: dict) -> None:
        st.session_state.pop("login_recorded", None)

    auth.logout(t("logout"), "sidebar", key="sign_out", callback=_forget)
