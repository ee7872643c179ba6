"""What almost every page needs before its filters: settings, months with data, visible cooperatives.

``months`` may be empty (a union that has not imported a loan tape yet): pages say so through
``components.empty_state`` after their filters, with the scope the viewer chose.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from components import store
from components.auth import Viewer
from data import portfolio, settings
from domain.settings import Settings


@dataclass(frozen=True)
class PageContext:
    settings: Settings
    months: list[dt.date]
    cooperatives: pd.DataFrame

    @property
    def symbol(self) -> str:
        return self.settings.currency_symbol


def load(viewer: Viewer) -> PageContext:
    """Load the shared context (nothing here stops the page: what is missing depends on the page)."""
    return PageContext(settings=store.read(settings.get), months=store.read(portfolio.list_months),
                       cooperatives=store.read(portfolio.list_cooperatives, scope=viewer.scope))
