"""The gettext catalogs are complete, consistent and compiled, and every key the code asks for exists."""
from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest

from components import i18n
from components.i18n import LANGUAGES, LOCALES, catalogs, translate, translate_plural
from components.i18n_catalogs import TEMPLATE, locales_on_disk, read_catalog, stale_mo_files
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
FIELD = re.compile(r"{(\w+)")


def _template_ids() -> set[str]:
    with TEMPLATE.open("rb") as handle:
        return {m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(handle) if m.id}


def _forms(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


@pytest.mark.parametrize("locale", sorted(LOCALES.values()))
def test_every_catalog_is_complete_and_nothing_is_fuzzy(locale):
    catalog = read_catalog(locale)
    messages = [m for m in catalog if m.id]
    ids = {m.id[0] if isinstance(m.id, tuple) else m.id for m in messages}
    assert ids == _template_ids(), "catalog and template differ: run scripts/locales_to_po.py or pybabel update"
    untranslated = [m.id for m in messages if not all(form.strip() for form in _forms(m))]
    assert not untranslated, f"untranslated in {locale}: {untranslated[:10]}"
    assert not [m.id for m in messages if m.fuzzy], f"fuzzy in {locale}"
    assert not catalog.fuzzy, f"{locale}: the catalog header is fuzzy"
    plural = [m for m in messages if isinstance(m.id, tuple)]
    assert all(len(m.string) == catalog.num_plurals for m in plural)


def test_every_language_has_a_catalog_and_the_switch_offers_it():
    assert set(locales_on_disk()) == set(LOCALES.values())
    assert set(LANGUAGES) == set(LOCALES) == {"en", "es", "zh"}


@pytest.mark.parametrize("locale", sorted(set(LOCALES.values()) - {"en"}))
def test_placeholders_are_the_same_in_every_language(locale):
    english = {m.id: _forms(m) for m in read_catalog("en") if m.id}
    for message in read_catalog(locale):
        if not message.id:
            continue
        wanted = {name for form in english[message.id] for name in FIELD.findall(form)}
        for form in _forms(message):
            assert set(FIELD.findall(form)) == wanted, (locale, message.id, form)


def test_the_compiled_catalogs_match_their_sources():
    assert stale_mo_files() == [], "run: python scripts/locales_to_po.py (or pybabel compile -d locales)"


def test_every_literal_key_used_in_code_exists():
    pattern = re.compile(r"""\b(?:t|tn|translate|translate_plural)\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")
    used = set()
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("components/*.py"), *ROOT.glob("data/*.py")]:
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert used, "the scan found no call at all"
    missing = used - set(catalogs()["en"])
    assert not missing, f"keys used but not in the catalogs: {sorted(missing)}"


def test_translate_fills_values_and_falls_back_to_english_then_the_key(monkeypatch):
    assert translate("table.showing", "es", shown=1, total=2).startswith("Se muestran 1 de 2")
    assert translate("no.such.key", "zh") == "no.such.key"
    real = i18n.translations

    def without_chinese(lang):
        return gettext.NullTranslations() if lang == "zh" else real(lang)

    monkeypatch.setattr(i18n, "translations", without_chinese)
    assert translate("login.title", "zh") == "Sign in"
    assert translate("table.showing", "zh", shown=1, total=2) == translate("table.showing", "en", shown=1, total=2)


@pytest.mark.parametrize(("lang", "count", "expected"), [
    ("en", 1, "1 row is valid. Nothing has been written yet."),
    ("en", 1200, "1,200 rows are valid. Nothing has been written yet."),
    ("es", 1, "1 fila es válida. Aún no se ha escrito nada."),
    ("es", 1200, "1.200 filas son válidas. Aún no se ha escrito nada."),
    ("es", 12000, "12.000 filas son válidas. Aún no se ha escrito nada."),
    ("zh", 1200, "1,200 行有效，尚未写入任何内容。"),
])
def test_plural_forms_follow_the_count(lang, count, expected):
    assert translate_plural("import.valid_records", count, lang) == expected


#: Streamlit calls whose first argument a user reads
DISPLAY_CALLS = {"title", "header", "subheader", "caption", "markdown", "write", "text", "info", "warning", "error",
                 "success", "button", "download_button", "form_submit_button", "selectbox", "multiselect", "radio",
                 "checkbox", "text_input", "number_input", "date_input", "text_area", "toggle", "metric", "tabs",
                 "expander", "file_uploader", "page_link", "link_button", "slider", "popover", "toast"}


def _literal_text(node: ast.AST) -> str | None:
    """The words of a string literal or of an f-string's literal parts; None when there is no letter."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
    else:
        return None
    if re.fullmatch(r"[a-z0-9_.]+", text):  # an id (a key, a page name), not words
        return None
    return text if re.search(r"[^\W\d_]{2,}", text) else None


def test_no_user_facing_literal_outside_the_catalogs():
    """A scan of pages/ and components/: a display call (st.title, st.caption, a button...) whose first argument
    is a literal with words would show the same text in every language."""
    found = []
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("components/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in DISPLAY_CALLS and node.args):
                first = node.args[0]
                items = first.elts if isinstance(first, (ast.List, ast.Tuple)) else [first]
                for item in items:
                    text = _literal_text(item)
                    if text is not None:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text!r}")
    assert not found, "\n".join(found)


def test_the_scan_catches_a_literal():
    tree = ast.parse('st.caption("Loans by month")\nst.caption(t("x.y"))\nst.metric(f"Total {n}", 1)')
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") in DISPLAY_CALLS]
    assert [_literal_text(c.args[0]) for c in calls] == ["Loans by month", None, "Total "]
    assert _literal_text(ast.parse('"assets"').body[0].value) is None


def test_babel_extraction_finds_only_messages_of_the_catalogs():
    """What ``pybabel extract -F babel.cfg`` collects (docs/translations.md) is exactly the template's messages:
    the code names no id the catalogs lack, and Babel's Python extractor reads every call site whole."""
    import sys

    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    sys.path.insert(0, str(ROOT))
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {"t": None, "tn": (1, 1), "translate": None, "translate_plural": (1, 1), "gettext": None,
                "ngettext": (1, 2)}
    found = {}
    for path, _line, message, _comments, _context in extract_from_dir(str(ROOT), method_map, options_map,
                                                                      keywords=keywords):
        found.setdefault(message[0] if isinstance(message, tuple) else message, set()).add(path)
    code_only = {msgid for msgid, paths in found.items() if not paths & {"locales/en/LC_MESSAGES/messages.po"}}
    assert code_only == set(), f"ids in the code but not in the English catalog: {sorted(code_only)}"
    assert set(found) == _template_ids()
    assert len([m for m, p in found.items() if p != {"locales/en/LC_MESSAGES/messages.po"}]) > 500


OPTION_WIDGETS = {"selectbox", "radio", "multiselect", "segmented_control", "pills", "select_slider"}


def test_every_option_widget_keeps_codes_and_labels_them_with_format_func():
    """Option values are language-independent codes and a ``format_func`` translates them: a value that is a
    translated label would stop matching its options after a language switch."""
    missing = []
    for path in [*(ROOT / "pages").glob("*.py"), *(ROOT / "components").glob("*.py"), ROOT / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr in OPTION_WIDGETS and not any(k.arg == "format_func" for k in node.keywords):
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert missing == []


def test_the_language_switch_writes_kept_choices_back_but_never_buttons_uploads_or_editors(monkeypatch):
    import datetime as dt

    from components import frame

    state = {"lang": "es", "assets.filter.type": "building", "history.kinds": ["warning", "fine"], "page.month":
             dt.date(2026, 10, 1), "months": 3, "form.submit": False, "overdue": True, "upload": None,
             "editor": {"edited_rows": {}}, "uploads": [object()]}
    written = []

    class State(dict):
        def __setitem__(self, key, value):
            written.append(key)
            super().__setitem__(key, value)

    monkeypatch.setattr(frame.st, "session_state", State(state))
    frame.relabel_kept_choices()
    assert written == ["assets.filter.type", "history.kinds", "page.month", "months"]
