"""What a page says when the records it shows do not exist yet, and where they come from.

Why one component: a real union starts on an empty database, and every page used to find that out on its own
(an empty chart here, a bare "no data" there). Pages call :func:`require` after their filters (the chosen
cooperative narrows the scope) for records without which nothing on the page means anything -- the page stops
with one message naming what is missing and where an admin or supervisor adds it -- and :func:`note` for
records the page can live without (often the page's own form creates them).
"""
from __future__ import annotations

import streamlit as st

from components import store
from components.i18n import t
from data import readiness
from domain.scope import Scope


def missing(scope: Scope, kinds: tuple[str, ...]) -> list[str]:
    """The kinds of record among ``kinds`` that have no row in the scope, in the order asked."""
    found = store.read(readiness.present, scope=scope, kinds=kinds)
    return [kind for kind in kinds if kind not in found]


def require(scope: Scope, *kinds: str) -> None:
    """Stop the page with the first missing kind's message (what is missing, where to add it)."""
    absent = missing(scope, kinds)
    if absent:
        st.info(t(f"empty.{absent[0]}"), icon=":material/info:")
        st.stop()


def note(scope: Scope, *kinds: str) -> list[str]:
    """Say which of ``kinds`` are missing, without stopping (the rest of the page still works); returns them."""
    absent = missing(scope, kinds)
    for kind in absent:
        st.info(t(f"empty.{kind}"), icon=":material/info:")
    return absent
