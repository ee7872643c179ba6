"""Reading and changing the settings table."""
from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.orm import Session

from data import aggregates, method_summary, summaries
from data.audit import record
from data.errors import ValidationError, require_role
from data.models import Setting
from domain.scope import Actor
from domain.settings import SETTING_NAMES, Settings, from_mapping, parse_setting


def get(session: Session) -> Settings:
    """The settings in force: stored values over the defaults."""
    rows = session.execute(select(Setting.key, Setting.value)).all()
    return from_mapping({key: value for key, value in rows})


def _store(session: Session, name: str, value: object) -> None:
    text_value = value.isoformat() if hasattr(value, "isoformat") else str(value)
    row = session.get(Setting, name)
    if row is None:
        session.add(Setting(key=name, value=text_value))
    else:
        row.value = text_value


def seed(session: Session, settings: Settings) -> None:
    """Write every setting (used by the demo generator and tests; not audited, no user yet). The loan-level
    summaries that follow the cutoff or the evergreening window are rebuilt when either changes."""
    before = get(session)
    for name in SETTING_NAMES:
        _store(session, name, getattr(settings, name))
    if (before.segment_cutoff, before.evergreen_window_days) != (settings.segment_cutoff,
                                                                 settings.evergreen_window_days):
        session.flush()
        summaries.rebuild_loan_summaries(session, settings)
        method_summary.rebuild(session)


def update(session: Session, *, actor: Actor, changes: dict[str, str]) -> Settings:
    """Validate and store changed settings with one audit row; raises ValueError on bad input."""
    require_role(actor, "change_settings")
    unknown = set(changes) - set(SETTING_NAMES)
    if unknown:
        raise ValidationError(sorted(unknown)[0], "error.setting_unknown", name=sorted(unknown)[0])
    before = get(session)
    parsed = {}
    for name, raw in changes.items():
        try:
            parsed[name] = parse_setting(name, str(raw).strip())
        except ValueError:
            raise ValidationError(name, "error.setting_unreadable", name=name) from None
    after = dataclasses.replace(before, **parsed)
    try:
        after.validate()
    except ValueError as problem:
        field = str(problem).split(":")[0]
        raise ValidationError(field, f"error.setting.{field}") from None
    changed = {k: v for k, v in parsed.items() if getattr(before, k) != v}
    for name, value in changed.items():
        _store(session, name, value)
    if changed.keys() & {"segment_cutoff", "substandard_days", "doubtful_days", "loss_days"}:
        # every month's old/new split depends on the cutoff, its hidden-NPL watch list on the thresholds
        aggregates.rebuild_all(session, history=False)
    elif "evergreen_window_days" in changed:  # the evergreening pairs are found with the window
        summaries.rebuild_evergreen_pairs(session)
    if changed:
        record(session, actor=actor, action="settings.update", entity="setting", entity_id=",".join(sorted(changed)),
               before={k: getattr(before, k) for k in changed}, after=changed)
    return after
