"""An officer's own record: assignments, deadlines, recoveries and history, and the form to log a collection."""
import datetime as dt

import streamlit as st

from components import context, empty_state, frame, today_views
from components import method_views, officer_views as views
from components.i18n import t
from data import deadlines

viewer = frame.require("my_record")
ctx = context.load(viewer)
frame.header("my_record", viewer)
officer_id = viewer.scope.officer_id
if officer_id is None:
    st.error(t("officers.my_record.no_link"))
    st.stop()
empty_state.require(viewer.scope, "tape")  # the record below says itself when nothing is assigned yet
shown_only = today_views.requested("show", (deadlines.DUE, deadlines.IDLE))
if shown_only is not None:  # opened from Today: only the assignments of that item
    default = ctx.settings.today_due_soon_days if shown_only == deadlines.DUE else ctx.settings.today_idle_days
    days = today_views.requested_days(default)
    today_views.filtered_note(t(f"today.filtered.{shown_only}", days=days), "my_record")
    today_views.assignment_list(viewer.scope, kind=shown_only, days=days, today=dt.date.today(), symbol=ctx.symbol,
                                key=f"my_record.{shown_only}")
    st.stop()
views.detail(viewer, officer_id, ctx=ctx, today=dt.date.today(), manage=False)
st.caption(t("officers.my_record.read_only"))
st.subheader(t("methods.form.title"), anchor=False)
method_views.action_form(viewer, ctx, key="my_record.action")
