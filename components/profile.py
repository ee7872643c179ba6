"""The signed-in user's own profile in the sidebar: the e-mailed digest's language and the opt-out.

Any role may change these two things about their own account only (data.users.update_profile checks it and
audits the change); the e-mail address itself stays with the admin, who manages accounts.
"""
from __future__ import annotations

import streamlit as st

from components import forms, store
from components.auth import Viewer
from components.format import plain
from components.i18n import LANGUAGES, t
from data import users


def show(viewer: Viewer) -> None:
    """A small form in a sidebar expander, filled with what is stored."""
    profile = store.read(users.get_profile, actor=viewer.actor)
    with st.sidebar.expander(t("today.profile.title"), icon=":material/mail:"):
        if profile["email"]:
            st.caption(t("today.profile.email", email=plain(profile["email"])))  # typed by an admin: escaped
        else:
            st.caption(t("today.profile.no_email"))
        choices = [code for code in LANGUAGES if code in users.DIGEST_LANGUAGES]
        with st.form("profile.form", clear_on_submit=False, border=False):
            language = st.selectbox(t("today.profile.language"), choices, format_func=LANGUAGES.__getitem__,
                                    index=choices.index(profile["language"]) if profile["language"] in choices
                                    else 0, key="profile.language")
            opt_out = st.checkbox(t("today.profile.opt_out"), value=profile["digest_opt_out"], key="profile.opt_out")
            if st.form_submit_button(t("today.profile.save"), key="profile.save"):
                forms.submit(users.update_profile, success=t("today.profile.saved"), actor=viewer.actor,
                             language=language, digest_opt_out=opt_out)
