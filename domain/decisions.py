"""Penalty and reward decisions about an officer, and the four-eyes rule."""
from __future__ import annotations

from typing import Final

WARNING: Final = "warning"
SALARY_SUSPENSION: Final = "salary_suspension"
COMPENSATION: Final = "compensation"
DUTY_SUSPENSION: Final = "duty_suspension"
DISMISSAL: Final = "dismissal"
LEGAL_REFERRAL: Final = "legal_referral"
REWARD: Final = "reward"
KINDS: Final[tuple[str, ...]] = (WARNING, SALARY_SUSPENSION, COMPENSATION, DUTY_SUSPENSION, DISMISSAL,
                                 LEGAL_REFERRAL, REWARD)
KINDS_WITH_AMOUNT: Final[tuple[str, ...]] = (COMPENSATION, REWARD)
KINDS_WITH_MONTHS: Final[tuple[str, ...]] = (SALARY_SUSPENSION,)

PENDING: Final = "pending"
APPROVED: Final = "approved"
REJECTED: Final = "rejected"
REVOKED: Final = "revoked"
STATUSES: Final[tuple[str, ...]] = (PENDING, APPROVED, REJECTED, REVOKED)

REVIEW_RATINGS: Final[tuple[str, ...]] = ("excellent", "good", "satisfactory", "needs_improvement", "unsatisfactory")
