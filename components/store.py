"""The bridge between pages and data/: a cached engine, cached reads, and writes.

Reads are cached per (function, arguments, versions of the tables the function reads); the viewer's scope is
one of the arguments, so one user's cached result is never served to a viewer with another scope. The
versions (data/versions.py) move forward when a transaction that wrote a table commits, whichever app server,
import command or script made it; a page run reads them once, with its first cached read, so a write made
anywhere is seen at the next run and empties nothing else (a sign-in leaves every chart's cache in place).
The TTL only bounds memory and covers writes made outside SQLAlchemy by hand.
"""
from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from streamlit.runtime.scriptrunner import get_script_run_ctx

from data import versions
from data.db import database_url, is_default_demo_database, make_engine, session_factory, transaction, upgrade_schema
from data.demo import ensure_demo_database

T = TypeVar("T")
READ_TTL_SECONDS = 300
#: session_state key of this run's table versions
_RUN_VERSIONS = "store.table_versions"
#: the tables each read function was seen to read (learned at its first call in this process; only grows)
_TABLES_READ: dict[str, frozenset[str]] = {}


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


def _run_read(function_path: str, arguments: tuple[tuple[str, Any], ...]) -> Any:
    """Call the read function, learning which tables it reads."""
    module_name, _, name = function_path.partition(":")
    function = getattr(importlib.import_module(module_name), name)
    with versions.recording_reads() as tables, session_factory(engine())() as session:
        result = function(session, **dict(arguments))
    _TABLES_READ[function_path] = _TABLES_READ.get(function_path, frozenset()) | tables
    return result


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False, max_entries=2000)
def _cached_read(function_path: str, arguments: tuple[tuple[str, Any], ...],
                 table_versions: tuple[tuple[str, int], ...]) -> Any:
    """``table_versions`` is only part of the key: when one of the tables read moves, older results are not
    served."""
    learned = getattr(_first_result, "value", _NOTHING)
    return learned if learned is not _NOTHING else _run_read(function_path, arguments)


#: the result of a function's first call in this process, handed to the cache under the key learned from it
_first_result = threading.local()
_NOTHING = object()


def table_versions() -> dict[str, int]:
    """The database's table versions as this page run sees them: asked once per run (outside a run, each time)."""
    ctx = get_script_run_ctx()
    run = ctx.cursors if ctx is not None else None  # a new dict at the start of every run (and fragment run)
    held = st.session_state.get(_RUN_VERSIONS) if run is not None else None
    if held is not None and held[0] is run:
        return held[1]
    with session_factory(engine())() as session:
        found = versions.current(session)
    if run is not None:
        st.session_state[_RUN_VERSIONS] = (run, found)
    return found


def _key_versions(function_path: str, seen: dict[str, int]) -> tuple[tuple[str, int], ...]:
    tables = _TABLES_READ[function_path]
    if versions.ANY_TABLE in tables:
        return tuple(sorted(seen.items()))
    return tuple((table, seen.get(table, 0)) for table in sorted(tables))


def read(function: Callable[..., T], **arguments: Any) -> T:
    """Call a data/ read function with a session, through the cache.

    The versions are taken before the function runs, so a write committed meanwhile can only make the result
    be read again, never be served stale. Which tables a function reads is learned at its first call in this
    process, whose result is then cached under them.
    """
    path = f"{function.__module__}:{function.__qualname__}"
    key = tuple(sorted(arguments.items()))
    seen = table_versions()
    if path in _TABLES_READ:
        return _cached_read(path, key, _key_versions(path, seen))
    _first_result.value = _run_read(path, key)
    try:
        return _cached_read(path, key, _key_versions(path, seen))
    finally:
        _first_result.value = _NOTHING


def write(command: Callable[..., T], **arguments: Any) -> T:
    """Run a data/ command in one transaction; its commit moves the versions of the tables it wrote, so
    cached reads of those tables are read again (on every server) and every other cached read stays."""
    with transaction(engine()) as session:
        result = command(session, **arguments)
    written_elsewhere()
    return result


def written_elsewhere() -> None:
    """The rest of this run must see what was just committed (by ``write``, or by an import of several months
    that runs its own transactions): ask the table versions again at the next read."""
    st.session_state.pop(_RUN_VERSIONS, None)


def bookkeep(command: Callable[..., T], **arguments: Any) -> T:
    """Run a data/ command in one transaction without touching the read cache.

    For records no page reads through the cache the moment they change: sign-ins, failed sign-ins and the
    server-side session rows, written on many runs. Their commit moves only their own tables' versions (users,
    sessions, audit), which other runs see; this run keeps the versions it read, so it asks no more queries.
    """
    with transaction(engine()) as session:
        return command(session, **arguments)


def session() -> Session:
    """A plain session for the few uncached reads (login)."""
    return session_factory(engine())()
