"""The filter and sort form above the action table on /actions, with « Mes actions »."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from labo_dash import action_filters, db, french, seminar
from labo_dash.access import Actor
from labo_dash.ui import auth as ui_auth

STATUS_CODES = list(french.STATUSES)
ANYONE = "Toutes les actions"


def _mine(table: pd.DataFrame, actor: Actor, container) -> str | None:
    """Show the « Mes actions » control; return the person or structure whose actions to keep, or None.

    A signed-in user ticks a box that keeps the actions their sign-in name leads or contributes to; in the
    local demo mode (nobody signed in), a list offers every pilot and contributor to look through.
    """
    if ui_auth.auth_config().demo_mode or not actor.name:
        choice = container.selectbox(
            "Mes actions (pilote ou contributeur·ice)",
            [ANYONE, *action_filters.people(table)],
            key="filter_mine_who",
            placeholder="Choisissez une personne",
            help="Mode démonstration local : choisissez une personne ou une structure pour voir les actions "
            "qu'elle pilote ou auxquelles elle contribue.",
        )
        return None if choice == ANYONE else choice
    mine = container.checkbox(
        f"Mes actions ({actor.name})",
        key="filter_mine",
        help="Les actions dont vous êtes la personne ou la structure pilote, ou parmi les "
        "contributeur·ice·s (d'après le nom de votre connexion).",
    )
    return actor.name if mine else None


def filter_form(con: db.Connection, table: pd.DataFrame, actor: Actor) -> pd.DataFrame:
    """Show the filters (pilot, objective, défi, status, due dates, late, alerts, mine) and the sort in one
    form (one rerun per « Filtrer »); return the rows kept, in the order chosen, with ``table.attrs``."""
    objectives = {o.number: f"{o.number} · {o.short_label or o.title}"
                  for o in seminar.objectives(con)}
    with st.form("action_filters", border=False):
        first = st.columns(4)
        pilots = first[0].multiselect("Pilotes", action_filters.pilots(table), key="filter_pilots",
                                      placeholder="Tous les pilotes", select_all=False)
        chosen_objectives = first[1].multiselect("Objectifs", list(objectives),
                                                 format_func=objectives.__getitem__,
                                                 key="filter_objectives",
                                                 placeholder="Tous les objectifs", select_all=False)
        challenges = first[2].multiselect("Défis", sorted(table["challenge"].unique()),
                                          key="filter_challenges",
                                          placeholder="Tous les défis", select_all=False)
        statuses = first[3].multiselect("Statuts", STATUS_CODES, format_func=french.status,
                                        key="filter_statuses",
                                        placeholder="Tous les statuts", select_all=False)
        second = st.columns([1, 1, 2, 1], vertical_alignment="bottom")
        due_from = second[0].date_input("Échéance à partir du", value=None, format="DD/MM/YYYY",
                                        key="filter_due_from")
        due_to = second[1].date_input("Échéance jusqu'au", value=None, format="DD/MM/YYYY",
                                      key="filter_due_to")
        involving = _mine(table, actor, second[2])
        sort = second[3].selectbox("Trier par", list(action_filters.SORTS),
                                   format_func=lambda key: action_filters.SORTS[key][0], key="filter_sort",
                                   placeholder="Choisissez un ordre")
        third = st.columns([1, 1, 1, 1], vertical_alignment="center")
        overdue = third[0].checkbox("En retard seulement", key="filter_overdue")
        alerts = third[1].checkbox("En alerte seulement", key="filter_alerts",
                                   help="En retard, sans point depuis la revue, ou statut et % en désaccord")
        descending = third[2].checkbox("Ordre décroissant", key="filter_descending")
        third[3].form_submit_button("Filtrer", icon="🔎", width="stretch")
    filters = action_filters.Filters(
        pilots=tuple(pilots), objectives=tuple(chosen_objectives), challenges=tuple(challenges),
        statuses=tuple(statuses), due_from=due_from, due_to=due_to, overdue=overdue, alerts=alerts,
        involving=involving,
    )
    if due_from and due_to and due_from > due_to:
        st.warning(f"L'échéance « à partir du » ({french.date(due_from)}) vient après « jusqu'au » "
                   f"({french.date(due_to)}) : aucune action ne peut y tomber, inversez les deux dates.")
    view = action_filters.apply(table, filters, sort, descending)
    if len(view) != len(table):
        st.caption(f"{french.plural(len(view), 'action', 'actions')} sur {french.number(len(table))} "
                   "selon ces filtres.")
    return view
