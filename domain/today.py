"""What needs a person today: the items of each role's Today page and e-mailed digest, as pure rules.

An item is one thing to do (decisions awaiting approval, deadlines within a week...), with how many rows it
holds, the amount at stake and the page address that lists exactly those rows. The figures behind an item are
read in data/today.py from the functions that already define them (accountability gap, asset deadlines,
hidden NPLs...); this module only holds what is a rule: which items each role has, the time windows, the
amount at stake of an assignment, which cooperatives' NPLs rose, which hidden NPLs are new, whether a tape is
due, and how a link is written. No Streamlit, no SQL.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlencode

import pandas as pd

from domain.roles import ADMIN, AUDITOR, DIRECTOR, OFFICER, SUPERVISOR

# item keys (the text of each is "today.item.<key>" in components/locales/today.py)
APPROVALS: Final = "approvals"
NPL_ROSE: Final = "npl_rose"
ASSETS_DUE: Final = "assets_due"
GAP: Final = "gap"
DUE_SOON: Final = "due_soon"
OVERDUE: Final = "overdue"
UNOWNED: Final = "unowned"
HIDDEN_NEW: Final = "hidden_new"
MY_PENDING: Final = "my_pending"
MY_REJECTED: Final = "my_rejected"
DUE_LATER: Final = "due_later"
IDLE: Final = "idle"
AUDIT_EVENTS: Final = "audit_events"
REVOKED: Final = "revoked"
IMPORTS_REFUSED: Final = "imports_refused"
TAPE_DUE: Final = "tape_due"
LOCKED: Final = "locked"
NO_COOPERATIVE: Final = "no_cooperative"

#: each role's items, in the order the page and the digest list them (issue 20)
ROLE_ITEMS: Final[dict[str, tuple[str, ...]]] = {
    DIRECTOR: (APPROVALS, NPL_ROSE, ASSETS_DUE, GAP),
    SUPERVISOR: (DUE_SOON, OVERDUE, GAP, UNOWNED, HIDDEN_NEW, MY_PENDING, MY_REJECTED),
    OFFICER: (DUE_SOON, DUE_LATER, IDLE),
    AUDITOR: (AUDIT_EVENTS, REVOKED, IMPORTS_REFUSED),
    ADMIN: (TAPE_DUE, LOCKED, NO_COOPERATIVE),
}

#: why an item could not be worked out (what is missing), "today.missing.<key>"
MISSING_TAPE: Final = "tape"


@dataclass(frozen=True)
class Link:
    """A page of the app and the URL query that filters it to exactly the rows of an item."""

    page: str
    query: tuple[tuple[str, str], ...] = ()

    @classmethod
    def to(cls, page: str, **query: object) -> "Link":
        return cls(page, tuple((name, str(value)) for name, value in query.items() if value is not None))

    @property
    def params(self) -> dict[str, str]:
        return dict(self.query)

    def url(self, base: str = "") -> str:
        """``base/page?query`` (base is the app's public address; empty gives a path for the app itself)."""
        path = f"{base.rstrip('/')}/{self.page}"
        return f"{path}?{urlencode(self.query)}" if self.query else path


@dataclass(frozen=True)
class Detail:
    """One line under an item (a cooperative, a kind of audit event): its name as stored, count, amount, link."""

    name: str
    count: int
    amount_cents: int | None
    link: Link


@dataclass(frozen=True)
class Item:
    """One thing to do now. ``missing`` says why it could not be worked out; ``days`` fills its text."""

    key: str
    count: int = 0
    amount_cents: int | None = None
    link: Link | None = None
    days: int | None = None
    details: tuple[Detail, ...] = field(default_factory=tuple)
    missing: str | None = None

    @property
    def due(self) -> bool:
        """Something to do (an item that says "nothing due" is not)."""
        return self.missing is None and self.count > 0


def due_count(items: Iterable[Item]) -> int:
    """How many items hold something to do: the digest's subject line and the audit row count them."""
    return sum(1 for item in items if item.due)


def remaining_cents(target_cents: int, recovered_cents: int) -> int:
    """The amount at stake on an assignment: what is still to recover against its target, never negative."""
    return max(0, int(target_cents) - int(recovered_cents))


def window_end(today: dt.date, days: int) -> dt.date:
    """The last day of a look-ahead of ``days`` days from today (today itself is day 0)."""
    return today + dt.timedelta(days=days)


def since(today: dt.date, days: int) -> dt.date:
    """The first day of the last ``days`` days, today included (7 days: today and the 6 before)."""
    return today - dt.timedelta(days=days - 1)


def idle_before(today: dt.date, days: int) -> dt.date:
    """An open assignment whose last collection action (or, with none, its assignment day) is before this day
    has had nothing logged for ``days`` days."""
    return today - dt.timedelta(days=days)


def npl_rose(by_cooperative: pd.DataFrame, previous: dt.date, latest: dt.date) -> pd.DataFrame:
    """Cooperatives whose NPL balance at ``latest`` is above that at ``previous``, largest rise first.

    ``by_cooperative`` holds rows (month, cooperative_id, cooperative, npl_cents) as data.portfolio.
    npl_by_cooperative gives them; a cooperative with no row in a month has no NPLs then (0).
    Returns cooperative_id, cooperative, previous_cents, latest_cents, rise_cents.
    """
    columns = ["cooperative_id", "cooperative", "previous_cents", "latest_cents", "rise_cents"]
    if by_cooperative.empty:
        return pd.DataFrame(columns=columns)
    wide = by_cooperative.pivot_table(index=["cooperative_id", "cooperative"], columns="month", values="npl_cents",
                                      aggfunc="sum", fill_value=0)
    before = wide[previous] if previous in wide.columns else 0
    after = wide[latest] if latest in wide.columns else 0
    out = pd.DataFrame({"previous_cents": before, "latest_cents": after}).astype("int64").reset_index()
    out["rise_cents"] = out.latest_cents - out.previous_cents
    out = out[out.rise_cents > 0].sort_values(["rise_cents", "cooperative"], ascending=[False, True])
    return out[columns].reset_index(drop=True)


def appeared(current: pd.DataFrame, previous: pd.DataFrame, *, key: str = "loan_id") -> pd.DataFrame:
    """The rows of ``current`` whose ``key`` is not in ``previous``: hidden NPLs that appeared this month."""
    return current[~current[key].isin(set(previous[key]))].reset_index(drop=True)


def last_complete_month(today: dt.date) -> dt.date:
    """The first day of the month before today's: the newest month whose tape can exist."""
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def tape_months_due(latest: dt.date | None, today: dt.date) -> int:
    """Complete months after the newest tape imported (0 when it is up to date); None tape: 1 (the first)."""
    due = last_complete_month(today)
    if latest is None:
        return 1
    return max(0, (due.year - latest.year) * 12 + due.month - latest.month)


def merged(items: Mapping[str, Item], role: str) -> list[Item]:
    """The items of a role in their order (every item present, so an empty one can say "nothing due")."""
    return [items[key] for key in ROLE_ITEMS.get(role, ())]


def accounts_needing_care(accounts: pd.DataFrame, which: str, *, now: dt.datetime) -> pd.DataFrame:
    """The active accounts of an admin's item, from rows as data.users.list_ gives them (role, cooperative,
    active, locked_until): LOCKED = locked at ``now``; NO_COOPERATIVE = no cooperative, so the account reaches
    the whole union (officers excepted: their own officer record is their scope)."""
    active = accounts[accounts.active.astype(bool)]
    if which == LOCKED:
        return active[[pd.notna(until) and until > now for until in active.locked_until]]
    if which == NO_COOPERATIVE:
        return active[active.cooperative.isna() & (active.role != OFFICER)]
    raise ValueError(f"unknown account item: {which}")
