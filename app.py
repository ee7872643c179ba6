"""Entry point: page config, database, sign-in, and the page list built from the user's role."""
from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import OperationalError

from components import auth, store
from components.frame import language_switch
from components.i18n import t
from domain.roles import pages_for

SECTIONS = {
    "overview": "nav.section.monitor", "officers": "nav.section.monitor", "my_record": "nav.section.monitor",
    "methods": "nav.section.monitor", "assets": "nav.section.monitor", "early_warning": "nav.section.monitor",
    "decisions": "nav.section.act", "audit": "nav.section.control", "admin": "nav.section.control",
}
ICONS = {"overview": ":material/trending_down:", "officers": ":material/groups:", "my_record": ":material/assignment_ind:",
         "methods": ":material/handshake:", "assets": ":material/real_estate_agent:",
         "early_warning": ":material/warning:", "decisions": ":material/gavel:", "audit": ":material/fact_check:",
         "admin": ":material/settings:"}

st.set_page_config(page_title="NPL Oversight", page_icon=":material/account_balance:", layout="wide")
language_switch()

try:
    store.engine()
except OperationalError:
    st.error(t("app.db_error"))
    st.stop()

key = auth.cookie_key()
if key is None:
    st.error(t("app.secret_missing"))
    st.stop()

authenticator, credentials = auth.authenticator(key)
viewer = auth.current_viewer()
if viewer is None:
    if st.session_state.get("authentication_status"):
        st.session_state["authentication_status"] = None  # a deactivated or deleted user is signed out
    navigation = st.navigation([st.Page(lambda: auth.login_form(authenticator, credentials), title=t("nav.login"),
                                        icon=":material/login:", url_path="login")])
else:
    grouped: dict[str, list[st.Page]] = {}
    for page in pages_for(viewer.role):
        grouped.setdefault(t(SECTIONS[page]), []).append(
            st.Page(f"pages/{page}.py", title=t(f"nav.{page}"), icon=ICONS[page], url_path=page))
    navigation = st.navigation(grouped)
    st.sidebar.caption(f"{viewer.display_name} · {t('role.' + viewer.role)}")
    auth.logout_button(authenticator)
if store.demo_mode():
    st.sidebar.caption(t("app.demo_mode"))
navigation.run()
