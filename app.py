"""Entry point: page config, database, sign-in, and the page list built from the user's role."""
from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import OperationalError

from components import auth, profile, store
from components.frame import language_switch, mark_entry
from components.i18n import t
from domain.roles import PAGE_ROLES, pages_for

SECTIONS = {
    "today": "nav.section.today",
    "overview": "nav.section.monitor", "officers": "nav.section.monitor", "my_record": "nav.section.monitor",
    "methods": "nav.section.monitor", "assets": "nav.section.monitor", "early_warning": "nav.section.monitor",
    "decisions": "nav.section.act", "audit": "nav.section.control", "admin": "nav.section.control",
}
ICONS = {"today": ":material/today:", "overview": ":material/trending_down:",
         "officers": ":material/groups:", "my_record": ":material/assignment_ind:",
         "methods": ":material/handshake:", "assets": ":material/real_estate_agent:",
         "early_warning": ":material/warning:", "decisions": ":material/gavel:", "audit": ":material/fact_check:",
         "admin": ":material/settings:"}

st.set_page_config(page_title="NPL Oversight", page_icon=":material/account_balance:", layout="wide")
mark_entry()
language_switch()


def refuse(message_key: str) -> None:
    """Show only an error: an app that cannot start must not fall back to listing pages/ itself."""
    st.navigation([st.Page(lambda: st.error(t(message_key)), title=t("app.title"), url_path="error")],
                  position="hidden").run()
    st.stop()


try:
    with st.spinner(t("app.preparing")):
        store.engine()
except OperationalError:
    refuse("app.db_error")

key = auth.cookie_key()
if key is None:
    refuse("app.secret_missing")

authenticator, credentials = auth.authenticator(key)
viewer = auth.current_viewer()
if viewer is None:
    # Every page address leads to the sign-in form, so a shared link works after signing in and a
    # visitor never sees a "page not found" hint about which pages exist.
    def sign_in() -> None:
        auth.login_form(authenticator, credentials)

    navigation = st.navigation(
        [st.Page(sign_in, title=t("nav.login"), icon=":material/login:", url_path="login", default=True)]
        + [st.Page(sign_in, title=t("nav.login"), url_path=page) for page in PAGE_ROLES], position="hidden")
else:
    grouped: dict[str, list[st.Page]] = {}
    for page in pages_for(viewer.role):
        grouped.setdefault(t(SECTIONS[page]), []).append(
            st.Page(f"pages/{page}.py", title=t(f"nav.{page}"), icon=ICONS[page], url_path=page,
                    default=page == "today"))
    navigation = st.navigation(grouped)
    st.sidebar.text(f"{viewer.display_name} · {t('role.' + viewer.role)}")  # user-typed: never markdown
    profile.show(viewer)
    auth.logout_button(authenticator, viewer)
    auth.sign_out_everywhere_button(authenticator, viewer)
    auth.remember_sign_in(authenticator)
if store.demo_mode():
    st.sidebar.caption(t("app.demo_mode"))
try:
    navigation.run()
except OperationalError:  # the database went away mid-session: say so; the next run reconnects (pre-ping)
    st.error(t("app.db_error"))
