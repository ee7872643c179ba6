"""Merge the Python dict catalogs left in components/locales/*.py into the gettext catalogs, then compile them.

Usage (from the repository root):

    python scripts/locales_to_po.py            # merge every components/locales/<area>.py, write .pot/.po/.mo
    python scripts/locales_to_po.py --delete   # the same, then delete the merged modules
    python scripts/locales_to_po.py --check    # exit 1 if a .mo is missing or older than its .po

Why it exists: the catalogs used to be Python dicts (``EN``, ``ES`` and, in newer modules, ``ZH``, one module per
area). They now live in ``locales/<locale>/LC_MESSAGES/messages.po`` (symbolic message ids such as
``import.done``; the English text is in ``en``), the standard form translators' tools open. Work done on a branch
while the conversion happened still arrives as dict modules; this script folds them in. A value may be a string
or, for a message that shows a count, a tuple of plural forms (English and Spanish: one, other; Chinese: one
form). A module's text wins over the catalog's for the same id, so running it twice changes nothing.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from components import i18n_catalogs  # noqa: E402
from components.i18n_catalogs import MODULE_ATTRIBUTES, compile_all, load_po, save_catalogs, stale_mo_files  # noqa: E402

MODULE_DIR = ROOT / "components" / "locales"


def dict_modules(folder: Path | None = None) -> list[Path]:
    """Every area module still holding dict catalogs (``__init__.py`` excluded)."""
    return sorted(path for path in (folder or MODULE_DIR).glob("*.py") if path.name != "__init__.py")


def read_module(path: Path) -> dict[str, dict[str, object]]:
    """{locale: {message id: text or plural tuple}} of one dict module; a module without ZH gives no Chinese."""
    spec = importlib.util.spec_from_file_location(f"_locale_{path.stem}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found = {}
    for attribute, locale in MODULE_ATTRIBUTES.items():
        table = getattr(module, attribute, None)
        if isinstance(table, dict):
            found[locale] = dict(table)
    if "en" not in found:
        raise SystemExit(f"{path}: no EN dict, nothing to merge")
    return found


def merge(paths: list[Path]) -> dict[str, int]:
    """Fold the modules into the .po catalogs; returns the number of messages merged per locale."""
    catalogs = {locale: load_po(locale) for locale in MODULE_ATTRIBUTES.values()}
    merged = {locale: 0 for locale in catalogs}
    for path in paths:
        for locale, table in read_module(path).items():
            for msgid, text in table.items():
                catalogs[locale][msgid] = text
                merged[locale] += 1
    save_catalogs(catalogs)
    return merged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delete", action="store_true", help="delete the dict modules once merged")
    parser.add_argument("--check", action="store_true", help="only check that every .mo is compiled")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_mo_files()
        for path in stale:
            print(f"not compiled or out of date: {path.relative_to(ROOT)}")
        return 1 if stale else 0
    paths = dict_modules()
    counts = merge(paths)
    compiled = compile_all()
    print(f"merged {len(paths)} module(s): " + ", ".join(f"{n} {loc}" for loc, n in counts.items()))
    print("compiled " + ", ".join(str(path.relative_to(ROOT)) for path in compiled))
    if args.delete:
        for path in paths:
            path.unlink()
            print(f"deleted {path.relative_to(ROOT)}")
    print(f"catalogs in {i18n_catalogs.LOCALE_DIR.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
