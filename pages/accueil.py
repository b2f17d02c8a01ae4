"""Accueil: what the seminar is and where it stands, in the first screen (key figures, the slot running now,
the support for the défis and its realisation); the programme, the objectives, the actions by status and
the full signature behind tabs (only the open tab runs; ``?rubrique=`` in the address opens one)."""

import streamlit as st

from labo_dash import clock, french, seminar
from labo_dash.ui.common import connection, current_actor, md_escape, page_header, today
from labo_dash.ui.home import actions_tab, programme_tab, reference_round_invitation
from labo_dash.ui.signature import render_signature, render_support_by_challenge

SUMMARY_TOP = 5  # défis in the summary's chart (ties kept); the « Signature » tab shows them all

con = connection()
info = seminar.get_seminar(con)
page_header(
    f"« {info.title} »",
    f"{info.subtitle} · organisé par {info.organiser} · étude-action soutenue par {info.funder}",
)
reference_round_invitation(con, current_actor())  # a choice left to the organisers, above the summary

when = f"le {french.date(info.held_on)}" if info.held_on else "à une date à préciser"
where = f", {info.venue}" if info.venue else ""
st.markdown(f"**Séminaire {when}{where}.**")

figures = seminar.key_figures(con, today(con))
cols = st.columns(5)
cols[0].metric("Participant·e·s", french.number(figures.participants))
cols[1].metric("Constats, freins et leviers", french.number(figures.findings))
cols[2].metric(
    "Défis formulés",
    french.number(figures.challenges),
    help=f"dont {figures.selected_challenges} retenus pour les ateliers de l'après-midi",
)
cols[3].metric(
    "Positionnements",
    french.number(figures.ballots),
    help=f"{figures.voters} votant·e·s distinct·e·s, tous tours confondus",
)
cols[4].metric(
    "Actions de suivi",
    french.number(figures.actions.total),
    help=f"dont {figures.actions.late} en retard sur leur échéance",
)
slots = seminar.programme(con)
now_position = seminar.current_slot(slots, info.held_on, clock.local_now(con))
for now_slot in [s for s in slots if s.position == now_position]:  # the programme tab highlights it too
    st.info(
        f"**En ce moment** · {french.clock(now_slot.starts_at)} – {french.clock(now_slot.ends_at)} · "
        f"{md_escape(now_slot.title)}",
        icon="▶️",
    )

render_support_by_challenge(
    con, key="accueil-resume", details=False, top=SUMMARY_TOP,
    heading="Le soutien de la salle aux défis, et sa réalisation",
)

TABS = {
    "Programme et objectifs": lambda: programme_tab(con, info, slots, now_position),
    "Actions de suivi": lambda: actions_tab(con, figures.actions),
    "Signature, mois après mois": lambda: render_signature(con, key="accueil", heading=None),
}
# Its own address key, not the other pages' ``onglet``: Streamlit's front end carries a keyed widget's value
# to the next page, so a link from here to ``/admin?onglet=Tours de vote`` opened /admin's first tab.
for tab, render in zip(st.tabs(list(TABS), key="rubrique", on_change="rerun", bind="query-params"),
                       TABS.values(), strict=True):
    if tab.open:
        with tab:
            render()
