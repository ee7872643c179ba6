"""The imports made, shown on the admin page's Import tab, and withdrawing a loan tape (audited).

Kept apart from the upload (components/import_views.py): listing and withdrawing read and write other things
than a file, and a withdrawal must be possible long after the upload's page state is gone.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components.format import number
from components.format import month as month_text
from components import store
from components.auth import Viewer
from components.forms import error_text
from components import tables
from components.tables import dashes
from components.i18n import t
from data.errors import ValidationError
from data.importer import batches, withdraw


def _batch_label(row: pd.Series) -> str:
    month = month_text(row["month"]) if isinstance(row["month"], dt.date) else "—"
    return f"{row['id']} · {month} · {row['filename']} · {row['cooperatives']}"


def batches_section(viewer: Viewer, key: str) -> None:
    """The imports made, and withdrawing the newest one in force of some cooperatives (audited)."""
    st.subheader(t("import.batches"))
    st.caption(t("import.batches_help"))
    if done := st.session_state.pop(f"{key}.withdrawn", None):
        st.success(done)
    with store.session() as session:
        made = batches.list_(session, actor=viewer.actor)
    if made.empty:
        st.info(t("import.batches_none"))
        return
    shown = made.drop(columns=["can_withdraw"]).assign(
        kind=[t(f"import.kind.{k}") for k in made["kind"]],
        month=[month_text(m) if isinstance(m, dt.date) else "—" for m in made["month"]],
        withdrawn_by=made["withdrawn_by"].fillna("—"))
    shown["withdrawn_at"] = made["withdrawn_at"].map(lambda v: "—" if pd.isna(v) else str(v)[:16])
    shown["imported_at"] = made["imported_at"].map(lambda v: str(v)[:16])
    tables.grid(dashes(shown.rename(columns=lambda c: t(f"import.batch.{c}"))), plain=[t("import.batch.id")])
    candidates = made[made["can_withdraw"]]
    if candidates.empty:
        st.caption(t("import.withdraw_none"))
        return
    labels = {int(row["id"]): _batch_label(row) for _, row in candidates.iterrows()}
    with st.form(f"{key}.withdraw", clear_on_submit=False):
        chosen = st.selectbox(t("import.withdraw_choose"), list(labels), format_func=labels.__getitem__)
        reason = st.text_area(t("import.withdraw_reason"), max_chars=batches.MAX_REASON_CHARS)
        if st.form_submit_button(t("import.withdraw_submit")):
            try:
                counts = store.write(withdraw, actor=viewer.actor, batch_id=chosen, reason=reason)
            except ValidationError as error:
                st.error(f"{t('common.error', message=error_text(error))} {t('common.nothing_written')}")
                return
            except PermissionError:
                st.error(f"{t('frame.forbidden')} {t('common.nothing_written')}")
                return
            st.session_state[f"{key}.withdrawn"] = t("import.withdrawn", batch=chosen,
                                                     **{k: number(v) for k, v in counts.items()})
            st.rerun()
