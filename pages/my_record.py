"""An officer's own record: assignments, deadlines, recoveries and history, and the form to log a collection."""
import datetime as dt

import streamlit as st

from components import context, empty_state, frame
from components import method_views, officer_views as views
from components.i18n import t

viewer = frame.require("my_record")
ctx = context.load(viewer)
frame.header("my_record", viewer)
officer_id = viewer.scope.officer_id
if officer_id is None:
    st.error(t("officers.my_record.no_link"))
    st.stop()
empty_state.require(viewer.scope, "tape")  # the record below says itself when nothing is assigned yet
views.detail(viewer, officer_id, ctx=ctx, today=dt.date.today(), manage=False)
st.caption(t("officers.my_record.read_only"))
st.subheader(t("methods.form.title"), anchor=False)
method_views.action_form(viewer, ctx, key="my_record.action")
