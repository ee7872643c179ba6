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
from components.format import month as month_text
from components.format import plain, plain_params
from components.i18n import t
from components.tables import to_excel
from data import portfolio
from data.import_template import sample_frame, template_frame
from data.importer import ImportFileError, ImportResult, import_tape
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


def _show_result(result: ImportResult, key: str) -> None:
    if result.ignored_columns:
        st.info(t("import.ignored", columns=plain(", ".join(result.ignored_columns))))  # the file's own headers
    if not result.ok:
        st.error(t("import.errors", errors=f"{len(result.errors):,}", rows=f"{result.rows:,}"))
        st.subheader(t("import.report"))
        report = report_frame(result.errors)
        st.dataframe(report.head(1000), hide_index=True, width="stretch")
        st.download_button(t("import.report_csv"), report.to_csv(index=False).encode("utf-8"),
                           "import-errors.csv", "text/csv", key=f"{key}.report", on_click="ignore")
    elif result.written:
        st.success(t("import.done", month=month_text(result.month), **{k: f"{v:,}" for k, v in result.counts.items()}))
    else:
        st.success(t("import.valid", rows=f"{result.rows:,}", month=month_text(result.month)))


def _templates(viewer: Viewer, months: list[dt.date], key: str) -> None:
    with st.expander(t("import.template")):
        english, spanish, sample = st.columns(3)
        english.download_button(t("import.template_en"), to_excel(template_frame()), "loan-tape-template.xlsx",
                                 XLSX, key=f"{key}.tpl_en", on_click="ignore")
        spanish.download_button(t("import.template_es"), to_excel(template_frame(spanish=True)),
                                "plantilla-cinta-prestamos.xlsx", XLSX, key=f"{key}.tpl_es", on_click="ignore")
        if months:  # the sample is read only when its button is pressed (it sorts a whole month's rows)
            def sample_csv() -> bytes:
                frame = store.read(sample_frame, month=months[-1], scope=viewer.scope)
                return frame.to_csv(index=False).encode("utf-8")

            sample.download_button(t("import.sample", month=month_text(months[-1])), sample_csv,
                                   f"loan-tape-sample-{month_text(months[-1])}.csv", "text/csv",
                                   key=f"{key}.sample", on_click="ignore")


def import_section(viewer: Viewer, key: str = "import") -> None:
    """Upload a tape, check it, import it; shows the report of every bad row, or the counts written."""
    st.subheader(t("import.title"))
    st.caption(t("import.help"))
    months = store.read(portfolio.list_months)
    _templates(viewer, months, key)
    upload = st.file_uploader(t("import.file"), type=["csv", "txt", "xlsx", "xlsm"], key=f"{key}.file")
    left, right = st.columns(2)
    choices = [None, *_month_choices(months)]
    month_names = {m: t("import.month_from_file") if m is None else month_text(m) for m in choices}
    chosen_month = left.selectbox(t("import.month"), choices, format_func=month_names.__getitem__,
                                  key=f"{key}.month", help=t("import.month_help"))
    decimal_names = {d: t(f"import.decimal.{d}") for d in DECIMALS}
    decimal = right.selectbox(t("import.decimal"), list(DECIMALS), format_func=decimal_names.__getitem__,
                              key=f"{key}.decimal")
    check_col, run_col = st.columns(2)
    check = check_col.button(t("import.validate"), key=f"{key}.check")
    run = run_col.button(t("import.run"), type="primary", key=f"{key}.run")
    if not (check or run):
        return
    if upload is None:
        st.warning(t("import.need_file"))
        return
    arguments = dict(actor=viewer.actor, data=upload.getvalue(), filename=upload.name, month=chosen_month,
                     decimal=DECIMALS[decimal])
    bar = st.progress(0.0, text=t("import.stage.validate"))
    arguments["progress"] = lambda fraction, stage: bar.progress(min(max(fraction, 0.0), 1.0), text=t(stage))
    try:
        if run:
            result = store.write(import_tape, **arguments)
        else:
            with store.session() as session:
                result = import_tape(session, dry_run=True, **arguments)
    except ImportFileError as error:
        bar.empty()
        st.error(f"{t(error.key, **plain_params(error.params))} {t('common.nothing_written')}")
        return
    except PermissionError:
        bar.empty()
        st.error(f"{t('frame.forbidden')} {t('common.nothing_written')}")
        return
    bar.empty()
    _show_result(result, key)
