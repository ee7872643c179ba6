"""The translation functions. Catalogs are gettext files: ``locales/<locale>/LC_MESSAGES/messages.po`` (+ ``.mo``).

Message ids are symbolic (``import.done``) and the English text lives in ``locales/en``; see
components/i18n_catalogs.py and docs/translations.md. A message missing from a language falls back to English and
then to the id itself, so a gap is visible, never a crash; tests/test_i18n.py keeps every catalog complete.
"""
from __future__ import annotations

import gettext
import io
from functools import cache

import streamlit as st

from components.i18n_catalogs import LANGUAGES, LOCALES, compiled, mo_path, po_path

DEFAULT_LANGUAGE = "en"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of a language; compiled in memory from the .po when no .mo was built."""
    locale = LOCALES.get(lang, lang)
    try:
        with mo_path(locale).open("rb") as handle:
            return gettext.GNUTranslations(handle)
    except OSError:
        if po_path(locale).exists():
            return gettext.GNUTranslations(io.BytesIO(compiled(locale)))
    return gettext.NullTranslations()


def current_language() -> str:
    """The session's language; English outside a Streamlit session (scripts, tests of pure builders)."""
    try:
        lang = st.session_state.get("lang", DEFAULT_LANGUAGE)
    except Exception:  # no script run context: not inside the app
        return DEFAULT_LANGUAGE
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def _lookup(key: str, lang: str, count: int | None) -> str:
    for candidate in dict.fromkeys((lang, DEFAULT_LANGUAGE)):
        catalog = translations(candidate)
        text = catalog.gettext(key) if count is None else catalog.ngettext(key, key, count)
        if text != key:
            return text
    return key


def translate(key: str, lang: str, **values: object) -> str:
    """The text for a key in a language, with {placeholders} filled."""
    text = _lookup(key, lang, None)
    return text.format(**values) if values else text


def translate_plural(key: str, count: int, lang: str, **values: object) -> str:
    """The plural form for ``count`` of a message that shows a count ({count} is filled in too)."""
    from components.format import number  # late: format asks this module for the session's language

    return _lookup(key, lang, int(count)).format(**{"count": number(count, lang=lang), **values})


def t(key: str, **values: object) -> str:
    """Translate into the session's language."""
    return translate(key, current_language(), **values)


def tn(key: str, count: int, **values: object) -> str:
    """Translate a message that shows a count (ngettext): 'Imported 1 row' / 'Imported 2 rows' / '导入 2 行'."""
    return translate_plural(key, count, current_language(), **values)


def label(vocabulary: str, value: str | None) -> str:
    """The display name of a stored code, e.g. label('class', 'special_mention')."""
    if value is None:
        return "—"
    return t(f"{vocabulary}.{value}")


@cache
def catalogs() -> dict[str, dict[str, str]]:
    """Every message per language as {id: text} (a plural message gives its last form): for checks and tests."""
    from components.i18n_catalogs import load_po

    return {lang: {key: text if isinstance(text, str) else text[-1] for key, text in load_po(locale).items()}
            for lang, locale in LOCALES.items()}
