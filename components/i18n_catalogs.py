"""The gettext catalogs on disk: reading, writing and compiling ``locales/<locale>/LC_MESSAGES/messages.po``.

Why a module of its own, free of Streamlit: the app (components/i18n.py), the merge script
(scripts/locales_to_po.py), the Babel extractor and the tests all need the same paths and the same rules.

The catalogs use symbolic message ids (``import.done``): call sites stay ``t("import.done", ...)``, ids never
change when a sentence is reworded, and the English text lives in ``locales/en`` like any other language.
Translators' tools show the English beside each id because every message of the template carries it as an
extracted comment (``#. English: ...``). Messages that show a count have plural forms (``msgid_plural`` is the id
again); placeholders are Python ``{name}`` fields (flag ``python-brace-format``).
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locales"
DOMAIN = "messages"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
SOURCE_LOCALE = "en"
#: session language code -> its name in that language (the switch shows these)
LANGUAGES = {"en": "English", "es": "Español", "zh": "简体中文"}
#: session language code -> the catalog's locale (and Babel's, for numbers and dates)
LOCALES = {"en": "en", "es": "es", "zh": "zh_CN"}
#: the attribute of a dict module (scripts/locales_to_po.py) -> the catalog's locale
MODULE_ATTRIBUTES = {"EN": "en", "ES": "es", "ZH": "zh_CN"}
PROJECT = "NPL Oversight"
#: msgid -> text, or a tuple of plural forms (as many as the locale has)
Messages = dict[str, "str | tuple[str, ...]"]


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(locale: str) -> Path:
    return po_path(locale).with_suffix(".mo")


def locales_on_disk() -> list[str]:
    """Every locale with a catalog, English first."""
    found = sorted(path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return sorted(found, key=lambda locale: locale != SOURCE_LOCALE)


def read_catalog(locale: str) -> Catalog:
    with po_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def load_po(locale: str) -> Messages:
    """{msgid: text or plural forms} of one locale's .po (empty when the catalog does not exist yet)."""
    if not po_path(locale).exists():
        return {}
    messages: Messages = {}
    for message in read_catalog(locale):
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        messages[msgid] = tuple(message.string) if isinstance(message.string, (list, tuple)) else message.string
    return messages


def _plural_forms(text: str | tuple[str, ...], count: int) -> tuple[str, ...]:
    """Spread the forms a dict module gave over the locale's number of plural forms (the last one repeats)."""
    forms = (text,) if isinstance(text, str) else tuple(text)
    if len(forms) >= count:
        return forms[:count] if count > 1 or len(forms) == 1 else (forms[-1],)
    return forms + (forms[-1],) * (count - len(forms))


def _new_catalog(locale: str | None) -> Catalog:
    return Catalog(locale=locale, domain=DOMAIN, project=PROJECT, version="1",
                   copyright_holder="the NPL Oversight authors", msgid_bugs_address="",
                   creation_date=dt.datetime(2026, 11, 30), revision_date=dt.datetime(2026, 11, 30),
                   last_translator="NPL Oversight <npl@localhost>", language_team=f"{locale} <npl@localhost>",
                   fuzzy=False)


def _english(text: str | tuple[str, ...]) -> str:
    return text if isinstance(text, str) else " | ".join(text)


def build_catalog(locale: str | None, messages: Messages, english: Messages) -> Catalog:
    """A Babel catalog of ``messages`` in English's order; ``None`` as locale gives the template (.pot)."""
    catalog = _new_catalog(locale)
    for msgid in sorted(english):
        source = english[msgid]
        plural = not isinstance(source, str)
        comments = [f"English: {_english(source)}"] if locale != SOURCE_LOCALE else []
        flags = ["python-brace-format"] if "{" in _english(source) else []
        if locale is None:
            string: object = ("", "") if plural else ""
        elif msgid in messages:
            text = messages[msgid]
            string = _plural_forms(text, catalog.num_plurals) if plural else _english(text)
        else:
            string = ("",) * catalog.num_plurals if plural else ""
        catalog.add((msgid, msgid) if plural else msgid, string, auto_comments=comments, flags=flags)
    return catalog


def write_catalog(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False, sort_output=False, include_previous=False)


def save_catalogs(catalogs: dict[str, Messages]) -> None:
    """Write the template and every locale's .po; English decides which messages exist."""
    english = catalogs[SOURCE_LOCALE]
    write_catalog(TEMPLATE, build_catalog(None, {}, english))
    for locale, messages in catalogs.items():
        write_catalog(po_path(locale), build_catalog(locale, messages, english))


def compiled(locale: str) -> bytes:
    """The .mo bytes of a locale's .po (untranslated and fuzzy messages left out, as msgfmt does)."""
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(locale), use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> list[Path]:
    written = []
    for locale in locales_on_disk():
        mo_path(locale).write_bytes(compiled(locale))
        written.append(mo_path(locale))
    return written


def stale_mo_files() -> list[Path]:
    """The .mo files that are missing or do not hold what their .po says."""
    return [mo_path(locale) for locale in locales_on_disk()
            if not mo_path(locale).exists() or mo_path(locale).read_bytes() != compiled(locale)]
