"""Today: what needs the signed-in person now, whatever their role, each item linked to exactly its rows.

The same items are mailed every morning by scripts/send_digest.py (data.today.for_user feeds both).
"""
import datetime as dt

import streamlit as st

from components import empty_state, frame, store
from components import today_views as views
from components.i18n import t
from data import portfolio, settings
from data import today as today_items

viewer = frame.require("today")
names = store.read(portfolio.list_cooperatives, scope=viewer.scope)["name"]
frame.header("today", viewer, None if viewer.scope.cooperative_ids is None else ", ".join(names))
day = dt.date.today()
items = store.read(today_items.for_user, actor=viewer.actor, today=day)
symbol = store.read(settings.get).currency_symbol

st.caption(t("today.as_of", today=day.isoformat()))
if viewer.scope.officer_id is None and not store.read(portfolio.list_months):
    empty_state.note(viewer.scope, "tape")  # a union's first days: say what is missing, the items still follow
views.summary(items)
for item in items:
    views.card(item, symbol)
