"""Both language catalogs are complete, and every key the code asks for exists."""
from __future__ import annotations

import re
from pathlib import Path

from components.i18n import catalogs, translate

ROOT = Path(__file__).resolve().parent.parent


def test_catalogs_have_the_same_keys():
    en, es = catalogs()["en"], catalogs()["es"]
    assert set(en) - set(es) == set(), "missing in Spanish"
    assert set(es) - set(en) == set(), "missing in English"


def test_every_literal_key_used_in_code_exists():
    pattern = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")
    used = set()
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("components/*.py")]:
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    missing = used - set(catalogs()["en"])
    assert not missing, f"keys used but not in the catalogs: {sorted(missing)}"


def test_placeholders_match_between_languages():
    field = re.compile(r"{(\w+)")
    for key, english in catalogs()["en"].items():
        assert set(field.findall(english)) == set(field.findall(catalogs()["es"][key])), key


def test_translate_fills_values_and_falls_back_to_key():
    assert translate("table.showing", "es", shown=1, total=2).startswith("Se muestran 1 de 2")
    assert translate("no.such.key", "es") == "no.such.key"


def test_no_key_is_defined_in_two_area_catalogs():
    """Each area owns its keys; a key in two catalogs would silently depend on load order."""
    import importlib
    import pkgutil

    from components import locales

    owner: dict[str, str] = {}
    clashes = []
    for info in pkgutil.iter_modules(locales.__path__):
        for key in importlib.import_module(f"{locales.__name__}.{info.name}").EN:
            if key in owner:
                clashes.append((key, owner[key], info.name))
            owner[key] = info.name
    assert not clashes, clashes
