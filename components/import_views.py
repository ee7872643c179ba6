"""The admin's Import tab: choose the kind of record, upload, check (dry run), import, template downloads.

All checking and writing is data.importer; this module only collects the inputs, draws progress and shows the
report with translated reasons. Loan tapes may come as several files or one file of several months: they are
imported month by month, oldest first (data.importer.history), each month shown with its own result.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components.format import money, number, plain, plain_params, share
from components.format import month as month_text
from components import store
from components.auth import Viewer
from components.import_batches import batches_section
from components.i18n import t, tn
from components import tables
from components.tables import to_csv, to_excel
from data import portfolio, settings
from data.errors import ValidationError
from data.importer import ENCODINGS, ImportResult, import_tape, refusals
from data.importer.history import MonthFile, import_history, plan
from data.importer.records import import_records
from data.templates import KINDS, templates
from data.templates.tape import sample_frame
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
    text = t("import.shrink", missing=number(shrink.loans_missing), before=number(shrink.loans_before),
             month=month_text(shrink.reference_month), share=share(shrink.share_pct / 100),
             balance=money(shrink.balance_missing_cents, symbol), npl=money(shrink.npl_missing_cents, symbol))
    (st.warning if shrink.exceeds else st.info)(text)
    if result.needs_confirmation:
        st.error(t("import.shrink_refused", limit=share(shrink.limit_pct / 100)))


def _show_result(result: ImportResult, key: str, symbol: str) -> None:
    if result.ignored_columns:
        st.info(t("import.ignored", columns=plain(", ".join(result.ignored_columns))))  # the file's own headers
    if result.encoding:
        st.caption(t("import.encoding_used", encoding=t(f"import.encoding.{result.encoding}")
                     if result.encoding in ENCODINGS else result.encoding))
    if not result.ok:
        st.error(tn("import.errors", result.error_count, rows=number(result.rows)))
        st.subheader(t("import.report"))
        report = report_frame(result.errors)
        tables.grid(report.head(1000), plain=list(report.columns))
        if result.error_count > min(len(report), 1000):
            st.caption(tn("import.more_errors", result.error_count - min(len(report), 1000)))
        st.download_button(t("import.report_csv"), to_csv(report), "import-errors.csv", "text/csv",
                           key=f"{key}.report", on_click="ignore")
        return
    if result.name_change_count:
        st.warning((tn("import.names_changed_written", result.name_change_count) if result.written
                    else tn("import.names_changed", result.name_change_count)))
        tables.grid(result.name_changes.rename(columns=lambda c: t(f"import.col.{c}")))
    _show_shrink(result, symbol)
    counts = {k: number(v) for k, v in result.counts.items()}
    if result.written and result.month is None:
        st.success(tn("import.done_records", result.counts["rows"], **counts))
    elif result.written:
        st.success(t("import.done", month=month_text(result.month), **counts))
    elif not result.needs_confirmation:
        st.success(t("import.valid", rows=number(result.rows), month=month_text(result.month)) if result.month
                   else tn("import.valid_records", result.rows))


def _example(kind: str) -> pd.DataFrame:
    """A one-row example of a kind's file, from the template's own examples."""
    columns = templates()[kind].columns
    return pd.DataFrame([[c.example for c in columns]], columns=[c.name for c in columns])


def _templates(viewer: Viewer, kind: str, months: list[dt.date], key: str) -> None:
    template = templates()[kind]
    with st.expander(t("import.template")):
        english, spanish, chinese, sample = st.columns(4)
        english.download_button(t("import.template_en"), to_excel(template.frame()), f"{kind}-template.xlsx",
                                XLSX, key=f"{key}.tpl_en", on_click="ignore")
        spanish.download_button(t("import.template_es"), to_excel(template.frame(lang="es")),
                                f"{kind}-plantilla.xlsx", XLSX, key=f"{key}.tpl_es", on_click="ignore")
        chinese.download_button(t("import.template_zh"), to_excel(template.frame(lang="zh")),
                                f"{kind}-template-zh.xlsx", XLSX, key=f"{key}.tpl_zh", on_click="ignore")
        if kind != "tape":
            sample.download_button(t("import.example"), to_csv(_example(kind)), f"{kind}-example.csv", "text/csv",
                                   key=f"{key}.sample", on_click="ignore")
        elif months:  # the sample is read only when its button is pressed (it sorts a whole month's rows)
            def sample_csv() -> bytes:
                frame = store.read(sample_frame, month=months[-1], scope=viewer.scope)
                return to_csv(frame)

            sample.download_button(t("import.sample", month=month_text(months[-1])), sample_csv,
                                   f"loan-tape-sample-{month_text(months[-1])}.csv", "text/csv",
                                   key=f"{key}.sample", on_click="ignore")


def _fingerprint(kind: str, uploads: list, month: dt.date | None, decimal: str, encoding: str) -> tuple | None:
    """What a shown result and a shrink confirmation belong to: the same files, month and reading options."""
    if not uploads:
        return None
    return (kind, tuple((u.file_id, u.name, u.size) for u in uploads), month, decimal, encoding)


Outcome = list[tuple[str, ImportResult]] | str


def _refusal(error: Exception) -> str:
    if isinstance(error, ValidationError):  # ImportFileError, ImportBusyError
        return f"{t(error.key, **plain_params(error.params))} {t('common.nothing_written')}"
    return f"{t('frame.forbidden')} {t('common.nothing_written')}"


def _run_tapes(viewer: Viewer, uploads: list, *, write: bool, allow_shrink: bool, month: dt.date | None,
               decimal: str | None, encoding: str | None) -> Outcome:
    """One tape through the usual write; several months through the history import, oldest first."""
    bar = st.progress(0.0, text=t("import.stage.validate"))
    try:
        months = plan([(u.name, u.getvalue()) for u in uploads], month=month, encoding=encoding)
        options = dict(actor=viewer.actor, decimal=decimal)
        if len(months) == 1:
            only: MonthFile = months[0]
            arguments = dict(data=only.data, filename=only.filename, month=only.month, encoding=encoding,
                             rows_of_month=only.rows_of_month,
                             progress=lambda f, stage: bar.progress(min(max(f, 0.0), 1.0), text=t(stage)), **options)
            if write:
                return [(only.label, store.write(import_tape, allow_shrink=allow_shrink, **arguments))]
            with store.session() as session:
                return [(only.label, import_tape(session, dry_run=True, **arguments))]
        outcome = []
        for month_file, result in import_history(
                store.engine(), months=months, encoding=encoding, dry_run=not write, allow_shrink=allow_shrink,
                progress=lambda done, total, m: bar.progress(done / total, text=t("import.stage.month", label=m.label,
                                                                                 done=done + 1, total=total)),
                **options):
            outcome.append((month_file.label, result))
        if write:
            store.written_elsewhere()
        return outcome
    except (ValidationError, PermissionError) as error:
        return _refusal(error)
    finally:
        bar.empty()


def _run_records(viewer: Viewer, kind: str, uploads: list, *, write: bool, decimal: str | None,
                 encoding: str | None) -> Outcome:
    bar = st.progress(0.0, text=t("import.stage.validate"))
    outcome = []
    try:
        for upload in uploads:
            arguments = dict(actor=viewer.actor, kind=kind, data=upload.getvalue(), filename=upload.name,
                             decimal=decimal, encoding=encoding,
                             progress=lambda f, stage: bar.progress(min(max(f, 0.0), 1.0), text=t(stage)))
            if write:
                result = store.write(import_records, **arguments)
            else:
                with store.session() as session:
                    result = import_records(session, dry_run=True, **arguments)
            outcome.append((upload.name, result))
            if not result.ok:
                break
        return outcome
    except (ValidationError, PermissionError) as error:
        return _refusal(error)
    finally:
        bar.empty()


def _record_refusals(viewer: Viewer, kind: str, filenames: list[str], outcome: Outcome) -> None:
    """An import that wrote nothing is audited as refused (data.importer.refusals), file by file."""
    if isinstance(outcome, str):
        refused = [(name, outcome, 0) for name in filenames]
    else:
        refused = [(label, "problems", result.error_count) for label, result in outcome if not result.ok]
    for filename, reason, problems in refused:
        store.bookkeep(refusals.record, actor=viewer.actor, kind=kind, filename=filename, reason=reason,
                       problems=problems)


def _show_outcome(outcome: Outcome, key: str, symbol: str) -> None:
    if isinstance(outcome, str):
        st.error(outcome)
        return
    if len(outcome) == 1:
        _show_result(outcome[0][1], key, symbol)
        return
    for index, (label, result) in enumerate(outcome):
        with st.expander(label, expanded=not result.ok or result.needs_confirmation or index == len(outcome) - 1):
            _show_result(result, f"{key}.{index}", symbol)


def import_section(viewer: Viewer, key: str = "import") -> None:
    """Choose a kind, upload, check, import; shows the report of every bad row, or the counts written.

    The last result is kept in the session with the files it belongs to, so it stays on screen while the
    user reads it and ticks the confirmation a tape leaving out many loans needs before it is imported.
    """
    st.subheader(t("import.title"))
    kind_names = {k: t(f"import.kind.{k}") for k in KINDS}
    kind = st.selectbox(t("import.kind"), list(kind_names), index=KINDS.index("tape"),
                        format_func=kind_names.__getitem__, key=f"{key}.kind")
    st.caption(t(f"import.help.{kind}"))
    months = store.read(portfolio.list_months)
    _templates(viewer, kind, months, key)
    uploads = st.file_uploader(t("import.file"), type=["csv", "txt", "xlsx", "xlsm"], accept_multiple_files=True,
                               key=f"{key}.file.{kind}") or []
    chosen_month = None
    if kind == "tape":
        left, middle, right = st.columns(3)
        choices = [None, *_month_choices(months)]
        month_names = {m: t("import.month_from_file") if m is None else month_text(m) for m in choices}
        chosen_month = left.selectbox(t("import.month"), choices, format_func=month_names.__getitem__,
                                      key=f"{key}.month", help=t("import.month_help"))
    else:
        middle, right = st.columns(2)
    decimal_names = {d: t(f"import.decimal.{d}") for d in DECIMALS}
    decimal = middle.selectbox(t("import.decimal"), list(DECIMALS), format_func=decimal_names.__getitem__,
                               key=f"{key}.decimal")
    encoding_names = {e: t(f"import.encoding.{e}") for e in ("auto", *ENCODINGS)}
    encoding = right.selectbox(t("import.encoding"), list(encoding_names), format_func=encoding_names.__getitem__,
                               key=f"{key}.encoding", help=t("import.encoding_help"))
    fingerprint = _fingerprint(kind, uploads, chosen_month, decimal, encoding)
    shown_for, shown = st.session_state.get(f"{key}.last", (None, None))
    if shown_for != fingerprint:
        shown = None
    allow_shrink = False
    if isinstance(shown, list) and any(r.needs_confirmation for _, r in shown):
        allow_shrink = st.checkbox(t("import.shrink_confirm"), key=f"{key}.confirm_shrink")
    check_col, run_col = st.columns(2)
    check = check_col.button(t("import.validate"), key=f"{key}.check")
    run = run_col.button(t("import.run"), type="primary", key=f"{key}.run")
    if check or run:
        if not uploads:
            st.warning(t("import.need_file"))
            return
        options = dict(write=run, decimal=DECIMALS[decimal], encoding=None if encoding == "auto" else encoding)
        if kind == "tape":
            outcome = _run_tapes(viewer, uploads, allow_shrink=allow_shrink, month=chosen_month, **options)
        else:
            outcome = _run_records(viewer, kind, uploads, **options)
        if run:
            _record_refusals(viewer, kind, [u.name for u in uploads], outcome)
        st.session_state[f"{key}.last"] = (fingerprint, outcome)
        st.session_state.pop(f"{key}.confirm_shrink", None)
        st.rerun()
    if shown is not None:
        _show_outcome(shown, key, store.read(settings.get).currency_symbol)
    batches_section(viewer, key)
