"""Espace partenaires (read only). First screen: the month, the reports to download, its key figures and
the progress of each objective; what changed, the progress per défi, the steering group's decisions and the
signature behind tabs (only the open tab runs; ``?onglet=`` in the address opens one)."""

import streamlit as st

from labo_dash import french, review
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
figures, chart = st.columns([3, 2], gap="large")
with figures:
    partners.key_figures(report)
with chart:
    st.markdown(f"**Avancement par objectif au {french.date(report.as_of)}**")
    review_ui.objectives_chart(con, report.objectives, ("rapport", month, report.as_of))


def changes_tab() -> None:
    previous = french.of_month(report.comparison.previous)
    st.subheader(f"Ce qui a changé depuis la revue {previous}", anchor=False)
    partners.changes(report)


TABS = {
    "Ce qui a changé": changes_tab,
    "Avancement par objectif et par défi": lambda: review_ui.progress_section(con, report),
    "Relevé de décisions": lambda: partners.decisions(report),
    "Signature": lambda: render_signature(con, key="partenaires", month=month, heading=None),
}
for tab, render in zip(st.tabs(list(TABS), key="onglet", on_change="rerun", bind="query-params"),
                       TABS.values(), strict=True):
    if tab.open:
        with tab:
            render()
