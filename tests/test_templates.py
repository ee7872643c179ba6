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
@pytest.mark.parametrize("lang", ["en", "es"])
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
