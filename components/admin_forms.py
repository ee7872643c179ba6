"""The admin page's forms: create and edit users, reset a password, sign a user out, change settings.

A scoped admin (own account limited to one cooperative) is offered only their cooperative and its users;
``data.users`` refuses anything wider anyway, so the pickers are a convenience, not the guard.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components.auth import Viewer
from components.forms import submit
from components.i18n import label, t, tn
from data import settings as settings_store
from data import users
from domain.roles import OFFICER, ROLES
from domain.settings import MAX_ASSIGNMENT_DAYS, PROVISION_SETTINGS, Settings

UNION = 0  # the "whole union" choice in a cooperative select box


def _cooperative_choice(viewer: Viewer, cooperatives: pd.DataFrame, *, key: str,
                        current: int | None = None) -> int | None:
    """Cooperative picker; "whole union" only for a union admin (a scoped admin cannot grant it)."""
    union = {UNION: t("frame.union")} if viewer.scope.cooperative_ids is None else {}
    names = {**union, **{int(i): n for i, n in zip(cooperatives.id, cooperatives.name)}}
    options = list(names)
    index = options.index(current) if current in options else 0
    chosen = st.selectbox(t("filter.cooperative"), options, index=index, format_func=names.__getitem__, key=key)
    return None if chosen == UNION else int(chosen)


def _officer_choice(officers: pd.DataFrame, *, key: str, current: int | None = None) -> int | None:
    names = {0: t("common.none"), **{int(r.id): f"{r.name} ({r.employee_no})" for r in officers.itertuples()}}
    options = list(names)
    index = options.index(current) if current in options else 0
    chosen = st.selectbox(t("admin.officer_link"), options, index=index, format_func=names.__getitem__, key=key,
                          help=t("admin.officer_link_help"))
    return None if chosen == 0 else int(chosen)


def create_user_form(viewer: Viewer, cooperatives: pd.DataFrame, officers: pd.DataFrame) -> None:
    st.subheader(t("admin.create_user"))
    with st.form("admin.create", clear_on_submit=False):
        username = st.text_input(t("admin.username"), max_chars=40, help=t("admin.username_help"))
        display_name = st.text_input(t("admin.display_name"), max_chars=120)
        email = st.text_input(t("admin.email"), max_chars=200)
        password = st.text_input(t("admin.password"), type="password", help=t("admin.password_help"))
        role = st.selectbox(t("admin.role"), ROLES, format_func=lambda r: label("role", r))
        cooperative_id = _cooperative_choice(viewer, cooperatives, key="admin.create.coop")
        officer_id = _officer_choice(officers, key="admin.create.officer")
        if st.form_submit_button(t("admin.create_submit")):
            submit(users.create, actor=viewer.actor, username=username, display_name=display_name, email=email,
                   password=password, role=role, cooperative_id=cooperative_id,
                   officer_id=officer_id if role == OFFICER else None, success=t("admin.user_created"))


def edit_user_form(viewer: Viewer, accounts: pd.DataFrame, cooperatives: pd.DataFrame, officers: pd.DataFrame) -> None:
    st.subheader(t("admin.edit_user"))
    if accounts.empty:
        return
    by_id = {int(r.id): r for r in accounts.itertuples()}
    user_id = st.selectbox(t("admin.user"), list(by_id), format_func=lambda i: by_id[i].username, key="admin.edit.user")
    account = by_id[user_id]
    coop_ids = dict(zip(cooperatives.name, cooperatives.id))
    with st.form(f"admin.edit.{user_id}", clear_on_submit=False):
        role = st.selectbox(t("admin.role"), ROLES, index=ROLES.index(account.role), format_func=lambda r: label("role", r))
        cooperative_id = _cooperative_choice(viewer, cooperatives, key=f"admin.edit.coop.{user_id}",
                                             current=coop_ids.get(account.cooperative))
        officer_names = {r.name: int(r.id) for r in officers.itertuples()}
        officer_id = _officer_choice(officers, key=f"admin.edit.officer.{user_id}",
                                     current=officer_names.get(account.officer))
        active = st.checkbox(t("admin.active"), value=bool(account.active))
        if st.form_submit_button(t("admin.edit_submit")):
            submit(users.update, actor=viewer.actor, user_id=user_id, role=role, cooperative_id=cooperative_id,
                   officer_id=officer_id if role == OFFICER else None, active=active)


def reset_password_form(viewer: Viewer, accounts: pd.DataFrame) -> None:
    st.subheader(t("admin.reset_password"))
    names = dict(zip(accounts.id, accounts.username))
    with st.form("admin.reset", clear_on_submit=True):
        user_id = st.selectbox(t("admin.user"), list(names), format_func=names.__getitem__)
        password = st.text_input(t("admin.new_password"), type="password", help=t("admin.password_help"))
        if st.form_submit_button(t("admin.reset_submit")) and user_id is not None:
            submit(users.reset_password, actor=viewer.actor, user_id=int(user_id), password=password)


def sign_out_user_form(viewer: Viewer, accounts: pd.DataFrame) -> None:
    """End every session of one user (audited), e.g. after a lost phone."""
    st.subheader(t("admin.sign_out_user"), help=t("admin.sign_out_user_help"))
    names = dict(zip(accounts.id, accounts.username))
    with st.form("admin.sign_out", clear_on_submit=False):
        user_id = st.selectbox(t("admin.user"), list(names), format_func=names.__getitem__,
                               key="admin.sign_out.user")
        if st.form_submit_button(t("admin.sign_out_user_submit")) and user_id is not None:
            ended = submit(users.sign_out_everywhere, actor=viewer.actor, user_id=int(user_id),
                           success=t("common.saved"))
            if ended is not None:
                st.caption(tn("admin.sign_out_user_done", ended))


#: the Today page's thresholds (domain/settings.py), shown below the others in the same form
TODAY_SETTINGS = ("today_due_soon_days", "today_due_later_days", "today_asset_days", "today_idle_days",
                  "today_recent_days")


def settings_form(viewer: Viewer, current: Settings) -> None:
    """One form for every setting; only changed values are written (one audit row)."""
    with st.form("admin.settings", clear_on_submit=False):
        left, right = st.columns(2)
        values = {
            "segment_cutoff": left.date_input(t("admin.setting.segment_cutoff"), current.segment_cutoff,
                                              help=t("admin.setting.segment_cutoff_help"), format="YYYY-MM-DD"),
            "currency": left.text_input(t("admin.setting.currency"), current.currency, max_chars=8),
            "currency_symbol": left.text_input(t("admin.setting.currency_symbol"), current.currency_symbol,
                                               max_chars=4),
            "npl_reduction_target_pct": left.number_input(t("admin.setting.npl_reduction_target_pct"), 0.0, 100.0,
                                                          float(current.npl_reduction_target_pct), step=1.0),
            "import_max_shrink_pct": left.number_input(t("admin.setting.import_max_shrink_pct"), 0.0, 100.0,
                                                       float(current.import_max_shrink_pct), step=1.0,
                                                       help=t("admin.setting.import_max_shrink_pct_help")),
            "substandard_days": right.number_input(t("admin.setting.substandard_days"), 1, 3650,
                                                   current.substandard_days),
            "doubtful_days": right.number_input(t("admin.setting.doubtful_days"), 1, 3650, current.doubtful_days),
            "loss_days": right.number_input(t("admin.setting.loss_days"), 1, 3650, current.loss_days),
            "real_estate_disposal_years": right.number_input(t("admin.setting.real_estate_disposal_years"), 1, 10,
                                                             current.real_estate_disposal_years),
            "movable_disposal_years": right.number_input(t("admin.setting.movable_disposal_years"), 1, 10,
                                                         current.movable_disposal_years),
            "evergreen_window_days": left.number_input(t("admin.setting.evergreen_window_days"), 1, 365,
                                                       current.evergreen_window_days),
            "max_upload_mb": left.number_input(t("admin.setting.max_upload_mb"), 1, 500, current.max_upload_mb),
            "session_idle_minutes": right.number_input(t("admin.setting.session_idle_minutes"), 1, 24 * 60,
                                                       current.session_idle_minutes),
            "session_max_hours": right.number_input(t("admin.setting.session_max_hours"), 1, 24,
                                                    current.session_max_hours),
            "default_assignment_days": right.number_input(t("admin.setting.default_assignment_days"), 1,
                                                          MAX_ASSIGNMENT_DAYS, current.default_assignment_days,
                                                          help=t("admin.setting.default_assignment_days_help")),
        }
        st.caption(t("flows.setting.provisions_help"))
        rates = st.columns(len(PROVISION_SETTINGS))
        for column, (cls, name) in zip(rates, PROVISION_SETTINGS.items()):
            values[name] = column.number_input(t("flows.setting.provision", cls=label("class", cls)), 0.0, 100.0,
                                               float(getattr(current, name)), step=0.5, key=f"admin.setting.{name}")
        st.caption(t("today.settings.caption"))
        today_left, today_right = st.columns(2)
        for index, name in enumerate(TODAY_SETTINGS):
            column = today_left if index % 2 == 0 else today_right
            values[name] = column.number_input(t(f"today.setting.{name}"), 1, 366, getattr(current, name),
                                               help=t(f"today.setting.{name}_help"))
        if st.form_submit_button(t("admin.settings_submit")):
            changes = {name: str(value) for name, value in values.items() if value != getattr(current, name)}
            submit(settings_store.update, actor=viewer.actor, changes=changes)
