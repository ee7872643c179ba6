"""What a cooperative, village or officer record must look like, wherever it comes from.

Why one place: the admin page's forms and the importer (a file of cooperatives, villages or officers) create
the same records; the same typed code must be accepted or refused the same way by both, with the same reason.
Each check returns the suffix of an ``error.reference.*`` translation key, or None when the value is fine.
"""
from __future__ import annotations

import re
from typing import Final

from domain.inputs import has_nul

#: codes of the source systems: letters, digits and - _ . / , starting with a letter or digit (C01, 130102-001)
CODE_PATTERN: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,39}$")
MAX_NAME_CHARS: Final = 120


def code_problem(code: str | None) -> str | None:
    """'code_required', 'code_format' or None."""
    if code is None or not code.strip():
        return "code_required"
    return None if CODE_PATTERN.match(code.strip()) else "code_format"


def name_problem(name: str | None) -> str | None:
    """'name_required', 'name_too_long', 'name_nul' or None (names may hold any script: 李伟, Muñoz)."""
    if name is None or not name.strip():
        return "name_required"
    if len(name.strip()) > MAX_NAME_CHARS:
        return "name_too_long"
    return "name_nul" if has_nul(name) else None
