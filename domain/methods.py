"""Collection methods named by the directive, and the sources of village-coordinated recoveries."""
from __future__ import annotations

from typing import Final

DIRECT: Final = "direct"
VILLAGE: Final = "village"
LEGAL: Final = "legal"
SUPPORT: Final = "support"
ASSET_DISPOSAL: Final = "asset_disposal"
RESTRUCTURING: Final = "restructuring"
OTHER: Final = "other"
METHODS: Final[tuple[str, ...]] = (DIRECT, VILLAGE, LEGAL, SUPPORT, ASSET_DISPOSAL, RESTRUCTURING, OTHER)

VILLAGE_SOURCES: Final[tuple[str, ...]] = ("village_funds", "subsidy", "collective_property")
ACTION_OUTCOMES: Final[tuple[str, ...]] = ("paid_full", "paid_partial", "promise", "no_result")

LEGAL_STAGES: Final[tuple[str, ...]] = ("filed", "judgment", "enforcement", "closed")
