"""The pieces of the reviews & decisions page: URL prefill, the propose / review / decide / revoke forms,
the KPI row and the decisions chart.

Free text typed by users (reasons, comments, findings) is only ever shown through st.text, st.dataframe or
st.code, never through markdown or HTML. Forms keep what was typed (clear_on_submit=False) and submit
through components.forms.submit, which shows the refusal and that nothing was written.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.format import money, number, plain, to_cents
from components.charts import localized
from components import forms, store, tables
from components.auth import Viewer
from components.i18n import label, t
from components.kpis import Kpi
from components.theme import CLASS_COLORS
from components.today_views import requested, requested_date
from data import decisions, reviews
from domain.decision_rules import (COMMENT_MAX_CHARS, FINDINGS_MAX_CHARS, MAX_SUSPENSION_MONTHS,
                                   MIN_SUSPENSION_MONTHS, REASON_MAX_CHARS, needs_amount, needs_months)
from domain.decisions import APPROVED, KINDS, PENDING, REJECTED, REVIEW_RATINGS, REVOKED, REWARD, STATUSES

#: a status colour borrowed from the class palette, so "good" and "bad" read the same across the app
STATUS_COLORS = {PENDING: CLASS_COLORS["special_mention"], APPROVED: CLASS_COLORS["normal"],
                 REJECTED: CLASS_COLORS["closed"], REVOKED: CLASS_COLORS["doubtful"]}
QUEUE_LIMIT = 50
#: session_state key of the decision the queue showed last: (id, its row)
SHOWN_KEY = "queue.shown"
TABLE_LIMIT = 200
AUDIT_LIMIT = 500
ANY = "any"


# ------------------------------------------------------------------------------------------- URL prefill
@dataclass(frozen=True)
class Prefill:
    """What ``?propose=1&officer=<id>&assignments=<id>,<id>`` asked for, after checking it against the scope."""

    requested: bool = False
    officer_id: int | None = None
    assignment_ids: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _ints(raw: str | None) -> tuple[list[int], list[str]]:
    """Database ids from a comma-separated URL value, and the parts that are not ids.

    Only ASCII digits count, and only up to a 32-bit id: str.isdigit() also accepts '²' or '١٢',
    which int() then refuses or reads, so a forged ?assignments=² used to crash the page.
    """
    good: list[int] = []
    bad: list[str] = []
    for part in (raw or "").split(","):
        part = part.strip()
        if part:
            is_id = part.isascii() and part.isdigit() and 0 < int(part) < 2**31
            (good.append(int(part)) if is_id else bad.append(part))
    return good, bad


def prefill(params: Mapping[str, str], viewer: Viewer, officers: pd.DataFrame) -> Prefill:
    """Read the propose link of the officers page. An officer or assignment that is not in the viewer's
    scope (or not that officer's) is dropped with a warning rather than trusted."""
    if params.get("propose") != "1":
        return Prefill()
    warnings: list[str] = []
    officer_ids, bad = _ints(params.get("officer"))
    officer_id = officer_ids[0] if officer_ids and not bad else None
    if officer_id is not None and officer_id not in set(officers["id"]):
        officer_id = None
    if officer_id is None and params.get("officer"):
        warnings.append(t("decisions.prefill.officer_ignored"))
    wanted, bad_ids = _ints(params.get("assignments"))
    kept: list[int] = []
    if officer_id is not None and wanted:
        own = set(store.read(decisions.list_assignments, scope=viewer.scope, officer_id=officer_id)["id"])
        kept = [i for i in dict.fromkeys(wanted) if i in own]
    ignored = [str(i) for i in dict.fromkeys(wanted) if i not in kept] + bad_ids
    if ignored:
        warnings.append(t("decisions.prefill.assignments_ignored", ids=plain(", ".join(ignored))))  # from the URL
    return Prefill(requested=True, officer_id=officer_id, assignment_ids=kept, warnings=warnings)


# ---------------------------------------------------------------------------------------- shared pieces
def officer_select(officers: pd.DataFrame, *, key: str, default: int | None = None) -> int | None:
    """An officer drop-down (outside any form, so the assignment list can follow the choice)."""
    names = {int(r.id): f"{r.name} ({r.employee_no}) · {r.cooperative}" for r in officers.itertuples()}
    options = list(names)
    if key not in st.session_state and default in names:
        st.session_state[key] = default
    return st.selectbox(t("decisions.field.officer"), options, format_func=names.__getitem__, key=key,
                        index=None, placeholder=t("decisions.field.officer_placeholder"))


def assignment_select(viewer: Viewer, officer_id: int, *, key: str, symbol: str,
                      default: list[int] | None = None) -> list[int]:
    """Multi-select of the officer's assignments; the key includes the officer so choices never leak."""
    rows = store.read(decisions.list_assignments, scope=viewer.scope, officer_id=officer_id)
    names = {int(r.id): t("decisions.assignment_option", contract=r.contract_no, id=r.id,
                          deadline=r.deadline.isoformat(), target=money(r.target_cents, symbol),
                          outcome=label("outcome", r.outcome)) for r in rows.itertuples()}
    widget_key = f"{key}.{officer_id}"
    if widget_key not in st.session_state and default:
        st.session_state[widget_key] = [i for i in default if i in names]
    return st.multiselect(t("decisions.field.assignments"), list(names), format_func=names.__getitem__,
                          key=widget_key, help=t("decisions.field.assignments_help"))


def bounded_table(shown: pd.DataFrame, *, total: int, labels: dict[str, str], money_cols: list[str], symbol: str,
                  read_all: Callable[[], pd.DataFrame], filename: str, key: str) -> None:
    """A bounded slice on screen, the count of all rows, and downloads of *all* rows read only on click."""
    tables.show(shown, labels=labels, money=money_cols, symbol=symbol, key=key, filename=filename, total_rows=total,
                full=read_all)


def history_labels() -> dict[str, str]:
    return {"id": t("decisions.col.id"), "officer": t("common.officer"), "cooperative": t("common.cooperative"),
            "kind": t("decisions.col.kind"), "amount_cents": t("decisions.col.amount"),
            "months": t("decisions.col.months"), "effective_on": t("decisions.col.effective_on"),
            "status": t("decisions.col.status"), "reason": t("decisions.col.reason"),
            "proposed_by": t("decisions.col.proposed_by"), "proposed_at": t("decisions.col.proposed_at"),
            "decided_by": t("decisions.col.decided_by"), "decided_at": t("decisions.col.decided_at"),
            "decision_comment": t("decisions.col.comment"), "revoked_by": t("decisions.col.revoked_by"),
            "revoked_at": t("decisions.col.revoked_at"), "revocation_reason": t("decisions.col.revocation_reason"),
            "assignments": t("decisions.col.assignments")}


def for_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Codes to words; internal ids dropped."""
    out = frame.drop(columns=[c for c in ("officer_id", "proposed_by_id") if c in frame.columns]).copy()
    out["kind"] = out["kind"].map(lambda v: label("kind", v))
    out["status"] = out["status"].map(lambda v: label("status", v))
    return out


# ------------------------------------------------------------------------------------------ KPIs, chart
def kpi_row(counts: pd.DataFrame, *, queue_size: int | None, symbol: str) -> list[Kpi]:
    """Pending, approved sanctions, approved rewards (count and amount), and the viewer's own queue."""
    def total(statuses, kinds=None, column="count") -> int:
        rows = counts[counts.status.isin(statuses)]
        if kinds is not None:
            rows = rows[rows.kind.isin(kinds)]
        return int(rows[column].sum())

    sanctions = [k for k in KINDS if k != REWARD]
    row = [Kpi(t("decisions.kpi.pending"), number(total([PENDING])), help=t("decisions.kpi.pending_help")),
           Kpi(t("decisions.kpi.sanctions"), number(total([APPROVED], sanctions)),
               help=t("decisions.kpi.sanctions_help")),
           Kpi(t("decisions.kpi.rewards"), money(total([APPROVED], [REWARD], "amount_cents"), symbol, compact=True),
               help=t("decisions.kpi.rewards_help", count=total([APPROVED], [REWARD])))]
    if queue_size is not None:
        row.append(Kpi(t("decisions.kpi.my_queue"), number(queue_size), help=t("decisions.kpi.my_queue_help")))
    return row


def kind_status_chart(counts: pd.DataFrame, *, kind_names: dict[str, str], status_names: dict[str, str],
                      title: str) -> go.Figure:
    """Stacked bars: number of decisions per kind, split by status (pure: DataFrame in, figure out)."""
    pivot = counts.pivot_table(index="kind", columns="status", values="count", aggfunc="sum", fill_value=0)
    pivot = pivot.reindex(index=[k for k in KINDS if k in pivot.index],
                          columns=[s for s in STATUSES if s in pivot.columns])
    fig = go.Figure()
    for status in pivot.columns:
        fig.add_bar(x=[kind_names.get(k, k) for k in pivot.index], y=pivot[status], name=status_names.get(status),
                    marker_color=STATUS_COLORS[status], hovertemplate="%{y:,d}")
    fig.update_layout(barmode="stack", title=title, height=340, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", y=-0.2), yaxis=dict(tickformat=",d", rangemode="tozero"))
    return localized(fig)


# ----------------------------------------------------------------------------------------------- forms
def propose_form(viewer: Viewer, officers: pd.DataFrame, *, symbol: str, start: Prefill, today: dt.date) -> None:
    """Officer and kind first (they decide which fields follow), then the form itself."""
    for warning in start.warnings:
        st.warning(warning)
    officer_id = officer_select(officers, key="propose.officer", default=start.officer_id)
    kind = st.selectbox(t("decisions.field.kind"), KINDS, format_func=lambda k: label("kind", k), key="propose.kind")
    if officer_id is None:
        st.info(t("decisions.choose_officer"))
        return
    with st.form("propose.form", clear_on_submit=False):
        amount = months = None
        if needs_amount(kind):
            amount = st.number_input(t("decisions.field.amount", symbol=symbol), min_value=None, value=None,
                                     step=100.0, format="%.2f", key="propose.amount")
        if needs_months(kind):
            months = st.number_input(t("decisions.field.months"), min_value=None, value=None, step=1,
                                     key="propose.months",
                                     help=t("decisions.field.months_help", low=MIN_SUSPENSION_MONTHS,
                                            high=MAX_SUSPENSION_MONTHS))
        effective_on = st.date_input(t("decisions.field.effective_on"), value=today, key="propose.effective_on",
                                     format="YYYY-MM-DD")
        reason = st.text_area(t("decisions.field.reason"), key="propose.reason", max_chars=REASON_MAX_CHARS)
        linked = assignment_select(viewer, officer_id, key="propose.assignments", symbol=symbol,
                                   default=start.assignment_ids if officer_id == start.officer_id else None)
        if st.form_submit_button(t("decisions.propose.submit"), type="primary", key="propose.submit"):
            forms.submit(decisions.propose, success=t("decisions.propose.done"), actor=viewer.actor,
                         officer_id=officer_id, kind=kind, reason=reason, effective_on=effective_on,
                         amount_cents=to_cents(amount), months=None if months is None else int(months),
                         assignment_ids=linked)


def review_form(viewer: Viewer, officers: pd.DataFrame, *, symbol: str, today: dt.date) -> None:
    officer_id = officer_select(officers, key="review.officer")
    if officer_id is None:
        st.info(t("decisions.choose_officer"))
        return
    with st.form("review.form", clear_on_submit=False):
        left, right = st.columns(2)
        start = left.date_input(t("reviews.field.period_start"), value=today.replace(day=1), key="review.start",
                                format="YYYY-MM-DD")
        end = right.date_input(t("reviews.field.period_end"), value=today, key="review.end", format="YYYY-MM-DD")
        rating = st.selectbox(t("reviews.field.rating"), REVIEW_RATINGS, format_func=lambda r: label("rating", r),
                              key="review.rating")
        findings = st.text_area(t("reviews.field.findings"), key="review.findings", max_chars=FINDINGS_MAX_CHARS)
        linked = assignment_select(viewer, officer_id, key="review.assignments", symbol=symbol)
        if st.form_submit_button(t("reviews.submit"), type="primary", key="review.submit"):
            forms.submit(reviews.create, success=t("reviews.done"), actor=viewer.actor, officer_id=officer_id,
                         period_start=start, period_end=end, rating=rating, findings=findings,
                         assignment_ids=linked)


def decision_details(row: pd.Series, symbol: str) -> None:
    """One decision in words; the reason is shown as plain text exactly as typed."""
    st.write(t("decisions.details", id=int(row.id), kind=label("kind", row.kind),
               effective=row.effective_on.isoformat(), status=label("status", row.status)))
    facts = {t("common.officer"): row.officer, t("common.cooperative"): row.cooperative,
             t("decisions.col.proposed_by"): row.proposed_by,
             t("decisions.col.proposed_at"): row.proposed_at.strftime("%Y-%m-%d %H:%M")}
    if not pd.isna(row.amount_cents):
        facts[t("decisions.col.amount")] = money(int(row.amount_cents), symbol)
    if not pd.isna(row.months):
        facts[t("decisions.col.months")] = str(int(row.months))
    if row.assignments:
        facts[t("decisions.col.assignments")] = row.assignments
    tables.grid(pd.DataFrame({"": list(facts), " ": list(facts.values())}))
    st.caption(t("decisions.col.reason"))
    st.text(row.reason)


def _pressed_meanwhile(rows: dict[int, pd.Series]) -> dict[int, pd.Series]:
    """The decision shown at the last run, when its Approve or Reject was pressed and it has left the queue since.

    Why: the queue is read afresh at each run, so a decision another director decided a moment ago (on this
    or another app server) is gone from it by the run that carries this director's click. Without its form
    the click would be lost silently; kept for this run, the command answers that it is no longer pending.
    """
    shown = st.session_state.get(SHOWN_KEY)
    if shown is None or shown[0] in rows:
        return {}
    decision_id, row = shown
    pressed = any(st.session_state.get(f"queue.{verb}.{decision_id}") for verb in ("approve", "reject"))
    return {decision_id: row} if pressed else {}


def decide_form(viewer: Viewer, queue: pd.DataFrame, *, symbol: str) -> None:
    """The approver's queue: a bounded table, then one chosen decision with approve / reject and a comment."""
    rows = {int(r.id): r for _, r in queue.iterrows()}
    rows.update(_pressed_meanwhile(rows))
    if not rows:
        st.info(t("decisions.queue.empty"))
        return
    amount = t("decisions.col.amount")
    waiting = tables.dashes(for_display(queue)[["id", "officer", "cooperative", "kind", "amount_cents", "months",
                                         "effective_on", "proposed_by", "proposed_at"]]
                     .assign(amount_cents=lambda f: f.amount_cents.astype("float64") / 100)
                     .rename(columns=history_labels()))
    tables.grid(waiting, money_headers=[amount], symbol=symbol, plain=[history_labels()["id"]])
    chosen = st.selectbox(t("decisions.queue.choose"), list(rows), key="queue.decision",
                          format_func=lambda i: f"#{i} · {rows[i].officer} · {label('kind', rows[i].kind)}")
    st.session_state[SHOWN_KEY] = (chosen, rows[chosen])
    decision_details(rows[chosen], symbol)
    with st.form(f"queue.form.{chosen}", clear_on_submit=False):
        comment = st.text_area(t("decisions.field.comment"), key=f"queue.comment.{chosen}",
                               max_chars=COMMENT_MAX_CHARS, help=t("decisions.field.comment_help"))
        left, right = st.columns(2)
        if left.form_submit_button(t("decisions.queue.approve"), type="primary", key=f"queue.approve.{chosen}"):
            forms.submit(decisions.approve, success=t("decisions.queue.approved"), actor=viewer.actor,
                         decision_id=chosen, comment=comment)
        if right.form_submit_button(t("decisions.queue.reject"), key=f"queue.reject.{chosen}"):
            forms.submit(decisions.reject, success=t("decisions.queue.rejected"), actor=viewer.actor,
                         decision_id=chosen, comment=comment)


def revoke_form(viewer: Viewer, approved: pd.DataFrame, *, symbol: str) -> None:
    """Revoking keeps the decision and its history; it only records who revoked it, when and why."""
    if approved.empty:
        st.info(t("decisions.revoke.none"))
        return
    rows = {int(r.id): r for _, r in approved.iterrows()}
    chosen = st.selectbox(t("decisions.revoke.choose"), list(rows), key="revoke.decision",
                          format_func=lambda i: f"#{i} · {rows[i].officer} · {label('kind', rows[i].kind)}")
    decision_details(rows[chosen], symbol)
    with st.form(f"revoke.form.{chosen}", clear_on_submit=False):
        reason = st.text_area(t("decisions.revoke.reason"), key=f"revoke.reason.{chosen}", max_chars=REASON_MAX_CHARS)
        if st.form_submit_button(t("decisions.revoke.submit"), key=f"revoke.submit.{chosen}"):
            forms.submit(decisions.revoke, success=t("decisions.revoke.done"), actor=viewer.actor,
                         decision_id=chosen, reason=reason)


def officer_filter(officers: pd.DataFrame, *, key: str) -> int | None:
    names = {int(r.id): f"{r.name} ({r.employee_no})" for r in officers.itertuples()}
    officer = st.selectbox(t("common.officer"), [ANY, *names], key=key,
                           format_func=lambda o: t("decisions.filter.any") if o == ANY else names[o])
    return None if officer == ANY else officer


def _prefill_from_url(key: str, value: object) -> None:
    """Start a widget at a value a link asked for (Today's links), only on the first run of the page."""
    if key not in st.session_state and value is not None:
        st.session_state[key] = value


def history_filters(officers: pd.DataFrame, *, viewer_id: int | None = None) -> dict:
    """Officer, kind, status and effective-date range for the history table; then "only my own proposals" and
    "status changed since". A link from Today may set status (?status=), mine (?mine=1) and since (?since=)."""
    _prefill_from_url("history.status", requested("status", STATUSES))
    _prefill_from_url("history.mine", True if requested("mine", ("1",)) else None)
    _prefill_from_url("history.since", requested_date("since"))
    a, b, c, d, e = st.columns(5)
    with a:
        officer_id = officer_filter(officers, key="history.officer")
    kind = b.selectbox(t("decisions.col.kind"), [ANY, *KINDS], key="history.kind",
                       format_func=lambda k: t("decisions.filter.any") if k == ANY else label("kind", k))
    status = c.selectbox(t("decisions.col.status"), [ANY, *STATUSES], key="history.status",
                         format_func=lambda s: t("decisions.filter.any") if s == ANY else label("status", s))
    first = d.date_input(t("decisions.filter.from"), value=None, key="history.from", format="YYYY-MM-DD")
    last = e.date_input(t("decisions.filter.to"), value=None, key="history.to", format="YYYY-MM-DD")
    mine_col, since_col = st.columns(2)
    mine = mine_col.checkbox(t("today.mine"), key="history.mine") if viewer_id is not None else False
    since = since_col.date_input(t("today.since"), value=None, key="history.since", format="YYYY-MM-DD")
    if mine:
        st.caption(t("today.filtered", what=t("today.filtered.decisions")))
    return {"officer_id": officer_id, "kind": None if kind == ANY else kind,
            "status": None if status == ANY else status, "first_day": first, "last_day": last,
            "proposer_id": viewer_id if mine else None, "moved_since": since}


def queue_section(viewer: Viewer, scope, officers: pd.DataFrame, *, symbol: str) -> None:
    """The approver's whole queue, page by page (QUEUE_LIMIT a page) and narrowed by officer or kind, so a newer
    proposal can be decided before older ones are."""
    a, b, c = st.columns(3)
    with a:
        officer_id = officer_filter(officers, key="queue.officer")
    kind = b.selectbox(t("today.queue.kind"), [ANY, *KINDS], key="queue.kind",
                       format_func=lambda k: t("today.queue.any_kind") if k == ANY else label("kind", k))
    narrowed = dict(scope=scope, approver_id=viewer.actor.user_id, officer_id=officer_id,
                    kind=None if kind == ANY else kind)
    total, _ = store.read(decisions.pending_queue_totals, **narrowed)
    pages = max(1, -(-total // QUEUE_LIMIT))
    page = int(c.number_input(t("today.queue.page"), min_value=1, max_value=pages, value=1, step=1,
                              key="queue.page")) if pages > 1 else 1
    page = min(page, pages)
    queue = store.read(decisions.pending_queue, limit=QUEUE_LIMIT, offset=(page - 1) * QUEUE_LIMIT, **narrowed)
    if total:
        first = (page - 1) * QUEUE_LIMIT + 1
        st.caption(t("today.queue.showing", first=f"{first:,}", last=f"{first + len(queue) - 1:,}",
                     total=f"{total:,}"))
    decide_form(viewer, queue, symbol=symbol)


def reviews_table(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.drop(columns=["officer_id"]).copy()
    out["rating"] = out["rating"].map(lambda r: label("rating", r))
    return out.rename(columns=review_labels())


def review_labels() -> dict[str, str]:
    return {"id": t("decisions.col.id"), "officer": t("common.officer"), "cooperative": t("common.cooperative"),
            "period_start": t("reviews.field.period_start"), "period_end": t("reviews.field.period_end"),
            "rating": t("reviews.field.rating"), "findings": t("reviews.field.findings"),
            "reviewer": t("reviews.col.reviewer"), "created_at": t("reviews.col.created_at"),
            "assignments": t("decisions.col.assignments")}


# ----------------------------------------------------------------------------------------- audit trail
def audit_filters(options: dict[str, list[str]]) -> dict:
    """Sidebar filters of the audit page: user, action, entity and a date range (empty = no bound)."""
    chosen: dict = {}
    for name in ("username", "action", "entity"):  # a link from Today may ask for one action (?action=)
        _prefill_from_url(f"audit.{name}", requested(name, tuple(options.get(name, []))))
        value = st.sidebar.selectbox(t(f"audit.filter.{name}"), [ANY, *options.get(name, [])], key=f"audit.{name}",
                                     format_func=lambda v: t("decisions.filter.any") if v == ANY else v)
        chosen[name] = None if value == ANY else value
    _prefill_from_url("audit.from", requested_date("from"))
    _prefill_from_url("audit.to", requested_date("to"))
    chosen["first_day"] = st.sidebar.date_input(t("decisions.filter.from"), value=None, key="audit.from",
                                                format="YYYY-MM-DD")
    chosen["last_day"] = st.sidebar.date_input(t("decisions.filter.to"), value=None, key="audit.to",
                                               format="YYYY-MM-DD")
    return chosen


def audit_labels() -> dict[str, str]:
    return {"id": t("decisions.col.id"), "at": t("audit.col.at"), "username": t("audit.filter.username"),
            "action": t("audit.filter.action"), "entity": t("audit.filter.entity"),
            "entity_id": t("audit.col.entity_id"), "before": t("audit.col.before"), "after": t("audit.col.after")}


def stored_json(value: str | None) -> None:
    """Show a stored before/after value as a JSON tree, or as plain text when it is not JSON: never HTML."""
    if not isinstance(value, str):  # None, or NaN when pandas filled an all-empty column
        st.caption(t("audit.nothing"))
        return
    try:
        parsed = json.loads(value)
    except ValueError:
        st.code(value, language=None)
        return
    if isinstance(parsed, (dict, list)):
        st.json(parsed, expanded=True)
    else:
        st.code(str(parsed), language=None)


def changed_fields(before: str | None, after: str | None) -> pd.DataFrame:
    """The top-level fields whose value differs between a stored before and after (JSON text), as text.

    Pure (no Streamlit): a reader sees at a glance what a write changed, then the full JSON below.
    """
    def load(value: str | None) -> dict:
        if not isinstance(value, str) or not value:  # None, or NaN from an all-empty pandas column
            return {}
        try:
            parsed = json.loads(value)
        except ValueError:
            return {"": value}
        return parsed if isinstance(parsed, dict) else {"": parsed}

    old, new = load(before), load(after)
    rows = [(key, "" if key not in old else json.dumps(old[key], ensure_ascii=False),
             "" if key not in new else json.dumps(new[key], ensure_ascii=False))
            for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key) or (key in old) != (key in new)]
    return pd.DataFrame(rows, columns=["field", "before", "after"])


def audit_detail(rows: pd.DataFrame) -> None:
    """One audit row's before and after side by side."""
    if rows.empty:
        return
    by_id = {int(r.id): r for _, r in rows.iterrows()}
    chosen = st.selectbox(t("audit.detail.choose"), list(by_id), key="audit.detail",
                          format_func=lambda i: f"#{i} · {by_id[i]['at']:%Y-%m-%d %H:%M:%S} · {by_id[i].action}")
    row = by_id[chosen]
    changes = changed_fields(row.before, row.after)
    if not changes.empty:
        tables.grid(changes.rename(columns={"field": t("audit.col.field"), "before": t("audit.col.before"),
                                            "after": t("audit.col.after")}))
    left, right = st.columns(2)
    with left:
        st.caption(t("audit.col.before"))
        stored_json(row.before)
    with right:
        st.caption(t("audit.col.after"))
        stored_json(row.after)
