"""One colour per loan class and per collection method, used by every chart."""
from __future__ import annotations

CLASS_COLORS = {
    "normal": "#2e7d32",
    "special_mention": "#f9a825",
    "substandard": "#ef6c00",
    "doubtful": "#c62828",
    "loss": "#6d0f0f",
    "new": "#90a4ae",
    "closed": "#546e7a",
}
METHOD_COLORS = {
    "direct": "#1f77b4",
    "village": "#2ca02c",
    "legal": "#8c564b",
    "support": "#17becf",
    "asset_disposal": "#9467bd",
    "restructuring": "#ff7f0e",
    "other": "#7f7f7f",
}
SEGMENT_COLORS = {"old": "#5d4037", "new": "#e53935"}
TARGET_COLOR = "#1565c0"
