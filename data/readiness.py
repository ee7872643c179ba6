"""What a union has set up so far: the records every page depends on, counted or probed within a scope.

Why: a real union starts on an empty database and fills it step by step (cooperatives, villages, officers,
users, the first loan tape, assignments). The admin page's getting-started checklist counts each step, and
every page asks whether the records it shows exist before it draws empty charts; both read here, scoped like
every other read, so a cooperative's admin or director learns about their cooperative only.

Cheap by construction: the loan tape is probed in ``portfolio_month`` (the pre-aggregate, never the
millions of ``loan_month`` rows), and :func:`present` asks EXISTS questions that stop at the first row.
"""
from __future__ import annotations

from typing import Final

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session

from data.models import (AppUser, Assignment, CollectionAction, Cooperative, ForeclosedAsset, Officer,
                         PortfolioMonth, Village)
from data.scoping import scoped
from domain.scope import Scope

#: the getting-started steps, in the order a union takes them
STEPS: Final[tuple[str, ...]] = ("cooperatives", "villages", "officers", "users", "tape", "assignments")
#: every kind of record a page may need: the steps and the records that come later
KINDS: Final[tuple[str, ...]] = (*STEPS, "actions", "assets")


def _rows(kind: str, scope: Scope) -> Select:
    """SELECT of the rows of ``kind`` the scope may see (an officer scope narrows only officer-owned rows)."""
    union_rows = Scope(cooperative_ids=scope.cooperative_ids)
    if kind == "cooperatives":
        return scoped(select(Cooperative.id), union_rows, cooperative_col=Cooperative.id)
    if kind == "villages":
        return scoped(select(Village.id), union_rows, cooperative_col=Village.cooperative_id)
    if kind == "officers":
        return scoped(select(Officer.id), scope, cooperative_col=Officer.cooperative_id, officer_col=Officer.id)
    if kind == "users":
        return scoped(select(AppUser.id), union_rows, cooperative_col=AppUser.cooperative_id)
    if kind == "tape":  # one row per month with a tape: the months the portfolio pre-aggregate holds
        return scoped(select(PortfolioMonth.month).distinct(), union_rows,
                      cooperative_col=PortfolioMonth.cooperative_id)
    if kind == "assignments":
        return scoped(select(Assignment.id), scope, cooperative_col=Assignment.cooperative_id,
                      officer_col=Assignment.officer_id)
    if kind == "actions":
        return scoped(select(CollectionAction.id), scope, cooperative_col=CollectionAction.cooperative_id,
                      officer_col=CollectionAction.officer_id)
    if kind == "assets":
        return scoped(select(ForeclosedAsset.id), union_rows, cooperative_col=ForeclosedAsset.cooperative_id)
    raise ValueError(f"unknown kind of record: {kind}")


def setup_counts(session: Session, *, scope: Scope) -> dict[str, int]:
    """The getting-started checklist: how many of each step's records the scope holds (tape: months)."""
    return {kind: int(session.scalar(select(func.count()).select_from(_rows(kind, scope).subquery())) or 0)
            for kind in STEPS}


def present(session: Session, *, scope: Scope, kinds: tuple[str, ...]) -> frozenset[str]:
    """Which of ``kinds`` have at least one row in the scope (EXISTS: stops at the first row)."""
    return frozenset(kind for kind in kinds if session.scalar(select(exists(_rows(kind, scope)))))
