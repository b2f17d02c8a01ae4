"""The solutions side of /actions: capture per défi, volunteers, and actions created from a solution."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pandas as pd
import streamlit as st

from labo_dash import action_creation, db, french, progress, solutions
from labo_dash.access import Actor, Permission
from labo_dash.db import Topic
from labo_dash.errors import LaboError, ValidationError
from labo_dash.solutions import SolutionChallenge
from labo_dash.ui import action_form
from labo_dash.ui.actions import FOLLOW_UP_TOPICS, STATUS_CODES, tracker
from labo_dash.ui.cache import by_version
from labo_dash.ui.common import md_escape
from labo_dash.ui.feedback import saved, show_errors, version


@by_version(*FOLLOW_UP_TOPICS, Topic.VOTES, Topic.PEOPLE, max_entries=32)
def solutions_data(con: db.Connection, today: dt.date) -> dict:
    """Return the défis open to solutions, the solutions, their volunteers (ballots of the closing vote:
    votes and participants) and each défi's progress; cached until one of those changes."""
    return {
        "challenges": solutions.challenges_for_solutions(con),
        "solutions": solutions.list_solutions(con),
        "volunteers": solutions.volunteers(con),
        "by_challenge": progress.progress_by_challenge(con, today).set_index("challenge_id"),
    }


def add_solution_form(
    con: db.Connection, actor: Actor, challenges: list[SolutionChallenge]
) -> None:
    """Show the form capturing a solution for a défi (kept on error, emptied after saving)."""
    key = f"solution_{version('solution_form')}"
    with st.form(key):
        st.markdown("**Ajouter une solution issue des ateliers de l'après-midi**")
        slots = {}
        ids = [c.id for c in challenges]
        titles = {c.id: c.title for c in challenges}
        challenge_id = st.selectbox(
            "Défi",
            ids,
            format_func=titles.__getitem__,
            index=None,
            placeholder="Choisissez le défi auquel la solution répond",
            key=f"{key}_c",
        )
        slots["challenge_id"] = st.empty()
        title = st.text_input("Intitulé de la solution", key=f"{key}_t")
        slots["title"] = st.empty()
        description = st.text_area(
            "Description (facultatif)", height=80, key=f"{key}_d"
        )
        slots["description"] = st.empty()
        submitted = st.form_submit_button("Ajouter la solution", type="primary", icon="💡")
    if not submitted:
        return
    try:
        solutions.add_solution(con, actor, challenge_id, title, description)
    except ValidationError as exc:
        show_errors(exc, slots)
        return
    saved(f"Solution « {title.strip()} » ajoutée.", "solution_form")


def _edit_solution(con: db.Connection, actor: Actor, listed: pd.DataFrame) -> None:
    """Show the form correcting or deleting one solution, chosen in a list (one form for all: a form per
    solution cost 1,4 s per rerun at 150 solutions)."""
    labels = {int(r.id): f"{r.title} (défi : {r.challenge})" for r in listed.itertuples()}
    solution_id = st.selectbox("Solution", list(labels), format_func=labels.__getitem__, index=None,
                               placeholder="Choisissez la solution à corriger", key="edit_solution_choice")
    if solution_id is None:
        return
    row = listed.set_index("id").loc[solution_id]
    with st.form(f"edit_solution_{solution_id}", border=False):
        title = st.text_input("Intitulé", value=row["title"], key=f"sol_title_{solution_id}")
        description = st.text_area(
            "Description",
            value=row["description"] if isinstance(row["description"], str) else "",
            height=70,
            key=f"sol_desc_{solution_id}",
        )
        save, delete = st.columns(2)
        to_save = save.form_submit_button("Enregistrer", icon="💾")
        deleted = delete.form_submit_button(
            "Supprimer la solution",
            icon="🗑️",
            disabled=bool(row["actions"]),
            help="Impossible tant que des actions en découlent",
        )
    try:
        if to_save:
            solutions.update_solution(con, actor, solution_id, title, description)
            saved("Solution modifiée.")
        if deleted:
            solutions.delete_solution(con, actor, solution_id)
            st.session_state.pop("edit_solution_choice", None)
            saved(f"Solution « {row['title']} » supprimée.")
    except LaboError as exc:
        show_errors(exc, {})


