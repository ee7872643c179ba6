"""Administration: the getting-started checklist, user accounts, reference data (cooperatives, villages,
officers), the settings every figure depends on, and imports. Every change is audited."""
import datetime as dt

import streamlit as st

from components import frame, reference_forms, setup_checklist, store, today_views
from components.admin_forms import (create_user_form, edit_user_form, reset_password_form, settings_form,
                                    sign_out_user_form)
from components.format import plain
from components import tables
from components.tables import dashes
from components.i18n import label, t
from components.import_views import import_section
from data import audit, portfolio, settings, users
from domain import today

viewer = frame.require("admin")
frame.header("admin", viewer)
setup_checklist.show(viewer)
cooperatives = store.read(portfolio.list_cooperatives, scope=viewer.scope)

tab_names = [t("admin.tab.users"), t("reference.tab"), t("admin.tab.settings"), t("import.title")]
only = today_views.requested("users", (today.LOCKED, today.NO_COOPERATIVE))  # a link from Today
users_tab, reference_tab, settings_tab, import_tab = st.tabs(
    tab_names, default=tab_names[3] if today_views.requested("tab", ("import",)) else None)
with users_tab:
    if viewer.scope.cooperative_ids is not None:  # a scoped admin: say whose accounts these are
        st.caption(t("admin.scoped_note", cooperative=plain(", ".join(cooperatives["name"]))))
    accounts = store.read(users.list_, actor=viewer.actor)
    if only is not None:
        today_views.filtered_note(t(f"today.filtered.{only}"), "admin")
        accounts = today.accounts_needing_care(accounts, only, now=audit.now())
    officers = store.read(users.list_officer_choices, actor=viewer.actor)
    shown = accounts.assign(role=accounts.role.map(lambda r: label("role", r)),
                            cooperative=accounts.cooperative.fillna(t("frame.union")))
    tables.grid(dashes(shown.drop(columns=["id"]).rename(columns=lambda c: t(f"admin.col.{c}"))))
    create_col, edit_col = st.columns(2)
    with create_col:
        create_user_form(viewer, cooperatives[cooperatives.active.astype(bool)], officers)  # none deactivated
    with edit_col:
        edit_user_form(viewer, accounts, cooperatives, officers)
        reset_password_form(viewer, accounts)
        sign_out_user_form(viewer, accounts)
with reference_tab:
    reference_forms.section(viewer, today=dt.date.today())
with settings_tab:
    settings_form(viewer, store.read(settings.get))
with import_tab:
    import_section(viewer, key="admin.import")
