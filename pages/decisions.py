"""Reviews and penalty/reward decisions: propose, decide in the queue (four eyes), revoke, history, reviews.

Opening link from the officers page's accountability gaps: ``decisions?propose=1&officer=<id>&assignments=<id>,..``.
"""
import datetime as dt

import streamlit as st

from components import context, empty_state, filters, frame, kpis, store, tables
from components import decision_views as views
from components.i18n import label, t
from data import decisions, reviews
from domain.decisions import APPROVED, KINDS, STATUSES
from domain.roles import can

viewer = frame.require("decisions")
ctx = context.load(viewer)
chosen = filters.show(viewer, months=ctx.months, cooperatives=ctx.cooperatives, key="decisions", period=False,
                      segment=False)
frame.header("decisions", viewer, chosen.cooperative_name)
empty_state.require(chosen.scope, "officers")
scope, symbol, today = chosen.scope, ctx.symbol, dt.date.today()
may_propose, may_decide = can(viewer.role, "propose_decision"), can(viewer.role, "approve_decision")
may_review = can(viewer.role, "record_review")

counts = store.read(decisions.status_counts, scope=scope)
queue_size = store.read(decisions.pending_queue_totals, scope=scope,
                        approver_id=viewer.actor.user_id)[0] if may_decide else None
kpis.show(views.kpi_row(counts, queue_size=queue_size, symbol=symbol))
if not counts.empty:
    st.plotly_chart(views.kind_status_chart(counts, kind_names={k: label("kind", k) for k in KINDS},
                                            status_names={s: label("status", s) for s in STATUSES},
                                            title=t("decisions.chart.title")), key="chart.decisions")

officers = store.read(decisions.list_officers, scope=scope)
start = views.prefill(st.query_params, viewer, officers) if may_propose else views.Prefill()
sections = [s for s, allowed in (("queue", may_decide), ("propose", may_propose), ("history", True),
                                 ("review", may_review), ("reviews", True)) if allowed]
if start.requested and "decisions.section" not in st.session_state:
    st.session_state["decisions.section"] = "propose"
elif "decisions.section" not in st.session_state and st.query_params.get("section") in sections:
    st.session_state["decisions.section"] = st.query_params["section"]  # a link from Today: queue or history
section = st.radio(t("decisions.section"), sections, format_func=lambda s: t(f"decisions.section.{s}"),
                   horizontal=True, key="decisions.section", label_visibility="collapsed")

if section == "queue":
    st.caption(t("decisions.queue.help"))
    views.queue_section(viewer, scope, store.read(decisions.list_officers, scope=scope, active_only=False),
                        symbol=symbol)
elif section == "propose":
    st.caption(t("decisions.propose.help"))
    views.propose_form(viewer, officers, symbol=symbol, start=start, today=today)
elif section == "history":
    chosen_filters = views.history_filters(store.read(decisions.list_officers, scope=scope, active_only=False),
                                           viewer_id=viewer.actor.user_id if may_propose else None)
    shown = store.read(decisions.history, scope=scope, limit=views.TABLE_LIMIT, **chosen_filters)
    views.bounded_table(views.for_display(shown), total=store.read(decisions.count_history, scope=scope,
                                                                   **chosen_filters),
                        labels=views.history_labels(), money_cols=["amount_cents"], symbol=symbol,
                        read_all=lambda: views.for_display(tables.read_now(
                            decisions.history, scope=scope, limit=None, **chosen_filters)),
                        filename="decisions", key="decisions.history")
    if may_decide:
        with st.expander(t("decisions.revoke.title")):
            views.revoke_form(viewer, store.read(decisions.history, scope=scope, status=APPROVED,
                                                 limit=views.TABLE_LIMIT), symbol=symbol)
elif section == "review":
    st.caption(t("reviews.help"))
    views.review_form(viewer, officers, symbol=symbol, today=today)
else:
    officer_id = views.officer_filter(store.read(decisions.list_officers, scope=scope, active_only=False),
                                      key="reviews.officer")
    views.bounded_table(views.reviews_table(store.read(reviews.list_, scope=scope, officer_id=officer_id,
                                                       limit=views.TABLE_LIMIT)),
                        total=store.read(reviews.count, scope=scope, officer_id=officer_id), labels={},
                        money_cols=[], symbol=symbol, filename="reviews", key="reviews.table",
                        read_all=lambda: views.reviews_table(tables.read_now(
                            reviews.list_, scope=scope, officer_id=officer_id, limit=None)))
