"""The bridge between pages and data/: a cached engine, cached reads and cache clearing after writes.

Reads are cached per (function, arguments) with a TTL; the viewer's scope is one of the arguments, so
one user's cached result is never served to a viewer with another scope.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from data.db import database_url, is_default_demo_database, make_engine, session_factory, transaction, upgrade_schema
from data.demo import ensure_demo_database

T = TypeVar("T")
READ_TTL_SECONDS = 300


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    """The process-wide engine; the demo database is created and filled on first start."""
    url = database_url()
    eng = make_engine(url)
    if is_default_demo_database(url):
        ensure_demo_database(eng)
    else:
        upgrade_schema(eng)
    return eng


def demo_mode() -> bool:
    return is_default_demo_database(database_url())


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False, max_entries=2000)
def _cached_read(function_path: str, arguments: tuple[tuple[str, Any], ...]) -> Any:
    module_name, _, name = function_path.partition(":")
    function = getattr(importlib.import_module(module_name), name)
    with session_factory(engine())() as session:
        return function(session, **dict(arguments))


def read(function: Callable[..., T], **arguments: Any) -> T:
    """Call a data/ read function with a session, through the cache."""
    return _cached_read(f"{function.__module__}:{function.__qualname__}", tuple(sorted(arguments.items())))


def write(command: Callable[..., T], **arguments: Any) -> T:
    """Run a data/ command in one transaction, then drop cached reads so every page shows the change."""
    with transaction(engine()) as session:
        result = command(session, **arguments)
    invalidate_all()
    return result


def invalidate_all() -> None:
    """Drop every cached read: after a write (an import of several months runs its own transactions)."""
    st.cache_data.clear()


def bookkeep(command: Callable[..., T], **arguments: Any) -> T:
    """Run a data/ command in one transaction without touching the read cache.

    For records no page reads through the cache the moment they change: sign-ins, failed sign-ins and the
    server-side session rows. ``write`` empties every user's cached reads; doing that on each sign-in (or each
    minute a session is touched) would make every page of every user cold again. Their audit rows appear on
    the audit page when its cached read expires (READ_TTL_SECONDS).
    """
    with transaction(engine()) as session:
        return command(session, **arguments)


def session() -> Session:
    """A plain session for the few uncached reads (login)."""
    return session_factory(engine())()
