"""Read-only sections of the partners' page and the report downloads (PDF, Excel, open data)."""

from __future__ import annotations

import datetime as dt
import functools

import pandas as pd
import streamlit as st

from labo_dash import db, french, review
from labo_dash.reporting import monthly, open_data
from labo_dash.reporting.pdf import report_pdf
from labo_dash.reporting.workbook import report_xlsx
from labo_dash.ui.cache import by_version
from labo_dash.ui.common import md_escape

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHANGE_ORDER = ("nouvelle", "progresse", "terminee", "abandonnee", "point_mort")


@by_version(show_spinner="Préparation du rapport…", max_entries=32)  # every topic: support, progress
def monthly_report(con: db.Connection, month: dt.date, today: dt.date) -> monthly.MonthlyReport:
    """Return the report of ``month``, from the cache while the data does not change."""
    return monthly.build_report(con, month, today)


@by_version(max_entries=16)
def _file(_con: db.Connection, month: dt.date, today: dt.date, kind: str) -> bytes:
    if kind == "open-data":
        return open_data.open_data_zip(_con)
    report = monthly.build_report(_con, month, today)
    return report_pdf(report) if kind == "pdf" else report_xlsx(report)


def downloads(con: db.Connection, month: dt.date, today: dt.date) -> None:
    """Offer the monthly report (PDF, Excel) and the open data (ZIP), built only when clicked."""
    name = f"rapport-mensuel-{month:%Y-%m}"
    columns = iter(st.columns(3))
    for label, kind, file_name, mime, icon in [
        ("Rapport mensuel (PDF)", "pdf", f"{name}.pdf", "application/pdf", "📄"),
        ("Rapport mensuel (Excel)", "xlsx", f"{name}.xlsx", XLSX, "📊"),
        ("Données ouvertes (CSV et Parquet)", "open-data", f"donnees-ouvertes-{today:%Y-%m-%d}.zip",
         "application/zip", "🗂️"),
    ]:
        next(columns).download_button(label, data=functools.partial(_file, con, month, today, kind),
                           file_name=file_name, mime=mime, icon=icon, on_click="ignore", width="stretch",
                           key=f"download-{kind}")


def key_figures(report: monthly.MonthlyReport) -> None:
    """Show the month's key figures: actions done and late, overall progress, funds planned and secured."""
    f = report.figures
    cols = st.columns(3) + st.columns(3)
    cols[0].metric("Actions suivies", french.number(f.total),
                   help=f"{f.running} en cours, {f.paused} en pause, {f.to_start} à lancer")
    cols[1].metric("Terminées", french.number(f.done),
                   help=french.plural(f.abandoned, "abandonnée", "abandonnées"))
    cols[2].metric("En retard", french.number(f.late),
                   delta=f"{f.newly_late} depuis la revue précédente" if f.newly_late else None,
                   delta_color="inverse", help="Échéance dépassée, ni terminées ni abandonnées")
    overall = french.percent(f.progress, 0) if f.progress is not None else "–"
    cols[3].metric("Avancement global", overall,
                   help="Moyenne pondérée de l'avancement des actions mesurées (hors abandonnées)")
    cols[4].metric("Budget prévu", french.amount(f.planned), help="Actions non abandonnées")
    share = french.percent(f.secured_share, 0) if f.secured_share is not None else None
    cols[5].metric("Financements acquis", french.amount(f.secured),
                   help=f"{share} du budget prévu" if share else None)


def _line(row: pd.Series) -> str:
    state = french.status(row["status"])
    value = french.progress(row["progress"])
    before = row.get("progress_before")
    moved = "" if pd.isna(before) or pd.isna(row["progress"]) or before == row["progress"] else (
        f" (était à {int(before)}\u00a0%)")
    pilot = f" · {md_escape(row['pilot'])}" if isinstance(row.get("pilot"), str) and row["pilot"] else ""
    return f"- **{md_escape(row['title'])}** · {state}, {value}{moved}{pilot}"


def changes(report: monthly.MonthlyReport) -> None:
    """Show what changed since the previous review: one expander per kind of change, then the late ones."""
    comparison = report.comparison
    st.caption(f"Situation au {french.date(comparison.as_of)}, comparée à la fin "
               f"{french.of_month(comparison.previous)}.")
    cols = st.columns(len(CHANGE_ORDER) + 1)
    for col, code in zip(cols, CHANGE_ORDER, strict=False):
        label, meaning = review.CATEGORIES[code]
        part = comparison.category(code)
        col.metric(label, french.number(len(part)), help=f"Actions {meaning}")
    late = comparison.late()
    cols[-1].metric("En retard", french.number(len(late)), help="Échéance dépassée")
    for code in CHANGE_ORDER:
        label, meaning = review.CATEGORIES[code]
        part = comparison.category(code)
        if len(part):
            with st.expander(f"{label} ({len(part)}) : {meaning}"):
                st.markdown("\n".join(_line(row) for _, row in part.iterrows()))
    if len(late):
        with st.expander(f"En retard sur leur échéance ({len(late)})"):
            st.markdown("\n".join(
                _line(row) + f" · échéance : {french.date(pd.Timestamp(row['due_date']).date())}"
                for _, row in late.iterrows()
            ))


def decisions(report: monthly.MonthlyReport) -> None:
    """Show the steering group's decisions of the month (read only)."""
    if report.meeting and report.meeting.notes:
        st.markdown(f"**Notes de séance** : {md_escape(report.meeting.notes)}")
    if report.decisions.empty:
        st.info("Aucune décision enregistrée pour ce mois.")
        return
    st.dataframe(
        pd.DataFrame({
            "Décision": report.decisions["text"],
            "Action concernée": report.decisions["action"],
            "Responsable": report.decisions["owner"],
            "Échéance": report.decisions["due_date"],
        }),
        hide_index=True, width="stretch", placeholder="–",
        column_config={"Échéance": st.column_config.DateColumn(format="DD/MM/YYYY"),
                       "Décision": st.column_config.TextColumn(width="large")},
    )
