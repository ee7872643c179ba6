"""The audit trail: every write in the app with who, when, what, before and after. Read-only by design:
the app has no command that changes an audit row and the database refuses UPDATE/DELETE (migration 0002).

Who sees what is decided in data.audit_trail.trail_scope (auditor and admin: everything; a director:
rows written by users of their cooperative, or everything for a union director).
"""
import datetime as dt

import streamlit as st

from components.format import number
from components import frame, kpis, store, tables
from components import decision_views as views
from components.i18n import t
from components.kpis import Kpi
from data import audit_trail, portfolio

viewer = frame.require("audit")
scope = audit_trail.trail_scope(viewer.actor)
cooperatives = store.read(portfolio.list_cooperatives, scope=scope)
scope_name = None if scope.cooperative_ids is None else ", ".join(cooperatives["name"])
frame.header("audit", viewer, scope_name)

options = store.read(audit_trail.filter_options, scope=scope)
chosen = views.audit_filters(options)
total = store.read(audit_trail.count, scope=scope, **chosen)
today = dt.date.today()
last_week = store.read(audit_trail.count, scope=scope, **{**chosen, "first_day": today - dt.timedelta(days=6),
                                                           "last_day": today})
kpis.show([Kpi(t("audit.kpi.rows"), number(total), help=t("audit.kpi.rows_help")),
           Kpi(t("audit.kpi.week"), number(last_week), help=t("audit.kpi.week_help")),
           Kpi(t("audit.kpi.users"), number(len(options['username'])), help=t("audit.kpi.users_help"))])
st.caption(t("audit.scope_note") if scope.cooperative_ids is not None else t("audit.scope_all"))

shown = store.read(audit_trail.list_, scope=scope, limit=views.AUDIT_LIMIT, **chosen)
if shown.empty:
    st.info(t("audit.empty"))
    st.stop()
views.bounded_table(shown, total=total, labels=views.audit_labels(), money_cols=[], symbol="",
                    read_all=lambda: tables.read_now(audit_trail.list_, scope=scope, limit=None, **chosen),
                    filename="audit-trail", key="audit.table")
st.subheader(t("audit.detail.title"))
views.audit_detail(shown)
