"""The admin's loan-tape import: upload, check (dry run), import with a progress bar, template downloads.

The lead places ``import_section(viewer)`` on the admin page. All checking and writing is data.importer;
this module only collects the inputs, draws progress and shows the report with translated reasons.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components import store
from components.auth import Viewer
from components.format import money, share
from components.format import month as month_text
from components.forms import error_text
from components.i18n import t
from components.tables import to_csv, to_excel
from data import portfolio, settings
from data.errors import ValidationError
from data.templates.tape import TAPE, sample_frame
from data.importer import ENCODINGS, ImportResult, batches, import_tape, withdraw
from domain.months import month_range, previous_month

DECIMALS = {"auto": None, "point": ".", "comma": ","}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_frame(errors: pd.DataFrame) -> pd.DataFrame:
    """The error report with a translated message next to each reason code, headers translated."""
    shown = errors.assign(message=[t(reason) for reason in errors.reason])
    return shown.rename(columns=lambda c: t(f"import.col.{c}"))


def _month_choices(months: list[dt.date]) -> list[dt.date]:
    """The last two years with data and the month after the latest (the usual new tape), newest first."""
    latest = months[-1] if months else dt.date.today().replace(day=1)
    return list(reversed(month_range(previous_month(latest, 23), previous_month(latest, -1))))


def _show_shrink(result: ImportResult, symbol: str) -> None:
    shrink = result.shrink
    if shrink is None or not shrink.loans_missing:
        return
    text = t("import.shrink", missing=f"{shrink.loans_missing:,}", before=f"{shrink.loans_before:,}",
             month=month_text(shrink.reference_month), share=share(shrink.share_pct / 100),
             balance=money(shrink.balance_missing_cents, symbol), npl=money(shrink.npl_missing_cents, symbol))
    (st.warning if shrink.exceeds else st.info)(text)
    if result.needs_confirmation:
        st.error(t("import.shrink_refused", limit=share(shrink.limit_pct / 100)))


def _show_result(result: ImportResult, key: str, symbol: str) -> None:
    if result.ignored_columns:
        st.info(t("import.ignored", columns=", ".join(result.ignored_columns)))
    if result.encoding:
        st.caption(t("import.encoding_used", encoding=t(f"import.encoding.{result.encoding}")
                     if result.encoding in ENCODINGS else result.encoding))
    if not result.ok:
        st.error(t("import.errors", errors=f"{result.error_count:,}", rows=f"{result.rows:,}"))
        st.subheader(t("import.report"))
        report = report_frame(result.errors)
        st.dataframe(report.head(1000), hide_index=True, width="stretch")
        if result.error_count > min(len(report), 1000):
            st.caption(t("import.more_errors", count=f"{result.error_count - min(len(report), 1000):,}"))
        st.download_button(t("import.report_csv"), to_csv(report), "import-errors.csv", "text/csv",
                           key=f"{key}.report", on_click="ignore")
        return
    if result.name_change_count:
        st.warning(t("import.names_changed_written" if result.written else "import.names_changed",
                     count=f"{result.name_change_count:,}"))
        st.dataframe(result.name_changes.rename(columns=lambda c: t(f"import.col.{c}")), hide_index=True,
                     width="stretch")
    _show_shrink(result, symbol)
    if result.written:
        st.success(t("import.done", month=month_text(result.month), **{k: f"{v:,}" for k, v in result.counts.items()}))
    elif not result.needs_confirmation:
        st.success(t("import.valid", rows=f"{result.rows:,}", month=month_text(result.month)))


def _templates(viewer: Viewer, months: list[dt.date], key: str) -> None:
    with st.expander(t("import.template")):
        english, spanish, sample = st.columns(3)
        english.download_button(t("import.template_en"), to_excel(TAPE.frame()), "loan-tape-template.xlsx",
                                 XLSX, key=f"{key}.tpl_en", on_click="ignore")
        spanish.download_button(t("import.template_es"), to_excel(TAPE.frame(spanish=True)),
                                "plantilla-cinta-prestamos.xlsx", XLSX, key=f"{key}.tpl_es", on_click="ignore")
        if months:  # the sample is read only when its button is pressed (it sorts a whole month's rows)
            def sample_csv() -> bytes:
                frame = store.read(sample_frame, month=months[-1], scope=viewer.scope)
                return to_csv(frame)

            sample.download_button(t("import.sample", month=month_text(months[-1])), sample_csv,
                                   f"loan-tape-sample-{month_text(months[-1])}.csv", "text/csv",
                                   key=f"{key}.sample", on_click="ignore")


def _fingerprint(upload, month: dt.date | None, decimal: str, encoding: str) -> tuple | None:
    """What a shown result and a shrink confirmation belong to: the same file, month and reading options."""
    return None if upload is None else (upload.file_id, upload.name, upload.size, month, decimal, encoding)


def _run(viewer: Viewer, upload, *, write: bool, allow_shrink: bool, **options) -> ImportResult | str:
    """The import (or its dry run); a whole-file refusal comes back as the message to show."""
    arguments = dict(actor=viewer.actor, data=upload.getvalue(), filename=upload.name, **options)
    bar = st.progress(0.0, text=t("import.stage.validate"))
    arguments["progress"] = lambda fraction, stage: bar.progress(min(max(fraction, 0.0), 1.0), text=t(stage))
    try:
        if write:
            return store.write(import_tape, allow_shrink=allow_shrink, **arguments)
        with store.session() as session:
            return import_tape(session, dry_run=True, **arguments)
    except ValidationError as error:  # ImportFileError, ImportBusyError
        return f"{t(error.key, **error.params)} {t('common.nothing_written')}"
    except PermissionError:
        return f"{t('frame.forbidden')} {t('common.nothing_written')}"
    finally:
        bar.empty()


def import_section(viewer: Viewer, key: str = "import") -> None:
    """Upload a tape, check it, import it; shows the report of every bad row, or the counts written.

    The last result is kept in the session with the file it belongs to, so it stays on screen while the
    user reads it and ticks the confirmation a tape leaving out many loans needs before it is imported.
    """
    st.subheader(t("import.title"))
    st.caption(t("import.help"))
    months = store.read(portfolio.list_months)
    _templates(viewer, months, key)
    upload = st.file_uploader(t("import.file"), type=["csv", "txt", "xlsx", "xlsm"], key=f"{key}.file")
    left, middle, right = st.columns(3)
    choices = [None, *_month_choices(months)]
    month_names = {m: t("import.month_from_file") if m is None else month_text(m) for m in choices}
    chosen_month = left.selectbox(t("import.month"), choices, format_func=month_names.__getitem__,
                                  key=f"{key}.month", help=t("import.month_help"))
    decimal_names = {d: t(f"import.decimal.{d}") for d in DECIMALS}
    decimal = middle.selectbox(t("import.decimal"), list(DECIMALS), format_func=decimal_names.__getitem__,
                               key=f"{key}.decimal")
    encoding_names = {e: t(f"import.encoding.{e}") for e in ("auto", *ENCODINGS)}
    encoding = right.selectbox(t("import.encoding"), list(encoding_names), format_func=encoding_names.__getitem__,
                               key=f"{key}.encoding", help=t("import.encoding_help"))
    fingerprint = _fingerprint(upload, chosen_month, decimal, encoding)
    shown_for, shown = st.session_state.get(f"{key}.last", (None, None))
    if shown_for != fingerprint:
        shown = None
    allow_shrink = False
    if isinstance(shown, ImportResult) and shown.shrink is not None and shown.shrink.exceeds and not shown.written:
        allow_shrink = st.checkbox(t("import.shrink_confirm"), key=f"{key}.confirm_shrink")
    check_col, run_col = st.columns(2)
    check = check_col.button(t("import.validate"), key=f"{key}.check")
    run = run_col.button(t("import.run"), type="primary", key=f"{key}.run")
    if check or run:
        if upload is None:
            st.warning(t("import.need_file"))
            return
        outcome = _run(viewer, upload, write=run, allow_shrink=allow_shrink, month=chosen_month,
                       decimal=DECIMALS[decimal], encoding=None if encoding == "auto" else encoding)
        st.session_state[f"{key}.last"] = (fingerprint, outcome)
        st.session_state.pop(f"{key}.confirm_shrink", None)
        st.rerun()
    if isinstance(shown, str):
        st.error(shown)
    elif shown is not None:
        _show_result(shown, key, store.read(settings.get).currency_symbol)
    batches_section(viewer, key)


def _batch_label(row: pd.Series) -> str:
    month = month_text(row["month"]) if isinstance(row["month"], dt.date) else "—"
    return f"{row['id']} · {month} · {row['filename']} · {row['cooperatives']}"


def batches_section(viewer: Viewer, key: str) -> None:
    """The imports made, and withdrawing the newest one in force of some cooperatives (audited)."""
    st.subheader(t("import.batches"))
    st.caption(t("import.batches_help"))
    if done := st.session_state.pop(f"{key}.withdrawn", None):
        st.success(done)
    with store.session() as session:
        made = batches.list_(session, actor=viewer.actor)
    if made.empty:
        st.info(t("import.batches_none"))
        return
    shown = made.drop(columns=["can_withdraw"]).assign(
        month=[month_text(m) if isinstance(m, dt.date) else "—" for m in made["month"]],
        withdrawn_by=made["withdrawn_by"].fillna("—"))
    shown["withdrawn_at"] = made["withdrawn_at"].map(lambda v: "—" if pd.isna(v) else str(v)[:16])
    shown["imported_at"] = made["imported_at"].map(lambda v: str(v)[:16])
    st.dataframe(shown.rename(columns=lambda c: t(f"import.batch.{c}")), hide_index=True, width="stretch")
    candidates = made[made["can_withdraw"]]
    if candidates.empty:
        st.caption(t("import.withdraw_none"))
        return
    labels = {int(row["id"]): _batch_label(row) for _, row in candidates.iterrows()}
    with st.form(f"{key}.withdraw", clear_on_submit=False):
        chosen = st.selectbox(t("import.withdraw_choose"), list(labels), format_func=labels.__getitem__)
        reason = st.text_area(t("import.withdraw_reason"), max_chars=batches.MAX_REASON_CHARS)
        if st.form_submit_button(t("import.withdraw_submit")):
            try:
                counts = store.write(withdraw, actor=viewer.actor, batch_id=chosen, reason=reason)
            except ValidationError as error:
                st.error(f"{t('common.error', message=error_text(error))} {t('common.nothing_written')}")
                return
            except PermissionError:
                st.error(f"{t('frame.forbidden')} {t('common.nothing_written')}")
                return
            st.session_state[f"{key}.withdrawn"] = t("import.withdrawn", batch=chosen,
                                                     **{k: f"{v:,}" for k, v in counts.items()})
            st.rerun()
