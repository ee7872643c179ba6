"""The admin page's reference-data tab: cooperatives, villages and loan officers, created, changed,
deactivated and reactivated (never deleted) through the commands of ``data.reference``.

Forms follow the admin forms' style: ``clear_on_submit=False`` so a refused entry stays typed, the refusal
shown by ``components.forms.submit`` with "nothing was written". Pickers for new records offer active
cooperatives only; the edit forms list every record in scope, inactive ones marked, so they can be reactivated.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components import store
from components.auth import Viewer
from components.forms import submit
from components import tables
from components.tables import dashes
from components.i18n import t
from data import reference
from data.reference import EARLIEST_HIRED_ON

SECTIONS = ("cooperatives", "villages", "officers")


def _label(row) -> str:
    """'C01 · Name', marked when inactive (selectbox options render as plain text)."""
    text = f"{row.code if hasattr(row, 'code') else row.employee_no} · {row.name}"
    return text if bool(row.active) else t("reference.inactive", name=text)


def _table(frame: pd.DataFrame, columns: list[str]) -> None:
    tables.grid(dashes(frame[columns].rename(columns=lambda c: t(f"reference.col.{c}"))))


def _cooperative_select(cooperatives: pd.DataFrame, *, key: str, current: int | None = None) -> int | None:
    by_id = {int(r.id): _label(r) for r in cooperatives.itertuples()}
    if not by_id:
        return None
    options = list(by_id)
    index = options.index(current) if current in options else 0
    return st.selectbox(t("reference.cooperative"), options, index=index, format_func=by_id.__getitem__, key=key)


def _active_only(cooperatives: pd.DataFrame) -> pd.DataFrame:
    return cooperatives[cooperatives.active.astype(bool)]


def _listing(viewer: Viewer, cooperatives: pd.DataFrame, read, *, kind: str,
             columns: list[str]) -> tuple[int | None, pd.DataFrame]:
    """A cooperative's villages or officers (the cooperative chosen above them), as a table or 'none yet'."""
    shown_coop = _cooperative_select(cooperatives, key=f"reference.{kind}.coop")
    records = store.read(read, actor=viewer.actor, cooperative_id=shown_coop)
    if records.empty:
        st.info(t(f"reference.no_{kind}"))
    else:
        _table(records, columns)
    return shown_coop, records


def _pick(records: pd.DataFrame, *, key: str):
    """(id, row) of the record chosen for editing, inactive ones marked."""
    by_id = {int(r.id): r for r in records.itertuples()}
    chosen = st.selectbox(t("reference.record"), list(by_id), format_func=lambda i: _label(by_id[i]), key=key)
    return chosen, by_id[chosen]


def section(viewer: Viewer, *, today: dt.date) -> None:
    """The whole tab: a note that nothing is deleted, then one kind of record at a time."""
    st.caption(t("reference.help"))
    chosen = st.radio(t("reference.tab"), SECTIONS, format_func=lambda s: t(f"reference.section.{s}"),
                      horizontal=True, key="reference.section", label_visibility="collapsed")
    cooperatives = store.read(reference.list_cooperatives, actor=viewer.actor)
    if chosen == "cooperatives":
        _cooperatives(viewer, cooperatives)
    elif cooperatives.empty:
        st.info(t("reference.no_cooperatives"))
    elif chosen == "villages":
        _villages(viewer, cooperatives)
    else:
        _officers(viewer, cooperatives, today=today)


# --- cooperatives ---------------------------------------------------------------------------------------------
def _cooperatives(viewer: Viewer, cooperatives: pd.DataFrame) -> None:
    if not cooperatives.empty:
        _table(cooperatives, ["code", "name", "active", "villages", "officers"])
    if viewer.scope.cooperative_ids is not None:
        st.info(t("reference.union_only"))
        return
    create_col, edit_col = st.columns(2)
    with create_col:
        st.subheader(t("reference.create_cooperative"), anchor=False)
        with st.form("reference.cooperative.create", clear_on_submit=False):
            code = st.text_input(t("reference.code"), max_chars=40, help=t("reference.code_help"))
            name = st.text_input(t("reference.name"), max_chars=120)
            if st.form_submit_button(t("reference.create_submit")):
                submit(reference.create_cooperative, actor=viewer.actor, code=code, name=name,
                       success=t("reference.created"))
    if cooperatives.empty:
        return
    with edit_col:
        st.subheader(t("reference.edit_cooperative"), anchor=False)
        chosen, row = _pick(cooperatives, key="reference.cooperative.pick")
        with st.form(f"reference.cooperative.edit.{chosen}", clear_on_submit=False):
            code = st.text_input(t("reference.code"), row.code, max_chars=40, help=t("reference.code_help"))
            name = st.text_input(t("reference.name"), row.name, max_chars=120)
            active = st.checkbox(t("reference.active"), value=bool(row.active))
            if st.form_submit_button(t("reference.save_submit")):
                submit(reference.update_cooperative, actor=viewer.actor, cooperative_id=chosen, code=code, name=name,
                       active=active)


