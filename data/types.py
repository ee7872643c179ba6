"""Shared column types, so every table spells money, months and flags the same way.

Money is stored as integer *minor units* (cents, fen): exact in SQL sums on both SQLite and
PostgreSQL, never a float. Conversion to a display amount happens only in components/format.py.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import mapped_column

#: an amount of money in minor units (1/100 of the configured currency)
Cents = Annotated[int, mapped_column(BigInteger, nullable=False, default=0)]
#: an optional amount of money in minor units
OptionalCents = Annotated[int | None, mapped_column(BigInteger, nullable=True)]
#: the first day of a calendar month; every monthly row is keyed by it
Month = Annotated[dt.date, mapped_column(Date, nullable=False)]
IntPK = Annotated[int, mapped_column(Integer, primary_key=True, autoincrement=True)]
ShortText = Annotated[str, mapped_column(String(120), nullable=False)]
Code = Annotated[str, mapped_column(String(40), nullable=False)]
LongText = Annotated[str, mapped_column(Text, nullable=False, default="")]
Timestamp = Annotated[dt.datetime, mapped_column(DateTime(timezone=False), nullable=False)]


def fk(target: str, *, nullable: bool = False, index: bool = True):
    """A foreign-key column; indexed by default because every join and filter uses them."""
    return mapped_column(ForeignKey(target), nullable=nullable, index=index)
