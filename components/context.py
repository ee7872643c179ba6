"""What almost every page needs before its filters: settings, months with data, visible cooperatives."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components import store
from components.auth import Viewer
from components.i18n import t
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
    """Load the shared context, stopping the page with a clear message when there is no data yet."""
    context = PageContext(settings=store.read(settings.get), months=store.read(portfolio.list_months),
                          cooperatives=store.read(portfolio.list_cooperatives, scope=viewer.scope))
    if not context.months:
        st.info(t("filter.no_data"))
        st.stop()
    return context
