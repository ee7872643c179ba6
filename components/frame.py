"""The shared page frame: the guard every page calls first, the page header and the language switch."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from components.auth import Viewer, current_viewer
from components.i18n import LANGUAGES, label, t
from domain.roles import PAGE_ROLES


ENTERED_VIA_APP = "entered_via_app"


def mark_entry() -> None:
    """Called by app.py on every run: pages opened any other way are sent back through it."""
    st.session_state[ENTERED_VIA_APP] = True


def language_switch() -> None:
    """Sidebar language selector; the choice is kept in the session and in the URL (?lang=es)."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang", "en")
        st.session_state["lang"] = wanted if wanted in LANGUAGES else "en"
    st.sidebar.selectbox(t("frame.language"), list(LANGUAGES), format_func=LANGUAGES.__getitem__, key="lang",
                         on_change=relabel_kept_choices)
    if st.session_state["lang"] != "en":
        st.query_params["lang"] = st.session_state["lang"]
    elif "lang" in st.query_params:
        del st.query_params["lang"]


#: what a kept choice of a select box, radio, multiselect, segmented control or other value widget may be; buttons
#: and check boxes (booleans), uploads and editors (files, dicts) are never written back (Streamlit refuses that)
_CHOICE_TYPES = (str, int, float, dt.date, dt.time)


def _a_choice(value: object) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (list, tuple)):
        return all(isinstance(v, _CHOICE_TYPES) and not isinstance(v, bool) for v in value)
    return isinstance(value, _CHOICE_TYPES)


def relabel_kept_choices() -> None:
    """After a language switch, every kept choice is shown in the new language.

    The browser keeps a select box's choice as the text it showed ("Building"), and Streamlit sends a keyed widget's
    value again only when it changed, so a choice made before the switch kept its old label while the options were
    relabelled ("Edificio"). Writing each kept value back into the session (in this callback, before the page runs)
    makes Streamlit send it again, labelled by the widget's ``format_func`` in the new language. Option values are
    language-independent codes everywhere, so the choice itself is unchanged."""
    for key in [k for k in st.session_state.keys() if k != "lang"]:
        value = st.session_state[key]
        if _a_choice(value):
            st.session_state[key] = value


def require(page_key: str) -> Viewer:
    """Stop the page unless a signed-in user whose role may open it is looking.

    Pages call this themselves (defence in depth): the navigation already hides forbidden pages, but a
    page module must never render data for a visitor it has not checked.
    """
    if not st.session_state.get(ENTERED_VIA_APP):
        # A freshly started server may route a first visit of /<page> straight to the page file
        # (Streamlit's pages/ folder fallback). Send the visitor through app.py's sign-in instead.
        st.switch_page("app.py")
    viewer = current_viewer()
    if viewer is None:
        st.info(t("login.prompt"))
        st.stop()
    if viewer.role not in PAGE_ROLES.get(page_key, frozenset()):
        st.error(t("frame.forbidden"))
        st.stop()
    return viewer


def header(page_key: str, viewer: Viewer, scope_name: str | None = None) -> None:
    """The page title and who is looking. The line holds typed names (the display name, cooperative names),
    so it is plain text (``st.text``), never markdown: a name like ``![x](http://...)`` stays those characters."""
    st.title(t(f"nav.{page_key}"))
    if viewer.scope.officer_id is not None:
        scope_name = t("frame.own_record")
    st.text(t("frame.signed_in_as", name=viewer.display_name, role=label("role", viewer.role),
              scope=scope_name or t("frame.union")))
