"""Actions de suivi: the tracker table, an action's card and timeline, and the solutions they come from."""

import streamlit as st

from labo_dash import french, progress, seminar
from labo_dash.access import Permission
from labo_dash.ui import action_card as card
from labo_dash.ui import actions as ui
from labo_dash.ui.actions_import import import_section
from labo_dash.ui.common import connection, current_actor, page_header, today
from labo_dash.ui.feedback import show_flash
from labo_dash.ui.solutions import (
    add_solution_form,
    create_actions_section,
    solutions_data,
    solutions_section,
)

con = connection()
actor = current_actor()
day = today(con)
page_header(
    "Actions de suivi",
    "Des solutions de l'après-midi aux actions suivies mois après mois : pilotes, échéances, financements "
    "et points d'avancement datés (l'historique n'est jamais réécrit).",
)
show_flash()

table = ui.tracker(con, day)
if len(table):
    figures = seminar.action_figures(table)
    last_review = table.attrs.get("last_review")
    cols = st.columns(5)
    cols[0].metric("Actions", french.number(figures.total), help=f"dont {figures.running} en cours")
    cols[1].metric("Terminées", french.number(figures.done))
    cols[2].metric("En retard", french.number(figures.late),
                   help="Échéance dépassée, action ni terminée ni abandonnée")
    cols[3].metric(
        "Sans point depuis la revue", french.number(figures.stale),
        help=f"Actions ouvertes sans point d'avancement depuis la revue du {french.date(last_review)}"
        if last_review else "Aucune revue du comité de pilotage n'est encore enregistrée",
    )
    cols[4].metric("Avancement agrégé", french.progress(figures.progress, fraction=True),
                   help=progress.ROLLUP_EXPLANATION)

TAB_NAMES = ["📋 Tableau de suivi", "🔎 Fiche et historique", "💡 Solutions et création d'actions"]


def table_tab() -> None:
    ui.action_table_section(con, actor, day)


def card_tab() -> None:
    if table.empty:
        st.info("Aucune action à afficher : créez-en à partir d'une solution (onglet « Solutions »).")
        return
    action_id = card.pick_action(table)
    left, right = st.columns(2, gap="large")
    with left:
        action = card.action_card(con, action_id, table)
        if actor.can(Permission.ACTIONS_WRITE):
            card.update_form(con, actor, action, day)
            with st.expander("✏️ Modifier la fiche (pilote, dates, budget…)"):
                card.edit_form(con, actor, action, day)
    with right:
        card.timeline(con, action_id)
        if actor.can(Permission.ACTIONS_WRITE):
            with st.expander("↩️ Retirer ou corriger un point"):
                card.withdraw_form(con, actor, action, day)


def solutions_tab() -> None:
    challenges = solutions_data(con, day)["challenges"]
    listing, forms = st.columns([3, 2], gap="large")
    with forms:
        if actor.can(Permission.SOLUTIONS_WRITE) and challenges:
            add_solution_form(con, actor, challenges)
        if actor.can(Permission.ACTIONS_WRITE):
            st.subheader("Créer des actions à partir d'une solution", anchor=False)
            create_actions_section(con, actor, day)
    with listing:
        solutions_section(con, actor, day, challenges)


# Only the open tab runs (a tab switch reruns the page). The tab opened first: the card when the URL names
# an action; kept for the session so that a rerun (after a save) never switches tabs under the user's feet.
# Edits typed in the table survive a tab switch: they are kept in the session (ui.action_table_section).
first = TAB_NAMES[1 if st.query_params.get("action") else 0]
default = st.session_state.setdefault("actions_first_tab", first)
tabs = st.tabs(TAB_NAMES, default=default, key="actions_tab", on_change="rerun")
for tab, render in zip(tabs, (table_tab, card_tab, solutions_tab), strict=True):
    if tab.open:
        with tab:
            render()

if actor.can(Permission.ACTIONS_WRITE):
    with st.expander("📥 Mettre à jour depuis Excel : export, modification, réimport"):
        import_section(con, actor, day)
