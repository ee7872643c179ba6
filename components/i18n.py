"""The one translation function. Catalogs live in components/locales/<area>.py as EN and ES dicts.

Missing keys fall back to English and then to the key itself, so a gap is visible, never a crash;
tests/test_i18n.py keeps both catalogs complete.
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import cache

import streamlit as st

from components import locales

LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"


@cache
def catalogs() -> dict[str, dict[str, str]]:
    """All area catalogs merged per language."""
    merged: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    for module_info in pkgutil.iter_modules(locales.__path__):
        module = importlib.import_module(f"{locales.__name__}.{module_info.name}")
        for lang in LANGUAGES:
            merged[lang].update(getattr(module, lang.upper()))
    return merged


def current_language() -> str:
    lang = st.session_state.get("lang", DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def translate(key: str, lang: str, **values: object) -> str:
    """The text for a key in a language, with {placeholders} filled."""
    table = catalogs()
    text = table.get(lang, {}).get(key) or table[DEFAULT_LANGUAGE].get(key) or key
    return text.format(**values) if values else text


def t(key: str, **values: object) -> str:
    """Translate into the session's language."""
    return translate(key, current_language(), **values)


def label(vocabulary: str, value: str | None) -> str:
    """The display name of a stored code, e.g. label('class', 'special_mention')."""
    if value is None:
        return "—"
    return t(f"{vocabulary}.{value}")
