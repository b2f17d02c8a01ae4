"""Comité de pilotage: the monthly review. First screen: the month, its key figures and the actions that
changed; the aggregated progress, the decisions and the signature behind tabs (only the open tab runs;
``?onglet=`` in the address opens one, ``?mois=AAAA-MM`` the month)."""

import streamlit as st

from labo_dash import french, review
from labo_dash.access import Permission
from labo_dash.ui import review as ui
from labo_dash.ui.common import connection, current_actor, md_escape, page_header, today
from labo_dash.ui.feedback import show_flash
from labo_dash.ui.reminders import reminders_section
from labo_dash.ui.signature import render_signature

con = connection()
actor = current_actor()
day = today(con)
page_header(
    "Comité de pilotage",
    "La revue mensuelle des actions de suivi : ce qui a bougé depuis la revue précédente, ce qui est en "
    "retard ou à l'arrêt, l'avancement par objectif et par défi, et le relevé de décisions.",
)
show_flash()

months = review.review_months(con, day)
top, export = st.columns([2, 1], vertical_alignment="bottom")
with top:
    month = ui.month_picker(months)
data = ui.review_data(con, month, day)
if data.comparison.actions.empty:
    st.info("Aucune action de suivi à passer en revue : créez-les sur la page « Actions de suivi », "
            "à partir des solutions de l'après-midi.")
    st.stop()
with export:
    ui.export_button(data, day)

st.header(f"Revue {french.of_month(month)}", anchor=False)
ui.summary(data)


def decisions_tab() -> None:
    decisions, meeting = st.columns([3, 2], gap="large")
    with decisions:
        ui.decisions_section(con, actor, month, data)
    with meeting:
        if actor.can(Permission.REVIEWS_WRITE):
            ui.meeting_form(con, actor, month, data.meeting)
        elif data.meeting and data.meeting.notes:
            st.markdown(f"**Notes de séance** : {md_escape(data.meeting.notes)}")


TABS = {
    "Ce qui a changé": lambda: ui.changes(data),
    "Avancement par objectif et par défi": lambda: ui.progress_section(con, data),
    "Relevé de décisions": decisions_tab,
    **(
        {"Relances": lambda: reminders_section(con, actor, day)}
        if actor.can(Permission.REVIEWS_WRITE)
        else {}
    ),
    "Signature": lambda: render_signature(con, key="suivi", month=month, control=False, heading=None),
}
for tab, render in zip(st.tabs(list(TABS), key="onglet", on_change="rerun", bind="query-params"),
                       TABS.values(), strict=True):
    if tab.open:
        with tab:
            render()
