"""Errors that commands raise for the page to show; nothing is written when they are raised."""
from __future__ import annotations


class ValidationError(ValueError):
    """Bad input, naming the form field it concerns and a translation key for the message.

    The page shows ``t(error.key, **error.params)`` next to ``error.field``; data/ stays free of UI text.
    """

    def __init__(self, field: str, key: str, **params: object) -> None:
        super().__init__(f"{field}: {key} {params}" if params else f"{field}: {key}")
        self.field = field
        self.key = key
        self.params = params


def require_role(actor, action: str) -> None:
    """Refuse a command the actor's role may not perform (checked again here, not only in the page)."""
    from domain.roles import can

    if actor is None or not can(actor.role, action):
        raise PermissionError(f"role {getattr(actor, 'role', None)} may not {action}")


class RowError(ValidationError):
    """A bad row of a batch command: which row (1-based), its label when the viewer may know it (a contract
    number in scope, never one outside it), the row's own error, and how many other rows were refused too."""

    def __init__(self, row: int, label: str | None, error: ValidationError, others: int = 0) -> None:
        super().__init__(error.field, error.key, **error.params)
        self.row, self.label, self.error, self.others = row, label, error, others
