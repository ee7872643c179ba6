"""What needs a user today: each item of their role (domain.today.ROLE_ITEMS) with its count, amount and link.

Every figure is read by the function that already defines it, with the user's own scope: the accountability
gap (data.officers.gap_totals, the totals of list_accountability_gaps), NPLs with no named person
(data.officers.unowned_npl_totals), asset deadlines (data.assets.deadline_totals, on domain.asset_ageing's
thresholds), hidden NPLs (data.warnings.list_hidden_npls), the approval queue and decisions (data.decisions), audit rows
(data.audit_trail), users (data.users.list_). The Today page and the e-mailed digest both call ``for_user``,
so the page and the mail always say the same.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy.orm import Session

from data import assets, audit_trail, deadlines, decisions, officers, portfolio, users, warnings
from data.audit import now as utc_now
from data.importer import refusals
from data.settings import get as get_settings
from domain import today as rules
from domain.decisions import PENDING, REJECTED, REVOKED
from domain.roles import ADMIN, AUDITOR, DIRECTOR, OFFICER, SUPERVISOR
from domain.scope import Actor, Scope
from domain.settings import Settings
from domain.today import Detail, Item, Link


def _month(day: dt.date) -> str:
    return day.strftime("%Y-%m")


def _coop(scope: Scope) -> str | None:
    """The cooperative filter a link carries: every cooperative for a union viewer, else none (the page
    offers only the viewer's own, and a forged one is refused there anyway)."""
    return "all" if scope.cooperative_ids is None else None


def _approvals(session: Session, actor: Actor) -> Item:
    count, cents = decisions.pending_queue_totals(session, scope=actor.scope, approver_id=actor.user_id)
    return Item(rules.APPROVALS, count, cents, Link.to("decisions", coop=_coop(actor.scope), section="queue"))


def _npl_rose(session: Session, scope: Scope, months: list[dt.date]) -> Item:
    if not months:
        return Item(rules.NPL_ROSE, missing=rules.MISSING_TAPE)
    latest = months[-1]
    if len(months) < 2:  # one month: nothing to compare with yet
        return Item(rules.NPL_ROSE, 0, 0, Link.to("overview", coop=_coop(scope), to=_month(latest)))
    previous = months[-2]
    rose = rules.npl_rose(portfolio.npl_by_cooperative(session, scope=scope, months=[previous, latest]),
                          previous, latest)
    period = {"from": _month(previous), "to": _month(latest)}
    details = tuple(Detail(str(row.cooperative), 1, int(row.rise_cents),
                           Link.to("overview", coop=int(row.cooperative_id), **period))
                    for row in rose.itertuples())
    return Item(rules.NPL_ROSE, len(rose), int(rose.rise_cents.sum()) if len(rose) else 0,
                Link.to("overview", coop=_coop(scope), **period), details=details)


def _assets_due(session: Session, scope: Scope, today: dt.date, settings: Settings) -> Item:
    days = settings.today_asset_days
    count, cents = assets.deadline_totals(session, scope=scope, today=today, due_within_days=days)
    return Item(rules.ASSETS_DUE, count, cents, Link.to("assets", coop=_coop(scope), due_within=days), days=days)


def _gap(session: Session, scope: Scope, today: dt.date) -> Item:
    count, at_stake = officers.gap_totals(session, scope=scope, today=today)
    return Item(rules.GAP, count, at_stake, Link.to("officers", coop=_coop(scope), show="gaps"))


def _deadline(session: Session, scope: Scope, today: dt.date, key: str, kind: str, days: int, page: str) -> Item:
    count, cents = deadlines.totals(session, scope=scope, kind=kind, today=today, days=days)
    query = {"coop": _coop(scope)} if page == "officers" else {}
    link = Link.to(page, **query, show=kind, days=None if kind == deadlines.LATE else days)
    return Item(key, count, cents, link, days=None if kind == deadlines.LATE else days)


def _unowned(session: Session, scope: Scope, months: list[dt.date]) -> Item:
    if not months:
        return Item(rules.UNOWNED, missing=rules.MISSING_TAPE)
    count, cents = officers.unowned_npl_totals(session, scope=scope, month=months[-1])
    return Item(rules.UNOWNED, count, cents, Link.to("officers", coop=_coop(scope), show="unowned"))


def hidden_appeared(session: Session, *, scope: Scope, month: dt.date, previous: dt.date | None,
                    limit: int | None = None) -> pd.DataFrame:
    """Hidden NPLs of ``month`` that were not hidden NPLs in ``previous`` (all of them when there is none),
    largest balance first: the rows the early-warning page lists for ``?hidden=new``."""
    current = warnings.list_hidden_npls(session, scope=scope, month=month, limit=None)
    if previous is not None:
        current = rules.appeared(current, warnings.list_hidden_npls(session, scope=scope, month=previous, limit=None))
    return current if limit is None else current.head(limit)


def _hidden_new(session: Session, scope: Scope, months: list[dt.date]) -> Item:
    if not months:
        return Item(rules.HIDDEN_NEW, missing=rules.MISSING_TAPE)
    rows = hidden_appeared(session, scope=scope, month=months[-1], previous=months[-2] if len(months) > 1 else None)
    return Item(rules.HIDDEN_NEW, len(rows), int(rows.balance_cents.sum()) if len(rows) else 0,
                Link.to("early_warning", coop=_coop(scope), to=_month(months[-1]), hidden="new"))


def _mine(session: Session, actor: Actor, key: str, status: str, since: dt.date | None,
          days: int | None = None) -> Item:
    count, cents = decisions.history_totals(session, scope=actor.scope, status=status, proposer_id=actor.user_id,
                                            moved_since=since)
    link = Link.to("decisions", coop=_coop(actor.scope), section="history", status=status, mine=1,
                   since=None if since is None else since.isoformat())
    return Item(key, count, cents, link, days=days)


def _audit_events(session: Session, actor: Actor, today: dt.date, settings: Settings) -> Item:
    first = rules.since(today, settings.today_recent_days)
    by_action = audit_trail.count_by_action(session, scope=audit_trail.trail_scope(actor), first_day=first,
                                            last_day=today)
    period = {"from": first.isoformat(), "to": today.isoformat()}
    details = tuple(Detail(str(row.action), int(row.count), None, Link.to("audit", action=row.action, **period))
                    for row in by_action.itertuples())
    return Item(rules.AUDIT_EVENTS, int(by_action["count"].sum()), None, Link.to("audit", **period),
                days=settings.today_recent_days, details=details)


def _revoked(session: Session, scope: Scope, today: dt.date, settings: Settings) -> Item:
    first = rules.since(today, settings.today_recent_days)
    count, cents = decisions.history_totals(session, scope=scope, status=REVOKED, moved_since=first)
    return Item(rules.REVOKED, count, cents, Link.to("decisions", coop=_coop(scope), section="history",
                                                    status=REVOKED, since=first.isoformat()),
                days=settings.today_recent_days)


def _imports_refused(session: Session, actor: Actor, today: dt.date, settings: Settings) -> Item:
    first = rules.since(today, settings.today_recent_days)
    period = {"from": first.isoformat(), "to": today.isoformat()}
    count = audit_trail.count(session, scope=audit_trail.trail_scope(actor), action=refusals.ACTION,
                              first_day=first, last_day=today)
    return Item(rules.IMPORTS_REFUSED, count, None, Link.to("audit", action=refusals.ACTION, **period),
                days=settings.today_recent_days)


def _tape_due(months: list[dt.date], today: dt.date) -> Item:
    due = rules.tape_months_due(months[-1] if months else None, today)
    return Item(rules.TAPE_DUE, due, None, Link.to("admin", tab="import"))


def _accounts(session: Session, actor: Actor, at: dt.datetime) -> tuple[Item, Item]:
    accounts = users.list_(session, actor=actor)
    locked = rules.accounts_needing_care(accounts, rules.LOCKED, now=at)
    union_wide = rules.accounts_needing_care(accounts, rules.NO_COOPERATIVE, now=at)
    return (Item(rules.LOCKED, len(locked), None, Link.to("admin", users=rules.LOCKED)),
            Item(rules.NO_COOPERATIVE, len(union_wide), None, Link.to("admin", users=rules.NO_COOPERATIVE)))


def for_user(session: Session, *, actor: Actor, today: dt.date, at: dt.datetime | None = None) -> list[Item]:
    """The Today items of one user, in their role's order, every one read with the user's own scope."""
    settings = get_settings(session)
    scope = actor.scope
    items: dict[str, Item] = {}
    role = actor.role
    if role == DIRECTOR:
        months = portfolio.list_months(session)
        items = {rules.APPROVALS: _approvals(session, actor), rules.NPL_ROSE: _npl_rose(session, scope, months),
                 rules.ASSETS_DUE: _assets_due(session, scope, today, settings), rules.GAP: _gap(session, scope, today)}
    elif role == SUPERVISOR:
        months = portfolio.list_months(session)
        items = {rules.DUE_SOON: _deadline(session, scope, today, rules.DUE_SOON, deadlines.DUE,
                                           settings.today_due_soon_days, "officers"),
                 rules.OVERDUE: _deadline(session, scope, today, rules.OVERDUE, deadlines.LATE, 0, "officers"),
                 rules.GAP: _gap(session, scope, today), rules.UNOWNED: _unowned(session, scope, months),
                 rules.HIDDEN_NEW: _hidden_new(session, scope, months),
                 rules.MY_PENDING: _mine(session, actor, rules.MY_PENDING, PENDING, None),
                 rules.MY_REJECTED: _mine(session, actor, rules.MY_REJECTED, REJECTED,
                                          rules.since(today, settings.today_recent_days),
                                          settings.today_recent_days)}
    elif role == OFFICER:
        items = {rules.DUE_SOON: _deadline(session, scope, today, rules.DUE_SOON, deadlines.DUE,
                                           settings.today_due_soon_days, "my_record"),
                 rules.DUE_LATER: _deadline(session, scope, today, rules.DUE_LATER, deadlines.DUE,
                                            settings.today_due_later_days, "my_record"),
                 rules.IDLE: _deadline(session, scope, today, rules.IDLE, deadlines.IDLE, settings.today_idle_days,
                                       "my_record")}
    elif role == AUDITOR:
        items = {rules.AUDIT_EVENTS: _audit_events(session, actor, today, settings),
                 rules.REVOKED: _revoked(session, scope, today, settings),
                 rules.IMPORTS_REFUSED: _imports_refused(session, actor, today, settings)}
    elif role == ADMIN:
        locked, union_wide = _accounts(session, actor, at or utc_now())
        items = {rules.TAPE_DUE: _tape_due(portfolio.list_months(session), today), rules.LOCKED: locked,
                 rules.NO_COOPERATIVE: union_wide}
    return rules.merged(items, role)
