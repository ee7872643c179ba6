"""The import templates agree with the rest of the product: every coded word the pages show (in English and
Spanish) is accepted by the importer for its code, every code of the domain is accepted, and every kind's
headers are unambiguous."""
from __future__ import annotations

import pytest

from components.i18n import translate
from data.templates import VOCABULARIES, normalize_header, templates
from domain.assets import ASSET_TYPES, DISPOSAL_METHODS, STATUSES
from domain.assignments import OUTCOMES
from domain.classes import CLASSES
from domain.methods import ACTION_OUTCOMES, LEGAL_STAGES, METHODS, VILLAGE_SOURCES

#: vocabulary -> (the domain's codes, the prefix of their labels in the catalogs)
SOURCES = {"loan_class": (CLASSES, "class"), "method": (METHODS, "method"),
           "action_outcome": (ACTION_OUTCOMES, "action_outcome"), "village_source": (VILLAGE_SOURCES, "village_source"),
           "assignment_outcome": (OUTCOMES, "outcome"), "legal_stage": (LEGAL_STAGES, "legal_stage"),
           "asset_type": (ASSET_TYPES, "asset_type"), "asset_status": (STATUSES, "asset_status"),
           "disposal_method": (DISPOSAL_METHODS, "disposal_method")}


@pytest.mark.parametrize("vocabulary", list(SOURCES))
@pytest.mark.parametrize("lang", ["en", "es", "zh"])
def test_every_label_the_pages_show_is_accepted_for_its_code(vocabulary, lang):
    codes, prefix = SOURCES[vocabulary]
    table = VOCABULARIES[vocabulary]
    assert set(table.values()) == set(codes)
    for code in codes:
        assert table[normalize_header(code)] == code
        assert table[normalize_header(translate(f"{prefix}.{code}", lang))] == code, (lang, code)


def test_every_kind_has_unambiguous_headers_and_a_spanish_name_for_each_column():
    for kind, template in templates().items():
        assert template.header_aliases  # builds the table; raises on an alias used twice
        assert all(c.spanish and c.name for c in template.columns), kind
        assert len({c.name for c in template.columns}) == len(template.columns), kind


def test_chinese_headers_find_their_columns_in_every_template():
    for kind, template in templates().items():
        chinese = template.frame(lang="zh").columns.tolist()
        assert [template.canonical(h) for h in chinese] == [c.name for c in template.columns], kind
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in h) for h in chinese), kind
    tape = templates()["tape"]
    assert (tape.canonical("贷款合同号"), tape.canonical(" 年利率（%） "), tape.canonical("五级分类")) == (
        "contract_no", "annual_rate_pct", "loan_class")
    assert normalize_header("Nº de Contrato") == "no_de_contrato" and normalize_header("逾期 天数") == "逾期_天数"
    assert VOCABULARIES["yes_no"][normalize_header("是")] == "yes" and VOCABULARIES["yes_no"]["否"] == "no"
