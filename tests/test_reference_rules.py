"""The record rules shared by the admin forms and the importer, on hand-picked values."""
from __future__ import annotations

import pytest

from domain.reference_rules import code_problem, name_problem


@pytest.mark.parametrize("code, problem", [("C01", None), ("130102-001", None), ("E.0001/a", None), ("", "code_required"),
                                           ("  ", "code_required"), (None, "code_required"), ("-C1", "code_format"),
                                           ("C 1", "code_format"), ("C1;DROP", "code_format"), ("x" * 41, "code_format"),
                                           ("李", "code_format")])
def test_codes(code, problem):
    assert code_problem(code) == problem


@pytest.mark.parametrize("name, problem", [("李伟", None), ("José Muñoz", None), ("", "name_required"),
                                           (" ", "name_required"), ("x" * 121, "name_too_long"), ("a\x00b", "name_nul")])
def test_names(name, problem):
    assert name_problem(name) == problem