# --- villages -------------------------------------------------------------------------------------------------
def _villages(viewer: Viewer, cooperatives: pd.DataFrame) -> None:
    shown_coop, villages = _listing(viewer, cooperatives, reference.list_villages, kind="villages",
                                    columns=["code", "name", "active"])
    create_col, edit_col = st.columns(2)
    with create_col:
        st.subheader(t("reference.create_village"), anchor=False)
        open_coops = _active_only(cooperatives)
        if open_coops.empty:
            st.info(t("reference.no_active_cooperatives"))
        else:
            with st.form("reference.village.create", clear_on_submit=False):
                code = st.text_input(t("reference.code"), max_chars=40, help=t("reference.code_help"))
                name = st.text_input(t("reference.name"), max_chars=120)
                cooperative_id = _cooperative_select(open_coops, key="reference.village.create.coop",
                                                     current=shown_coop)
                if st.form_submit_button(t("reference.create_submit")):
                    submit(reference.create_village, actor=viewer.actor, code=code, name=name,
                           cooperative_id=cooperative_id, success=t("reference.created"))
    if villages.empty:
        return
    with edit_col:
        st.subheader(t("reference.edit_village"), anchor=False)
        chosen, row = _pick(villages, key="reference.village.pick")
        with st.form(f"reference.village.edit.{chosen}", clear_on_submit=False):
            code = st.text_input(t("reference.code"), row.code, max_chars=40, help=t("reference.code_help"))
            name = st.text_input(t("reference.name"), row.name, max_chars=120)
            cooperative_id = _cooperative_select(cooperatives, key=f"reference.village.edit.coop.{chosen}",
                                                 current=int(row.cooperative_id))
            active = st.checkbox(t("reference.active"), value=bool(row.active))
            if st.form_submit_button(t("reference.save_submit")):
                submit(reference.update_village, actor=viewer.actor, village_id=chosen, code=code, name=name,
                       cooperative_id=cooperative_id, active=active)


# --- officers -------------------------------------------------------------------------------------------------
def _officers(viewer: Viewer, cooperatives: pd.DataFrame, *, today: dt.date) -> None:
    shown_coop, officers = _listing(viewer, cooperatives, reference.list_officers, kind="officers",
                                    columns=["employee_no", "name", "hired_on", "active"])
    create_col, edit_col = st.columns(2)
    with create_col:
        st.subheader(t("reference.create_officer"), anchor=False)
        open_coops = _active_only(cooperatives)
        if open_coops.empty:
            st.info(t("reference.no_active_cooperatives"))
        else:
            with st.form("reference.officer.create", clear_on_submit=False):
                employee_no = st.text_input(t("reference.employee_no"), max_chars=40, help=t("reference.code_help"))
                name = st.text_input(t("reference.name"), max_chars=120)
                cooperative_id = _cooperative_select(open_coops, key="reference.officer.create.coop",
                                                     current=shown_coop)
                hired_on = st.date_input(t("reference.hired_on"), today, min_value=EARLIEST_HIRED_ON,
                                         max_value=today, format="YYYY-MM-DD")
                active = st.checkbox(t("reference.active"), value=True)
                if st.form_submit_button(t("reference.create_submit")):
                    submit(reference.create_officer, actor=viewer.actor, employee_no=employee_no, name=name,
                           cooperative_id=cooperative_id, hired_on=hired_on, active=active, today=today,
                           success=t("reference.created"))
    if officers.empty:
        return
    with edit_col:
        st.subheader(t("reference.edit_officer"), anchor=False)
        chosen, row = _pick(officers, key="reference.officer.pick")
        with st.form(f"reference.officer.edit.{chosen}", clear_on_submit=False):
            employee_no = st.text_input(t("reference.employee_no"), row.employee_no, max_chars=40,
                                        help=t("reference.code_help"))
            name = st.text_input(t("reference.name"), row.name, max_chars=120)
            cooperative_id = _cooperative_select(cooperatives, key=f"reference.officer.edit.coop.{chosen}",
                                                 current=int(row.cooperative_id))
            hired_on = st.date_input(t("reference.hired_on"), row.hired_on, min_value=EARLIEST_HIRED_ON,
                                     max_value=max(today, row.hired_on), format="YYYY-MM-DD")
            active = st.checkbox(t("reference.active"), value=bool(row.active))
            if st.form_submit_button(t("reference.save_submit")):
                submit(reference.update_officer, actor=viewer.actor, officer_id=chosen, employee_no=employee_no,
                       name=name, cooperative_id=cooperative_id, hired_on=hired_on, active=active, today=today)