def solutions_section(
    con: db.Connection, actor: Actor, today: dt.date, challenges: list[SolutionChallenge]
) -> None:
    """Show the solutions by défi with their volunteers, actions and rolled-up progress."""
    if not challenges:
        st.info(
            "Aucun défi n'est encore formulé : les solutions répondent aux défis retenus le matin "
            "(page « Diagnostic partagé »)."
        )
        return
    if not any(c.selected for c in challenges):
        st.warning(
            "Aucun défi n'est encore retenu pour l'après-midi : tous les défis sont proposés. "
            "Marquez les défis retenus sur la page d'administration."
        )
    data = solutions_data(con, today)
    listed, helpers, by_challenge = data["solutions"], data["volunteers"], data["by_challenge"]
    if actor.can(Permission.SOLUTIONS_WRITE) and len(listed):
        with st.expander("✏️ Corriger ou supprimer une solution"):
            _edit_solution(con, actor, listed)
    # Grouped once (a filter per solution cost O(solutions × actions) on every rerun).
    solutions_of: dict[int, list] = defaultdict(list)
    for row in listed.itertuples():
        solutions_of[row.challenge_id].append(row)
    actions_of: dict[int, list] = defaultdict(list)
    for action in tracker(con, today).itertuples():
        actions_of[action.solution_id].append(action)
    people_of: dict[int, list[str]] = defaultdict(list)
    for p in helpers.itertuples():
        name = f"{p.name} ({p.structure})" if isinstance(p.structure, str) else p.name
        people_of[p.solution_id].append(name)
    st.caption(progress.ROLLUP_EXPLANATION)
    for challenge in challenges:
        rows = solutions_of[challenge.id]
        rolled = by_challenge["progress"].get(challenge.id)
        st.subheader(f"🎯 {md_escape(challenge.title)}", anchor=False)
        st.markdown(
            french.plural(len(rows), "solution", "solutions")
            + f" · avancement agrégé du défi : **{french.progress(rolled, fraction=True)}**",
            help=progress.ROLLUP_EXPLANATION,
        )
        if not rows:
            st.info(
                "Pas encore de solution pour ce défi : ajoutez-la avec le formulaire "
                "« Ajouter une solution »."
            )
        for row in rows:
            _solution(row, actions_of[row.id], people_of[row.id])


def _solution(row: Any, mine: list, people: list[str]) -> None:
    """Show one solution (a row of :func:`labo_dash.solutions.list_solutions`) as an expander: its
    description, volunteers (« Nom (Structure) ») and actions (tracker rows) with their rolled-up progress."""
    rolled = progress.rollup((a.progress, a.weight, a.status) for a in mine)
    label = (
        f"💡 {md_escape(row.title)} — {french.plural(len(mine), 'action', 'actions')} · "
        f"{french.plural(len(people), 'volontaire', 'volontaires')} · "
        f"avancement {french.progress(rolled, fraction=True)}"
    )
    with st.expander(label):
        lines = [md_escape(row.description)] if isinstance(row.description, str) else []
        lines.append("**Volontaires « je veux contribuer »** : "
                     + (", ".join(md_escape(name) for name in people) or "aucun·e pour l'instant."))
        items = [
            f"- [{md_escape(a.title)}](/actions?action={a.id}) · {french.status(a.status)} · "
            + french.progress(a.progress)
            for a in mine
        ]
        st.markdown("\n\n".join([*lines, "\n".join(items)] if items else lines))


def _amounts_confirmed(
    fields: dict, titles: list[str], confirmed: bool, slots: dict, shown_key: str
) -> bool:
    """Tell whether the budgets may be given to every new action; else show the total they would add.

    With several titles and a budget, the user confirms (a box) the very total shown at the previous
    submit: each euro is meant, and counted once, in the partners' totals.
    """
    count = len([t for t in titles if t.strip()])
    added = {name: total for name, total in action_creation.amounts_added(fields, titles).items() if total}
    if count < 2 or not added:
        return True
    shown = (count, tuple(sorted((name, str(total)) for name, total in added.items())))
    if confirmed and st.session_state.get(shown_key) == shown:
        return True
    st.session_state[shown_key] = shown
    labels = {"budget_planned": "budget prévu", "budget_secured": "budget acquis"}
    parts = [
        f"{count} × {french.amount(total / count)} = {french.amount(total)} ajoutés au {labels[name]}"
        for name, total in added.items()
    ]
    st.error(
        "Aucune action n'a été créée : chaque action reçoit le montant saisi, soit "
        + " et ".join(parts)
        + " présentés aux partenaires. Si ce montant est celui de l'ensemble, indiquez plutôt le montant "
        "de chaque action ; sinon cochez « Je confirme : ces montants s'appliquent à chaque action » "
        "puis créez à nouveau.",
        icon="⚠️",
    )
    slots["amounts"].warning(md_escape(" ; ".join(parts) + "."), icon="➕")
    return False


