"""The pieces of the Today page: one bordered card per item, and the note a filtered page shows.

An item's card says what it is, how many rows and the amount at stake, and links (``st.page_link`` with the
item's query) to the page filtered to exactly those rows; the pages read those filters back with ``requested``
below, which ignores anything forged or garbled. Names in detail lines are stored text (a cooperative's name,
an audit action), so they go through ``plain`` before reaching a markdown label.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from components import store, tables
from components.format import money, plain
from components.i18n import DEFAULT_LANGUAGE, current_language, t
from data import deadlines
from domain.scope import Scope
from domain.today import Item, Link, due_count


def href(link: Link) -> str:
    """The link's address relative to the app (like the other in-app links), keeping the session's language."""
    language = current_language()
    query = link.query + ((("lang", language),) if language != DEFAULT_LANGUAGE else ())
    return Link(link.page, query).url().lstrip("/")


def page_link(link: Link, label: str, *, key_icon: str = ":material/arrow_forward:") -> None:
    """A link to a page of the app with the item's filter in its query string; ``label`` is markdown-safe.

    In the app it is an ``st.page_link``: the page opens in the same tab and session (a markdown link would
    open a new tab and sign in again). A page run on its own, outside the app's navigation (AppTest), has no
    pages to link to; there the same address is written as a markdown link.
    """
    script = f"pages/{link.page}.py"
    try:
        st.page_link(script, label=label, icon=key_icon, query_params=link.params)
    except StreamlitPageNotFoundError:
        st.markdown(f"{key_icon} [{label}]({href(link)})")


def summary(items: list[Item]) -> None:
    st.markdown(f"**{t('today.summary', due=due_count(items), total=len(items))}**")


def card(item: Item, symbol: str) -> None:
    """One item: its title, count and amount, and the link; "nothing due" (or what is missing) when empty."""
    with st.container(border=True):
        title_col, count_col, amount_col = st.columns([3, 1, 1])
        title_col.markdown(f"**{t(f'today.item.{item.key}', days=item.days)}**")
        title_col.caption(t(f"today.item.{item.key}_help"))
        if item.missing is not None:
            st.info(t(f"today.missing.{item.missing}"))
            return
        count_col.metric(t("today.count"), f"{item.count:,}")
        if item.amount_cents is not None:
            amount_col.metric(t("today.amount"), money(item.amount_cents, symbol))
        if item.count == 0:
            st.success(t("today.nothing_due"))
            return
        if item.link is not None:
            page_link(item.link, t("today.open_list", count=f"{item.count:,}"))
        for detail in item.details:
            amount = "" if detail.amount_cents is None else f" · {money(detail.amount_cents, symbol)}"
            page_link(detail.link, f"{plain(detail.name)} · {detail.count:,}{amount}",
                      key_icon=":material/subdirectory_arrow_right:")


def filtered_note(what: str, page: str) -> None:
    """Said at the top of a page opened from Today with a filter, with the way back to the whole page."""
    st.info(t("today.filtered", what=what), icon=":material/filter_alt:")
    page_link(Link(page), t("today.filtered.clear"), key_icon=":material/filter_alt_off:")


# ------------------------------------------------------------------------- filters read from Today's links
MAX_DAYS = 366


def requested(name: str, allowed: tuple[str, ...]) -> str | None:
    """A URL parameter if it is one of ``allowed`` (anything else, forged or garbled, is ignored)."""
    value = st.query_params.get(name)
    return value if value in allowed else None


def requested_days(default: int, name: str = "days") -> int:
    """A number of days from the URL (ASCII digits, 1 to 366), else ``default``."""
    raw = st.query_params.get(name) or ""
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_DAYS:
        return int(raw)
    return default


def requested_date(name: str) -> dt.date | None:
    """An ISO date from the URL, or None when absent or not a date."""
    raw = st.query_params.get(name) or ""
    try:
        return dt.date.fromisoformat(raw) if raw.isascii() and len(raw) == 10 else None
    except ValueError:
        return None


LIST_ROWS = 200


def assignment_list(scope: Scope, *, kind: str, days: int, today: dt.date, symbol: str, key: str) -> None:
    """The open assignments of one deadline list (data.deadlines), nearest deadline first, with downloads."""
    arguments = dict(scope=scope, kind=kind, today=today, days=days)
    rows = store.read(deadlines.list_open, limit=LIST_ROWS, **arguments)
    if rows.empty:
        st.success(t("today.list.empty"))
        return
    total, _ = store.read(deadlines.totals, **arguments)
    labels = {"officer": t("common.officer"), "cooperative": t("common.cooperative"),
              "contract_no": t("common.contract"), "borrower": t("common.borrower"),
              "assigned_on": t("today.col.assigned_on"), "deadline": t("today.col.deadline"),
              "target_cents": t("today.col.target"), "recovered_cents": t("today.col.recovered"),
              "remaining_cents": t("today.col.remaining"), "last_action_on": t("today.col.last_action_on")}
    money_cols = ["target_cents", "recovered_cents", "remaining_cents"]
    tables.show(rows[list(labels)], labels=labels, money=money_cols, symbol=symbol, key=key,
                filename=f"assignments-{kind}-{today.isoformat()}", total_rows=total,
                full=lambda: tables.read_now(deadlines.list_open, limit=None, **arguments)[list(labels)])
