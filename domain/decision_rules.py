"""The rules a review or a decision must satisfy, as pure functions returning the first problem found.

Why pure: the same rules serve the commands in data/ (which turn a problem into a ValidationError before
writing anything), the page (which can explain them) and property tests, with no database in the way.
A problem is ``(field, translation_key, params)``; ``None`` means the input is acceptable.
"""
from __future__ import annotations

import datetime as dt
from typing import Final

from domain.decisions import (APPROVED, KINDS, KINDS_WITH_AMOUNT, KINDS_WITH_MONTHS, PENDING, REJECTED,
                              REVIEW_RATINGS, REVOKED)
from domain.inputs import MAX_AMOUNT_CENTS, has_nul

Problem = tuple[str, str, dict[str, object]]

FINDINGS_MAX_CHARS: Final = 5000
REASON_MAX_CHARS: Final = 5000
COMMENT_MAX_CHARS: Final = 2000
MIN_SUSPENSION_MONTHS: Final = 1
MAX_SUSPENSION_MONTHS: Final = 24
#: an amount above this (100 million currency units) is a typing error, not a sanction
#: how far before or after today a decision may take effect; wider is almost surely a typo in the year
EFFECTIVE_WINDOW_DAYS: Final = 366
#: a review period longer than this is not a periodic review
MAX_REVIEW_PERIOD_DAYS: Final = 3 * 366

#: status -> statuses it may move to; everything else (including any move out of a final state) is refused
TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    PENDING: frozenset({APPROVED, REJECTED}),
    APPROVED: frozenset({REVOKED}),
    REJECTED: frozenset(),
    REVOKED: frozenset(),
}


def needs_amount(kind: str) -> bool:
    """Compensation (the officer pays) and reward (the officer is paid) carry an amount; nothing else does."""
    return kind in KINDS_WITH_AMOUNT


def needs_months(kind: str) -> bool:
    """Only a salary suspension lasts a number of months."""
    return kind in KINDS_WITH_MONTHS


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def source_status(to_status: str) -> str:
    """The one status a decision must be in to move to ``to_status`` (each target has exactly one source)."""
    sources = [status for status, targets in TRANSITIONS.items() if to_status in targets]
    if len(sources) != 1:
        raise ValueError(f"no single source status for {to_status!r}")
    return sources[0]


def _text_problem(field: str, value: str, max_chars: int) -> Problem | None:
    if not value or not value.strip():
        return field, f"error.decisions.{field}_required", {}
    if len(value) > max_chars:
        return field, "error.decisions.too_long", {"max": max_chars}
    if has_nul(value):
        return field, "error.nul_character", {}
    return None


def proposal_problem(*, kind: str, amount_cents: int | None, months: int | None, reason: str,
                     effective_on: dt.date | None, today: dt.date) -> Problem | None:
    """The first thing wrong with a proposed decision, checked in form order."""
    if kind not in KINDS:
        return "kind", "error.decisions.kind_unknown", {}
    if needs_amount(kind):
        if amount_cents is None:
            return "amount", "error.decisions.amount_required", {}
        if amount_cents <= 0:
            return "amount", "error.decisions.amount_positive", {}
        if amount_cents > MAX_AMOUNT_CENTS:
            return "amount", "error.decisions.amount_too_large", {}
    elif amount_cents is not None:
        return "amount", "error.decisions.amount_forbidden", {}
    if needs_months(kind):
        if months is None:
            return "months", "error.decisions.months_required", {}
        if not MIN_SUSPENSION_MONTHS <= months <= MAX_SUSPENSION_MONTHS:
            return "months", "error.decisions.months_range", {"low": MIN_SUSPENSION_MONTHS,
                                                               "high": MAX_SUSPENSION_MONTHS}
    elif months is not None:
        return "months", "error.decisions.months_forbidden", {}
    problem = _text_problem("reason", reason, REASON_MAX_CHARS)
    if problem:
        return problem
    if effective_on is None:
        return "effective_on", "error.decisions.effective_required", {}
    if abs((effective_on - today).days) > EFFECTIVE_WINDOW_DAYS:
        return "effective_on", "error.decisions.effective_window", {"days": EFFECTIVE_WINDOW_DAYS}
    return None


def transition_problem(*, status: str, to_status: str, proposer_id: int, actor_user_id: int,
                       text: str, text_field: str) -> Problem | None:
    """Approve, reject or revoke: the status must allow it, the text (comment or reason) must be given,
    and for approval or rejection the actor must not be the proposer (four eyes)."""
    if not can_move(status, to_status):
        return "decision", f"error.decisions.not_{'approved' if to_status == REVOKED else 'pending'}", {}
    if to_status in (APPROVED, REJECTED) and not four_eyes_ok(proposer_id=proposer_id, approver_id=actor_user_id):
        return "decision", "error.decisions.own_proposal", {}
    return _text_problem(text_field, text, COMMENT_MAX_CHARS if text_field == "comment" else REASON_MAX_CHARS)


def four_eyes_ok(*, proposer_id: int, approver_id: int) -> bool:
    """Whoever proposed a decision may not decide it."""
    return proposer_id != approver_id


def review_problem(*, period_start: dt.date | None, period_end: dt.date | None, rating: str, findings: str,
                   today: dt.date) -> Problem | None:
    """The first thing wrong with a review: a real past period, a rating of the scale, findings written."""
    if period_start is None or period_end is None:
        return "period", "error.reviews.period_required", {}
    if period_end < period_start:
        return "period", "error.reviews.period_order", {}
    if period_end > today:
        return "period", "error.reviews.period_future", {}
    if (period_end - period_start).days > MAX_REVIEW_PERIOD_DAYS:
        return "period", "error.reviews.period_too_long", {}
    if rating not in REVIEW_RATINGS:
        return "rating", "error.reviews.rating_unknown", {}
    if not findings or not findings.strip():
        return "findings", "error.reviews.findings_required", {}
    if len(findings) > FINDINGS_MAX_CHARS:
        return "findings", "error.reviews.findings_too_long", {"max": FINDINGS_MAX_CHARS}
    if has_nul(findings):
        return "findings", "error.nul_character", {}
    return None