def _provenance(
    con: db.Connection, data: dict, solution_id: int
) -> tuple[solutions.Solution, list[str]]:
    """Show where the new actions come from (solution, défi, weighted objectives); return the solution
    (:func:`labo_dash.solutions.get_solution`) and its volunteers' names (« Nom (Structure) »)."""
    solution = solutions.get_solution(con, solution_id)
    objectives = ", ".join(
        f"{o.number} · {o.short_label} ({french.percent(o.weight)})" for o in solution.objectives
    )
    st.caption(
        f"Les actions créées garderont leur provenance : solution « {md_escape(solution.title)} », défi "
        f"« {md_escape(solution.challenge)} »" + (f", objectifs {objectives}." if objectives else ".")
    )
    helpers = data["volunteers"]
    people = helpers[helpers["solution_id"] == solution_id]
    names = [
        f"{p.name} ({p.structure})" if isinstance(p.structure, str) else p.name for p in people.itertuples()
    ]
    return solution, names


def _creation_form(key: str, volunteers: list[str]) -> tuple[dict, dict] | None:
    """Draw the form creating actions (titles, the action fields, first status and %, the amounts' box).

    Returns None until it is submitted, then (inputs as typed: ``titles`` (lines), the FIELDS values,
    ``status``, ``progress``, ``confirmed``; slots by field name), kept on a refusal.
    """
    with st.form(key):
        titles = st.text_area("Intitulés des actions (une par ligne)", height=110, key=f"{key}_titles",
                              placeholder="Étude de préfiguration\nTour de table des financeurs")
        slots = {"titles": st.empty()}
        fields, field_slots = action_form.field_inputs(key, {}, volunteers=volunteers)
        left, right = st.columns(2)
        status = left.selectbox("Statut de départ", STATUS_CODES, format_func=french.status,
                                key=f"{key}_status", placeholder="Choisissez…")
        value = right.text_input(
            "Avancement de départ (%)", placeholder="non mesuré (ex. 10 ou 10 %)", key=f"{key}_progress",
            help="Un nombre entier de 0 à 100. À lancer va avec 0 % (ou vide), Terminée avec 100 %.",
        )
        slots |= field_slots | {"status": left.empty(), "progress": right.empty(),
                                "reported_on": st.empty(), "amounts": st.empty()}
        confirmed = st.checkbox(
            "Je confirme : ces montants s'appliquent à chaque action", key=f"{key}_confirm",
            help="Nécessaire quand plusieurs actions reçoivent un budget : le total est d'abord affiché.",
        )
        submitted = st.form_submit_button("Créer les actions", type="primary", icon="✅")
    if not submitted:
        return None
    inputs = {"titles": titles.splitlines(), "fields": fields, "status": status, "progress": value,
              "confirmed": confirmed}
    return inputs, slots


def create_actions_section(con: db.Connection, actor: Actor, today: dt.date) -> None:
    """Choose a solution, see its provenance and volunteers, and create one or more actions in one step.

    Every mistake is shown first; with several titles, the budgets' total is confirmed only for an
    otherwise valid form (:func:`_amounts_confirmed`). Nothing is written on a refusal.
    """
    data = solutions_data(con, today)
    listed = data["solutions"]
    if listed.empty:
        st.info("Aucune solution enregistrée : ajoutez d'abord les solutions des ateliers.")
        return
    labels = {int(r.id): f"{r.title} (défi : {r.challenge})" for r in listed.itertuples()}
    solution_id = st.selectbox("Solution de départ", list(labels), format_func=lambda i: labels[i],
                               key="create_from", placeholder="Choisissez…")
    if solution_id is None:  # the first solution is chosen by default: only without any
        return
    solution, volunteers = _provenance(con, data, solution_id)
    key = f"create_{solution_id}_{version('create_form')}"
    submitted = _creation_form(key, volunteers)
    if submitted is None:
        return
    inputs, slots = submitted
    titles, fields = inputs["titles"], inputs["fields"]
    first = {"status": inputs["status"], "progress_value": inputs["progress"], "reported_on": today,
             "today": today}
    try:
        errors = action_creation.creation_errors(titles, fields, **first)
        if errors:
            raise ValidationError("Aucune action n'a été créée : corrigez les champs signalés.", errors)
        if not _amounts_confirmed(fields, titles, inputs["confirmed"], slots, f"{key}_shown"):
            return
        ids = action_creation.create_actions(con, actor, solution_id, titles, fields, reported_by=actor.name,
                                             **first)
    except ValidationError as exc:
        show_errors(exc, slots)
        return
    created = french.plural(len(ids), "action créée", "actions créées")
    numbers = ", ".join(str(i) for i in ids)
    saved(f"{created} à partir de « {solution.title} » : N° {numbers}.", "create_form")
