"""Roles, what each may do, and which pages each sees.

The page list and every write check read this one table, so a role's powers are stated once.
"""
from __future__ import annotations

from typing import Final

DIRECTOR: Final = "director"
SUPERVISOR: Final = "supervisor"
OFFICER: Final = "officer"
AUDITOR: Final = "auditor"
ADMIN: Final = "admin"
ROLES: Final[tuple[str, ...]] = (DIRECTOR, SUPERVISOR, OFFICER, AUDITOR, ADMIN)

# page keys -> roles that may open them
PAGE_ROLES: Final[dict[str, frozenset[str]]] = {
    "today": frozenset(ROLES),  # first: the page every role opens on after signing in
    "overview": frozenset({DIRECTOR, SUPERVISOR, AUDITOR, ADMIN}),
    "officers": frozenset({DIRECTOR, SUPERVISOR, AUDITOR}),
    "my_record": frozenset({OFFICER}),
    "methods": frozenset({DIRECTOR, SUPERVISOR, AUDITOR}),
    "assets": frozenset({DIRECTOR, SUPERVISOR, AUDITOR}),
    "early_warning": frozenset({DIRECTOR, SUPERVISOR, AUDITOR}),
    "decisions": frozenset({DIRECTOR, SUPERVISOR, AUDITOR}),
    "audit": frozenset({DIRECTOR, AUDITOR, ADMIN}),
    "admin": frozenset({ADMIN}),
}

# actions -> roles allowed to perform them (the commands check these again)
ACTION_ROLES: Final[dict[str, frozenset[str]]] = {
    "manage_users": frozenset({ADMIN}),
    "change_settings": frozenset({ADMIN}),
    "import_data": frozenset({ADMIN}),
    "manage_reference": frozenset({ADMIN}),  # cooperatives, villages, officers (data/reference.py)
    "assign": frozenset({SUPERVISOR}),
    "record_action": frozenset({SUPERVISOR, OFFICER}),
    "record_review": frozenset({SUPERVISOR}),
    "propose_decision": frozenset({SUPERVISOR, DIRECTOR}),
    "approve_decision": frozenset({DIRECTOR}),
    "update_asset": frozenset({SUPERVISOR}),
}


def pages_for(role: str) -> list[str]:
    """Page keys a role may open, in menu order."""
    return [page for page, roles in PAGE_ROLES.items() if role in roles]


def can(role: str, action: str) -> bool:
    """True when the role may perform the action; unknown actions are refused."""
    return role in ACTION_ROLES.get(action, frozenset())
