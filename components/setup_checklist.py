"""The admin page's getting-started checklist: what a new union has set up, and where each step is done.

Why: on an empty database the admin page is where everything starts; the checklist is the first thing on it,
open while a step is missing and folded away once every step is done. Counts come from
``data.readiness.setup_counts`` in the admin's scope (a cooperative's admin sees their cooperative's counts).
"""
from __future__ import annotations

import streamlit as st

from components.format import number
from components import store
from components.auth import Viewer
from components.i18n import t
from data import readiness

DONE_ICON = ":material/check_circle:"
TODO_ICON = ":material/radio_button_unchecked:"


def show(viewer: Viewer) -> None:
    """The checklist in an expander: each step with its count, done or to do, and where to do it."""
    counts = store.read(readiness.setup_counts, scope=viewer.scope)
    done = sum(1 for step in readiness.STEPS if counts[step])
    total = len(readiness.STEPS)
    title = t("setup.title_done") if done == total else t("setup.title", done=done, total=total)
    with st.expander(title, expanded=done < total, icon=DONE_ICON if done == total else TODO_ICON):
        st.caption(t("setup.help"))
        for position, step in enumerate(readiness.STEPS, start=1):
            finished = counts[step] > 0
            status = t("setup.status.done") if finished else t("setup.status.todo")
            # only the catalogs' own words and numbers reach markdown here, never a record's name
            st.markdown(f"{DONE_ICON if finished else TODO_ICON} {position}. **{t(f'setup.step.{step}')}**: "
                        f"{number(counts[step])} ({status}) · {t(f'setup.where.{step}')}")
