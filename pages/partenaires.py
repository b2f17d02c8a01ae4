"""Espace partenaires: read-only progress per objective and défi, what changed, key figures, the signature
view, and the monthly report and open data to download."""

import streamlit as st

from labo_dash import french, reports, review, seminar
from labo_dash.ui import partners
from labo_dash.ui import review as review_ui
from labo_dash.ui.common import connection, page_header, today
from labo_dash.ui.signature import render_signature

con = connection()
day = today(con)
page_header(
    "Espace partenaires",
    "L'avancement des actions issues du séminaire, mois après mois : en lecture seule, avec le rapport "
    "mensuel du comité de pilotage et les données ouvertes à télécharger.",
)

months = review.review_months(con, day)
choice, _ = st.columns([1, 2])
with choice:
    month = review_ui.month_picker(months)
report = partners.monthly_report(con, month, day)
partners.downloads(con, month, day)
if report.comparison.actions.empty:
    st.info("Aucune action de suivi n'est encore enregistrée : cet espace se remplira avec les premières "
            "actions décidées après le séminaire.")
    st.stop()

st.header(f"{french.month(month).capitalize()} en chiffres", anchor=False)
partners.key_figures(report)

st.subheader(f"Ce qui a changé depuis la revue {reports.of_month(report.comparison.previous)}", anchor=False)
partners.changes(report)

st.subheader(f"Avancement par objectif et par défi à la fin {reports.of_month(month)}", anchor=False)
review_ui.progress_section(review_ui.review_data(con, month, day), seminar.objectives(con))

st.subheader("Relevé de décisions du comité de pilotage", anchor=False)
partners.decisions(report)

render_signature(con, key="partenaires", month=month)
