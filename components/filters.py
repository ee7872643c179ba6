"""The sidebar filter bar: cooperative (within scope), period and segment, mirrored in the URL."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components.auth import Viewer
from components.format import month as fmt_month
from components.i18n import DEFAULT_LANGUAGE, LANGUAGES, current_language, t
from domain.scope import Scope
from domain.segments import SEGMENTS

ALL = "all"


@dataclass(frozen=True)
class Filters:
    """What the viewer chose; ``scope`` is already narrowed to the chosen cooperative."""

    scope: Scope
    cooperative_id: int | None
    cooperative_name: str | None
    first: dt.date
    last: dt.date
    segment: str | None


def _from_url(name: str, options: list, parse) -> object | None:
    raw = st.query_params.get(name)
    if raw is None:
        return None
    try:
        value = parse(raw)
    except (TypeError, ValueError):
        return None
    return value if value in options else None


def widget_key(key: str) -> str:
    """The session key of a filter in the session's language. The browser keeps a select box's choice as the text
    it showed ("All cooperatives"), which Streamlit does not reliably resend when only the labels change; a key per
    language makes a fresh box after a language switch, seeded from the URL like on a first visit."""
    lang = current_language()
    return key if lang == DEFAULT_LANGUAGE else f"{key}.{lang}"


def _forget_other_languages(key: str) -> None:
    """Drop the filter's state kept under another language, so coming back to it reads the URL again."""
    for lang in LANGUAGES:
        other = key if lang == DEFAULT_LANGUAGE else f"{key}.{lang}"
        if other != widget_key(key):
            st.session_state.pop(other, None)


def _widget(kind, label: str, options: list, *, key: str, url_name: str, parse, default, **kwargs):
    """A sidebar selectbox whose first value comes from the URL, and whose value is written back to it."""
    _forget_other_languages(key)
    key = widget_key(key)
    if key not in st.session_state:
        from_url = _from_url(url_name, options, parse)
        st.session_state[key] = from_url if from_url is not None else default
    value = kind(label, options, key=key, **kwargs)
    st.query_params[url_name] = str(value)
    return value


def show(viewer: Viewer, *, months: list[dt.date], cooperatives: pd.DataFrame, key: str,
         period: bool = True, segment: bool = True) -> Filters:
    """Render the filters for a page and return the choice; ``key`` keeps pages' widgets apart."""
    names = dict(zip(cooperatives.id, cooperatives.name))
    if viewer.scope.cooperative_ids is None:
        coop_options: list = [ALL, *names]
    else:
        coop_options = [c for c in names if c in viewer.scope.cooperative_ids]
    coop = _widget(st.sidebar.selectbox, t("filter.cooperative"), coop_options, key=f"{key}.coop", url_name="coop",
                   parse=lambda raw: raw if raw == ALL else int(raw), default=coop_options[0],
                   format_func=lambda c: t("filter.all_cooperatives") if c == ALL else names[c])
    cooperative_id = None if coop == ALL else int(coop)
    first, last = (months[0], months[-1]) if months else (dt.date.today(), dt.date.today())
    if period and months:
        st.sidebar.markdown(f"**{t('filter.period')}**")
        first = _widget(st.sidebar.selectbox, t("filter.from"), months, key=f"{key}.from", url_name="from",
                        parse=lambda raw: dt.date.fromisoformat(raw + "-01"), default=months[0],
                        format_func=fmt_month)
        later = [m for m in months if m >= first]
        if st.session_state.get(widget_key(f"{key}.to")) not in later:
            st.session_state.pop(widget_key(f"{key}.to"), None)
        last = _widget(st.sidebar.selectbox, t("filter.to"), later, key=f"{key}.to", url_name="to",
                       parse=lambda raw: dt.date.fromisoformat(raw + "-01"), default=later[-1],
                       format_func=fmt_month)
        st.query_params["from"], st.query_params["to"] = fmt_month(first), fmt_month(last)
    chosen_segment = None
    if segment:
        options = [ALL, *SEGMENTS]
        chosen = _widget(st.sidebar.radio, t("filter.segment"), options, key=f"{key}.segment", url_name="segment",
                         parse=str, default=ALL, format_func=lambda s: t(f"segment.{s}"))
        chosen_segment = None if chosen == ALL else chosen
    st.sidebar.caption(t("filter.share_hint"))
    return Filters(scope=viewer.scope.narrowed(cooperative_id), cooperative_id=cooperative_id,
                   cooperative_name=names.get(cooperative_id), first=first, last=last, segment=chosen_segment)
