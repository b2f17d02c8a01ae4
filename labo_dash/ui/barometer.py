"""The territory barometer: the rating form (also shown on /vote) and the diverging chart section."""

from __future__ import annotations

import streamlit as st

from labo_dash import barometer, charts, db, seminar
from labo_dash.access import Actor
from labo_dash.errors import LaboError
from labo_dash.french import PARTICIPANT_KINDS, number
from labo_dash.ui.common import md_escape
from labo_dash.ui.feedback import field_error, field_errors

DONT_KNOW = 0  # the form's value for "je ne sais pas"
OPTIONS = [1, 2, 3, 4, 5, DONT_KNOW]


def _label(score: int) -> str:
    return "Je ne sais pas" if score == DONT_KNOW else str(score)


def _save(con: db.Connection, actor: Actor, participant_id: int | None, key: str) -> None:
    state = st.session_state
    objective_ids = [o.id for o in seminar.objectives(con)]
    ratings = {
        o: (None if state[f"{key}_{o}"] == DONT_KNOW else state[f"{key}_{o}"])
        for o in objective_ids if state.get(f"{key}_{o}") is not None
    }
    try:
        barometer.rate(
            con, actor, ratings, participant_id=participant_id,
            participant_kind=state.get(f"{key}_kind"), territory=state.get(f"{key}_territory"),
        )
    except LaboError as exc:
        state[f"{key}_errors"] = field_errors(exc)
        return
    state[f"{key}_errors"] = {}
    state[f"{key}_done"] = True
    if participant_id is None:  # an entry for someone without a link: clear it for the next person
        for o in objective_ids:
            state[f"{key}_{o}"] = None
        state[f"{key}_kind"], state[f"{key}_territory"] = None, ""


def barometer_form(
    con: db.Connection, actor: Actor, participant_id: int | None = None, key: str = "barometer"
) -> None:
    """Draw the barometer form: a 1-5 (or "je ne sais pas") answer per objective.

    With ``participant_id`` the participant's previous answers are shown and a new submission replaces
    them; without it, the form asks for a participant type and a territory and records an anonymous set.
    """
    state = st.session_state
    objectives = seminar.objectives(con)
    if participant_id is not None and f"{key}_loaded" not in state:
        previous = barometer.ratings_of(con, participant_id)
        for o in objectives:
            if o.id in previous:
                state[f"{key}_{o.id}"] = DONT_KNOW if previous[o.id] is None else previous[o.id]
        state[f"{key}_loaded"] = True
    if state.pop(f"{key}_done", False):
        st.success("Merci : vos réponses au baromètre sont enregistrées.", icon="✅")
    errors = state.get(f"{key}_errors", {})
    with st.form(f"{key}_form"):
        st.markdown(f"**{barometer.QUESTION}**  \n:small["
                    + " · ".join(f"{s} = {md_escape(label.lower())}" for s, label in barometer.SCORES.items())
                    + "]")
        for obj, color in zip(objectives, charts.OBJECTIVE_COLORS, strict=False):
            st.segmented_control(
                f"Objectif {obj.number} · {obj.title}", OPTIONS, format_func=_label,
                key=f"{key}_{obj.id}",
                help=f"1 = {barometer.SCORES[1].lower()}, 5 = {barometer.SCORES[5].lower()}",
            )
            st.html(f"<div style='height:3px;background:{color};opacity:.5;margin-top:-8px'></div>")
        field_error(errors, "ratings")
        if participant_id is None:
            cols = st.columns(2)
            with cols[0]:
                st.selectbox("Type de participant", list(PARTICIPANT_KINDS), index=None, placeholder="—",
                             format_func=PARTICIPANT_KINDS.__getitem__, key=f"{key}_kind")
                field_error(errors, "participant_kind")
            with cols[1]:
                st.text_input("Territoire", key=f"{key}_territory",
                              placeholder="Ex. : Bretagne")
                field_error(errors, "territory")
        field_error(errors, "form", icon="⚠️")
        st.form_submit_button("Enregistrer mes réponses", type="primary", icon="🌡️",
                              on_click=_save, args=(con, actor, participant_id, key))


def barometer_section(con: db.Connection, actor: Actor) -> None:
    """The barometer's diverging chart with its filters, and the form for answers given on paper."""
    with st.form("barometer_filters", border=False):
        cols = st.columns([3, 3, 2], vertical_alignment="bottom")
        kind = cols[0].selectbox("Type de participant", list(PARTICIPANT_KINDS), index=None,
                                 format_func=PARTICIPANT_KINDS.__getitem__, placeholder="Tous",
                                 key="baro_kind")
        territory = cols[1].selectbox("Territoire", barometer.territories(con), index=None,
                                      placeholder="Tous", key="baro_territory")
        cols[2].form_submit_button("Afficher", icon="🔄", width="stretch")
    people = barometer.respondents(con, participant_kind=kind, territory=territory)
    scope = " · ".join(x for x in [PARTICIPANT_KINDS.get(kind or ""), territory] if x) or "tous"
    st.subheader(f"Où en sont nos territoires ? {number(people)} répondant·e·s ({scope})")
    if not people:
        st.info("Aucune réponse pour ce choix. Les participant·e·s répondent depuis leur lien personnel "
                "(page de vote) ; les réponses données sur papier se saisissent ci-dessous.")
    else:
        distribution = barometer.distribution(con, participant_kind=kind, territory=territory)
        st.altair_chart(charts.barometer_diverging(distribution, barometer.SCORES), width="stretch")
        st.caption("Chaque barre répartit les notes données sur un objectif : à gauche du trait, les "
                   "territoires en retard (1-2), à droite les territoires avancés (4-5), la note 3 à cheval. "
                   "Entre parenthèses : le nombre de notes, et de « je ne sais pas » comptés à part.")
    with st.expander("Saisir les réponses d'une personne sans lien personnel (questionnaire papier)"):
        barometer_form(con, actor, key="baro_paper")
