"""scripts/locales_to_po.py folds a branch's dict catalogs (EN, ES, ZH) into the gettext catalogs and compiles them."""
from __future__ import annotations

import gettext
import shutil

from components import i18n_catalogs
from components.i18n_catalogs import load_po, mo_path, stale_mo_files
from scripts import locales_to_po

MODULE = '''
EN = {"today.title": "Today", "today.loans_due": ("{count} loan is due", "{count} loans are due")}
ES = {"today.title": "Hoy", "today.loans_due": ("Vence {count} préstamo", "Vencen {count} préstamos")}
ZH = {"today.title": "今日", "today.loans_due": "{count} 笔贷款到期"}
'''


def test_a_dict_module_is_merged_compiled_and_deleted(tmp_path, monkeypatch, capsys):
    locales = tmp_path / "locales"
    shutil.copytree(i18n_catalogs.LOCALE_DIR, locales)
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "__init__.py").write_text("")
    (modules / "today.py").write_text(MODULE, encoding="utf-8")
    monkeypatch.setattr(i18n_catalogs, "LOCALE_DIR", locales)
    monkeypatch.setattr(i18n_catalogs, "TEMPLATE", locales / "messages.pot")
    monkeypatch.setattr(locales_to_po, "MODULE_DIR", modules)
    monkeypatch.setattr(locales_to_po, "ROOT", tmp_path)
    before = len(load_po("en"))

    assert locales_to_po.main(["--delete"]) == 0

    assert not (modules / "today.py").exists() and (modules / "__init__.py").exists()
    assert len(load_po("en")) == before + 2
    assert load_po("zh_CN")["today.title"] == "今日"
    assert load_po("es")["today.loans_due"] == ("Vence {count} préstamo", "Vencen {count} préstamos",
                                                "Vencen {count} préstamos")  # Spanish has three forms
    assert stale_mo_files() == []
    with mo_path("es").open("rb") as handle:
        spanish = gettext.GNUTranslations(handle)
    assert spanish.ngettext("today.loans_due", "today.loans_due", 1) == "Vence {count} préstamo"
    assert spanish.ngettext("today.loans_due", "today.loans_due", 5) == "Vencen {count} préstamos"
    with mo_path("zh_CN").open("rb") as handle:
        assert gettext.GNUTranslations(handle).gettext("login.title") == "登录"  # existing messages kept
    assert "merged 1 module(s)" in capsys.readouterr().out
    assert locales_to_po.main(["--check"]) == 0
