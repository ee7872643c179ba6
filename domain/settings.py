"""Management settings the figures depend on, with their defaults and validation."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

from domain.classes import CLASSES, Thresholds

#: the longest default deadline an admin may set (five years): beyond it a deadline no longer holds anyone to account
MAX_ASSIGNMENT_DAYS = 1825


@dataclass(frozen=True)
class Settings:
    """Values an admin can change; every figure that depends on one reads it from here."""

    segment_cutoff: dt.date = dt.date(2025, 1, 1)
    currency: str = "CNY"
    currency_symbol: str = "¥"
    substandard_days: int = 90
    doubtful_days: int = 270
    loss_days: int = 360
    real_estate_disposal_years: int = 2
    movable_disposal_years: int = 1
    npl_reduction_target_pct: float = 0.0  # planned fall of the NPL balance per year, in percent; 0 = none
    evergreen_window_days: int = 30
    max_upload_mb: int = 50
    import_max_shrink_pct: float = 10.0  # a tape leaving out more of the open loans needs confirming (demo: 4-5 % close a month)
    session_idle_minutes: int = 30  # a signed-in session unused this long ends (data/sessions.py)
    session_max_hours: int = 12  # a session ends this long after sign-in, however active
    default_assignment_days: int = 180  # a new assignment's proposed deadline: this many days after assigning
    # loan-loss provision rates by class, in percent of the balance (the usual five-tier rates; domain/provisions.py)
    provision_normal_pct: float = 1.0
    provision_special_mention_pct: float = 2.0
    provision_substandard_pct: float = 25.0
    provision_doubtful_pct: float = 50.0
    provision_loss_pct: float = 100.0
    today_due_soon_days: int = 7  # Today: a deadline within this many days is due now (supervisor, officer)
    today_due_later_days: int = 30  # Today: the officer's second, longer look ahead at their deadlines
    today_asset_days: int = 60  # Today: a foreclosed asset passing its legal limit within this many days
    today_idle_days: int = 30  # Today: an open assignment with no collection action logged for this many days
    today_recent_days: int = 7  # Today: audit events, revoked decisions and rejected proposals of this many days
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(self.substandard_days, self.doubtful_days, self.loss_days)

    def validate(self) -> None:
        """Raises ValueError with a message naming the bad setting."""
        if not 0 < self.substandard_days < self.doubtful_days < self.loss_days:
            raise ValueError("substandard_days: 0 < substandard < doubtful < loss")
        if not self.currency.strip() or len(self.currency) > 8:
            raise ValueError("currency: give a short code such as CNY")
        if not 1 <= len(self.currency_symbol.strip()) <= 4:
            raise ValueError("currency_symbol: 1 to 4 characters")
        if not 1 <= self.movable_disposal_years <= self.real_estate_disposal_years <= 10:
            raise ValueError("movable_disposal_years: 1 <= movable <= real estate <= 10 years")
        if not 0 <= self.npl_reduction_target_pct <= 100:
            raise ValueError("npl_reduction_target_pct: between 0 and 100")
        if not 1 <= self.evergreen_window_days <= 365:
            raise ValueError("evergreen_window_days: between 1 and 365")
        if not 1 <= self.max_upload_mb <= 500:
            raise ValueError("max_upload_mb: between 1 and 500")
        if not 0 <= self.import_max_shrink_pct <= 100:
            raise ValueError("import_max_shrink_pct: between 0 and 100")
        if not 1 <= self.session_idle_minutes <= 24 * 60:
            raise ValueError("session_idle_minutes: between 1 and 1440 minutes")
        if not 1 <= self.session_max_hours <= 24:  # the cookie itself lasts one day (components/auth.py)
            raise ValueError("session_max_hours: between 1 and 24 hours")
        if self.session_idle_minutes > self.session_max_hours * 60:
            raise ValueError("session_idle_minutes: not longer than the session lifetime")
        if not 1 <= self.default_assignment_days <= MAX_ASSIGNMENT_DAYS:
            raise ValueError(f"default_assignment_days: between 1 and {MAX_ASSIGNMENT_DAYS}")
        for name in PROVISION_SETTINGS.values():
            if not 0 <= getattr(self, name) <= 100:
                raise ValueError(f"{name}: between 0 and 100")
        for name in ("today_due_soon_days", "today_due_later_days", "today_asset_days", "today_idle_days",
                     "today_recent_days"):
            if not 1 <= getattr(self, name) <= 366:
                raise ValueError(f"{name}: between 1 and 366 days")
        if self.today_due_soon_days > self.today_due_later_days:
            raise ValueError("today_due_later_days: not shorter than today_due_soon_days")

    def provision_rates(self) -> dict[str, float]:
        """Provision rate per class as a fraction (0.25 for 25 %)."""
        return {cls: getattr(self, name) / 100 for cls, name in PROVISION_SETTINGS.items()}


#: the setting holding each class's provision rate
PROVISION_SETTINGS: dict[str, str] = {cls: f"provision_{cls}_pct" for cls in CLASSES}

SETTING_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Settings) if f.name != "extra")


def parse_setting(name: str, raw: str) -> object:
    """Turn a stored text value into the field's type; raises ValueError on nonsense."""
    default = getattr(Settings(), name)
    if isinstance(default, dt.date):
        return dt.date.fromisoformat(raw)
    if isinstance(default, bool):
        return raw.lower() in ("1", "true", "yes")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


def from_mapping(values: dict[str, str]) -> Settings:
    """Build Settings from stored text values; unknown keys are kept aside, not trusted."""
    known = {k: parse_setting(k, v) for k, v in values.items() if k in SETTING_NAMES}
    extra = {k: v for k, v in values.items() if k not in SETTING_NAMES}
    return Settings(**known, extra=extra)
