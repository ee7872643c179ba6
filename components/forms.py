"""Shared form behaviour: run a command, show its validation error in words, confirm success."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from components import store
from components.format import plain_params
from components.i18n import t, tn
from data.errors import RowError, ValidationError

T = TypeVar("T")


def error_text(error: ValidationError) -> str:
    """The error in words; a bad row of a batch says which row (and how many others) first. Parameters may hold
    typed text, shown inside st.error's markdown escaped."""
    text = t(error.key, **plain_params(error.params))
    if isinstance(error, RowError):
        where = (t("common.row_label", row=error.row, **plain_params({"label": error.label})) if error.label
                 else t("common.row", row=error.row))
        text = f"{where}: {text}"
        if error.others:
            text = f"{text} {tn('common.rows_also_refused', error.others)}"
    return text


def submit(command: Callable[..., T], *, success: str | None = None, **arguments: Any) -> T | None:
    """Run a write command; on bad input show the reason and that nothing was written, return None.

    Forms are built with clear_on_submit=False, so what the user typed stays in the fields.
    """
    try:
        result = store.write(command, **arguments)
    except ValidationError as error:
        st.error(f"{t('common.error', message=error_text(error))} {t('common.nothing_written')}")
        return None
    except PermissionError:
        st.error(f"{t('frame.forbidden')} {t('common.nothing_written')}")
        return None
    st.success(success or t("common.saved"))
    return result
