"""Limits every free-text field and amount shares, so each form refuses the same hostile input the same way.

PostgreSQL refuses NUL (U+0000) in text columns and BIGINT overflows past 9.2e18: both must be turned
away by validation, before anything is written, on both engines alike.
"""
from __future__ import annotations

from typing import Final

#: the largest amount any form accepts: 100 million in currency units (far above any rural loan)
MAX_AMOUNT_CENTS: Final = 100_000_000 * 100


def has_nul(*values: str | None) -> bool:
    """True when any value holds a NUL character, which no text column can store on PostgreSQL."""
    return any(value is not None and "\x00" in value for value in values)


def amount_too_large(cents: int) -> bool:
    return cents > MAX_AMOUNT_CENTS
