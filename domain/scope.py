"""Who is looking: the cooperatives a viewer may see, and the acting user of a write."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    """The rows a viewer may read.

    ``cooperative_ids`` None means the whole union; ``officer_id`` set means an officer who sees only
    what is theirs. Every read function applies both in SQL.
    """

    cooperative_ids: frozenset[int] | None = None
    officer_id: int | None = None

    @classmethod
    def union(cls) -> "Scope":
        return cls()

    @classmethod
    def cooperative(cls, cooperative_id: int) -> "Scope":
        return cls(cooperative_ids=frozenset({cooperative_id}))

    def narrowed(self, cooperative_id: int | None) -> "Scope":
        """The scope limited to one cooperative chosen in a filter; never wider than self."""
        if cooperative_id is None:
            return self
        if self.cooperative_ids is not None and cooperative_id not in self.cooperative_ids:
            return Scope(cooperative_ids=frozenset(), officer_id=self.officer_id)
        return Scope(cooperative_ids=frozenset({cooperative_id}), officer_id=self.officer_id)

    def allows(self, cooperative_id: int) -> bool:
        return self.cooperative_ids is None or cooperative_id in self.cooperative_ids


@dataclass(frozen=True)
class Actor:
    """The signed-in user performing a write; commands check role and scope against it."""

    user_id: int
    username: str
    role: str
    scope: Scope
