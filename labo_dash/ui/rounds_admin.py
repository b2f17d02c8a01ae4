"""/admin, tabs « Tours de vote », « Résultats » and « Défis retenus»: the organisers' side of the votes.

« Tours de vote » also runs each round's lifecycle (labo_dash.rounds): the reference round for support,
rehearsal, duplicate, archive (archived rounds behind a toggle), delete while no ballot, and the timed vote.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from labo_dash import db, french, parsing, results, rounds, signature
from labo_dash.access import Actor
from labo_dash.errors import LaboError, ValidationError
from labo_dash.french import number
from labo_dash.rounds import METHODS, TARGETS, VISIBILITIES, TypedRules
from labo_dash.ui.common import md_escape
from labo_dash.ui.feedback import field_error
from labo_dash.ui.results import results_details, round_label
from labo_dash.ui.round_actions import act, flash, lifecycle_buttons, show_messages


def rules_summary(rnd: rounds.RoundSummary) -> str:
    """Return the round's rules in one French line."""
    parts = [f"{rnd.items} éléments ({TARGETS[rnd.target].lower()})"]
    if rnd.method == "dots":
        parts.append(f"{rnd.dots_per_voter} gommettes par personne, "
                     f"{rnd.max_per_item} au plus par élément")
    elif rnd.method == "majority_judgment":
        parts.append(f"jugement majoritaire à {rnd.grade_scale} mentions")
    else:
        parts.append("approbation")
    parts.append("résultats en direct" if rnd.results_visibility == "live" else
                 "résultats révélés" if rnd.revealed else "résultats masqués jusqu'à la révélation")
    parts.append(f"{number(rnd.voters)} votant·e{'·s' if rnd.voters > 1 else ''}")
    return " · ".join(parts)


def _rules_form(
    con: db.Connection, actor: Actor, target: str, rnd: rounds.RoundSummary | None
) -> None:
    """The rules form: creates a round (``rnd`` None) or changes one that has no ballot yet.

    A refused form keeps what was typed and shows every fault at once, each under its field.
    """
    state = st.session_state
    prefix = f"rules-{rnd.id}" if rnd else f"rules-new-{target}-{state.get('rules-new-version', 0)}"
    candidates = {c.id: c for c in rounds.candidate_items(con, target)}
    if not candidates:
        st.info("Aucun défi n'est encore formulé : créez-les sur la page Diagnostic partagé."
                if target == "challenges"
                else "Aucune solution n'est encore saisie : ajoutez-les sur la page Actions de suivi.")
        return
    with st.form(prefix):
        _rules_fields(con, prefix, rnd, candidates, state.get(f"{prefix}-errors", {}))
        submitted = st.form_submit_button("Modifier les règles" if rnd else "Créer le tour", type="primary")
    if submitted:
        _save_rules(con, actor, target, rnd, prefix)
        st.rerun()


def _rules_fields(
    con: db.Connection, prefix: str, rnd: rounds.RoundSummary | None,
    candidates: dict[int, rounds.CandidateItem], errors: dict[str, str],
) -> None:
    """The rules form's fields, each fault of the last try under its field."""
    st.text_input("Titre", value=rnd.title if rnd else "", key=f"{prefix}-title",
                  placeholder="Ex. : Positionnement sur les défis (plénière de 12h)")
    field_error(errors, "title")
    st.radio("Méthode", list(METHODS), format_func=METHODS.get, horizontal=True, key=f"{prefix}-method",
             index=list(METHODS).index(rnd.method) if rnd else 0)
    cols = st.columns(3)
    # Text inputs: a number input would clamp 25 to 20 behind the user's back; the rules refuse it.
    cols[0].text_input("Gommettes par personne", str(rnd.dots_per_voter if rnd else 3),
                       key=f"{prefix}-dots", help="Gommettes seulement : un nombre entier de 1 à 20.")
    cols[1].text_input("Au plus par élément", str(rnd.max_per_item if rnd else 1),
                       key=f"{prefix}-cap", help="Gommettes seulement : de 1 au nombre de gommettes.")
    cols[2].radio("Mentions", [5, 7], index=0 if not rnd or rnd.grade_scale == 5 else 1,
                  format_func=lambda n: f"{n} mentions", key=f"{prefix}-scale",
                  help="Jugement majoritaire seulement. 7 mentions ajoutent « Assez bien » et « À rejeter ».")
    for field in ("dots_per_voter", "max_per_item"):
        field_error(errors, field)
    st.radio("Résultats", list(VISIBILITIES), format_func=VISIBILITIES.get, horizontal=True,
             index=0 if not rnd or rnd.results_visibility == "live" else 1, key=f"{prefix}-visibility")
    current = [i.id for i in rounds.round_items(con, rnd.id)] if rnd else list(candidates)
    st.multiselect("Éléments soumis au vote (dans cet ordre)", list(candidates), default=current,
                   format_func=lambda i: _candidate_label(candidates[i]), key=f"{prefix}-items",
                   select_all=False, placeholder="Choisissez les éléments")
    field_error(errors, "items")


_PLACED = ("title", "dots_per_voter", "max_per_item", "items")  # the faults shown under their field


def _save_rules(
    con: db.Connection, actor: Actor, target: str, rnd: rounds.RoundSummary | None, prefix: str
) -> None:
    """Create or change the round from the form's state; keep every fault (by field) for the next run."""
    state = st.session_state
    typed = TypedRules(
        title=state[f"{prefix}-title"], target=target, method=state[f"{prefix}-method"],
        dots_per_voter=state[f"{prefix}-dots"], max_per_item=state[f"{prefix}-cap"],
        grade_scale=int(state[f"{prefix}-scale"]), results_visibility=state[f"{prefix}-visibility"],
    )
    items = state[f"{prefix}-items"]
    try:
        rules = rounds.typed_rules(typed, items)
        if rnd:
            rounds.update_round(con, actor, rnd.id, rules, items)
            flash("success", f"Règles du tour « {rules.title.strip()} » modifiées.")
        else:
            rounds.create_round(con, actor, rules, items)
            flash("success", f"Tour « {rules.title.strip()} » créé : ouvrez-le quand la salle est prête.")
            state["rules-new-version"] = state.get("rules-new-version", 0) + 1  # an empty form for the next
    except ValidationError as exc:
        state[f"{prefix}-errors"] = exc.fields
        unplaced = [message for field, message in exc.fields.items() if field not in _PLACED]
        flash("error", " ".join([str(exc), *unplaced]))
    except LaboError as exc:
        flash("error", str(exc))
    else:
        state[f"{prefix}-errors"] = {}


def _candidate_label(candidate: rounds.CandidateItem) -> str:
    label = candidate.title
    if candidate.challenge:
        label += f" — défi : {candidate.challenge}"
    return label + (" ✓ retenu" if candidate.selected and not candidate.challenge else "")




def admin_label(rnd: rounds.RoundSummary) -> str:
    """Return the round's label in the list: title, method, state and its lifecycle marks."""
    marks = [" · ⭐ Tour de référence" if rnd.reference else "",
             " · 🧪 Tour d'essai" if rnd.rehearsal else "",
             " · 🗄️ Archivé" if rnd.archived_at is not None else "",
             " · ⏱️ Vote minuté" if rnd.status == "open" and rnd.closes_at is not None else ""]
    return round_label(rnd) + "".join(marks)


def _round_controls(con: db.Connection, actor: Actor, rnd: rounds.RoundSummary) -> None:
    st.caption(rules_summary(rnd))
    left = rounds.remaining_seconds(rnd)
    if left is not None:
        until = (f" ou dès que tout le monde a voté ({rounds.present_votes(con, rnd.id).sentence()})"
                 if rnd.close_when_all_voted else "")
        st.warning(f"{rounds.remaining_text(left)} : le vote se clôt de lui-même à la fin du compte à "
                   f"rebours{until}.", icon="⏱️")
    live = rnd.archived_at is None
    if live:
        _state_buttons(con, actor, rnd)
    lifecycle_buttons(con, actor, rnd)
    if live and rnd.status != "closed":
        _countdown_form(con, actor, rnd)
    if live:
        _duplicate_form(con, actor, rnd)
    if live and not rnd.voters:
        with st.expander("Modifier les règles (possible tant qu'aucun bulletin n'est déposé)"):
            _rules_form(con, actor, rnd.target, rnd)


def _state_buttons(con: db.Connection, actor: Actor, rnd: rounds.RoundSummary) -> None:
    """Open or close, results live or hidden, reveal, project."""
    row = st.container(horizontal=True)  # one row of buttons, each as wide as its label
    rid = rnd.id
    if rnd.status == "open":
        row.button("Clore le vote", key=f"close-{rid}", icon="⏹️", type="primary",
                   on_click=act, args=(rounds.set_status, con, actor, rid, "closed"),
                   kwargs={"done": f"Vote « {rnd.title} » clos."})
    else:
        label = "Rouvrir le vote" if rnd.status == "closed" else "Ouvrir le vote"
        row.button(label, key=f"open-{rid}", icon="▶️", type="primary",
                   on_click=act, args=(rounds.set_status, con, actor, rid, "open"),
                   kwargs={"done": f"Vote « {rnd.title} » ouvert : les téléphones l'affichent."})
    other = "hidden" if rnd.results_visibility == "live" else "live"
    row.button("Masquer les résultats" if other == "hidden" else "Résultats en direct", key=f"vis-{rid}",
               icon="🙈" if other == "hidden" else "👁️",
               on_click=act, args=(rounds.set_visibility, con, actor, rid, other),
               kwargs={"done": "Visibilité des résultats modifiée."})
    if rnd.results_visibility == "hidden" and not rnd.revealed:
        row.button("Révéler les résultats", key=f"reveal-{rid}", icon="🎉",
                   disabled=rnd.status != "closed", help="Possible une fois le vote clos.",
                   on_click=act, args=(rounds.set_visibility, con, actor, rid, "hidden", True),
                   kwargs={"done": "Résultats révélés : la projection les affiche."})
    row.page_link("pages/resultats.py", label="Projeter ce tour", icon="📊", query_params={"tour": str(rid)})


def _countdown_form(con: db.Connection, actor: Actor, rnd: rounds.RoundSummary) -> None:
    """Start (or restart) a timed vote: the round opens and closes by itself at the end."""
    key = f"countdown-{rnd.id}"
    with st.form(key, border=False):
        cols = st.columns([1, 1, 2, 2], vertical_alignment="bottom")
        # Text read by labo_dash.parsing: a number input range shows an English tooltip, blocks the button.
        cols[0].text_input("Minutes", value="2", key=f"{key}-min")
        cols[1].text_input("Secondes", value="0", key=f"{key}-sec")
        cols[2].checkbox("Clore quand tout le monde a voté", key=f"{key}-all",
                         help="Dès que chaque personne présente a voté (présence : onglet « Participant·e·s "
                              "et badges »).")
        started = cols[3].form_submit_button("Lancer le compte à rebours", icon="⏱️", width="stretch")
    if not started:
        return
    state = st.session_state
    try:
        minutes = parsing.parse_integer(state[f"{key}-min"], "Minutes", low=0) or 0
        seconds = parsing.parse_integer(state[f"{key}-sec"], "Secondes", low=0, high=59) or 0
    except parsing.NumberError as exc:
        st.error(f"Compte à rebours non lancé : {exc}", icon="⚠️")  # the typed values stay in the form
        return
    duration = dt.timedelta(minutes=minutes, seconds=seconds)
    act(rounds.start_countdown, con, actor, rnd.id, duration, bool(state[f"{key}-all"]),
         done=f"Compte à rebours lancé : le vote « {md_escape(rnd.title)} » se clôt de lui-même à la fin.")
    st.rerun()


def _duplicate_form(con: db.Connection, actor: Actor, rnd: rounds.RoundSummary) -> None:
    """Copy the round (same rules and items) under a new title, in preparation."""
    key = f"duplicate-{rnd.id}"
    with st.popover("Dupliquer", icon="📄"), st.form(key, border=False):
        st.text_input("Titre du nouveau tour (mêmes règles et éléments)", value=f"{rnd.title} (copie)",
                      key=f"{key}-title")
        submitted = st.form_submit_button("Dupliquer ce tour", icon="📄")
    if not submitted:
        return
    title = st.session_state[f"{key}-title"]
    act(rounds.duplicate_round, con, actor, rnd.id, title,
         done=f"Tour « {md_escape(title.strip())} » créé, en préparation : ouvrez-le le moment venu.")
    st.rerun()


def _reference_notice(con: db.Connection, all_rounds: list[rounds.RoundSummary]) -> None:
    """Say which round gives support; invite organisers to choose it when several rounds could give it."""
    found = signature.support_round(con)
    chosen = next((r for r in all_rounds if r.reference), None)
    if found is not None and signature.should_choose_reference(found):
        invite = f"{signature.support_source(found)} {signature.reference_invitation(found)}"
        st.warning(md_escape(invite) + " Ouvrez le tour voulu ci-dessous et cliquez sur « Choisir comme tour "
                   "de référence ».", icon="⭐")
    elif found is not None:
        st.info(md_escape(signature.support_source(found)), icon="⭐")
    elif chosen is not None:
        st.info(f"Tour de référence pour le soutien aux défis : « {md_escape(chosen.title)} ». Ses "
                "résultats ne sont pas encore publics : le soutien apparaîtra à leur révélation.", icon="⭐")
    else:
        st.info("Aucun tour sur les défis n'a de résultats publics : choisissez le tour de référence pour "
                "le soutien aux défis avec « Choisir comme tour de référence ».", icon="⭐")


def rounds_tab(con: db.Connection, actor: Actor) -> None:
    """Create rounds, open, time and close them, reveal their results, run their lifecycle."""
    show_messages()
    st.subheader("Tours de vote")
    archived = st.toggle("Afficher les tours archivés", key="rounds-show-archived")
    all_rounds = rounds.list_rounds(con, include_archived=archived)
    _reference_notice(con, all_rounds)
    if not all_rounds:
        st.info("Aucun tour pour l'instant : créez le premier ci-dessous.")
    for rnd in all_rounds:
        pending = rnd.results_visibility == "hidden" and not rnd.revealed  # closing never hides reveal
        with st.expander(admin_label(rnd), expanded=rnd.status != "closed" or pending):
            _round_controls(con, actor, rnd)
    st.subheader("Créer un tour de vote")
    target = st.segmented_control("Sur quoi vote-t-on ?", list(TARGETS), format_func=lambda t: TARGETS[t],
                                  default="challenges", required=True, key="new-round-target")
    _rules_form(con, actor, target or "challenges", None)


def results_tab(con: db.Connection, actor: Actor) -> None:
    """Pick a round and show its detailed results."""
    all_rounds = rounds.list_rounds(con)
    if not all_rounds:
        st.info("Aucun tour de vote pour l'instant : créez-en un dans l'onglet « Tours de vote ».")
        return
    by_id = {r.id: r for r in all_rounds}
    projected = rounds.projected_round(con)
    default = projected.id if projected is not None else all_rounds[0].id
    with st.form("results-pick", border=False):
        cols = st.columns([4, 1], vertical_alignment="bottom")
        chosen = cols[0].selectbox("Tour", list(by_id), index=list(by_id).index(default),
                                   format_func=lambda i: round_label(by_id[i]), key="results-round",
                                   placeholder="Choisissez…")
        cols[1].form_submit_button("Afficher", width="stretch")
    results_details(chosen)


def selection_tab(con: db.Connection, actor: Actor) -> None:
    """Mark the défis selected for the afternoon workshops, next to their result in the last round."""
    show_messages()
    candidates = rounds.candidate_items(con, "challenges")
    if not candidates:
        st.info("Aucun défi n'est encore formulé : créez-les sur la page Diagnostic partagé.")
        return
    on_challenges = [r for r in rounds.list_rounds(con)
                     if r.target == "challenges" and r.voters and not r.rehearsal]
    # The support rule (signature.support_round): the reference round, else the closed one with the most
    # voters, ties to the latest; here private results count too (organisers choose before revealing).
    on_challenges.sort(key=lambda r: (not r.reference, r.status != "closed", -r.voters,
                                      -(r.closed_at or r.opened_at or r.created_at).timestamp()))
    scores: dict[int, str] = {}
    if on_challenges:
        latest = on_challenges[0]
        table = results.round_results(con, latest.id)
        rank = {int(i): int(r) for i, r in zip(table["item_id"], table["rank"], strict=True)}
        rows = zip(table["item_id"], table["rank"], table["tied"], table["score"], strict=True)
        scores = {int(i): f"{french.rank(r, t)} · {s}" for i, r, t, s in rows}
        turnout = results.turnout(con, latest.id).sentence()
        st.caption(f"Classement du tour « {md_escape(latest.title)} » ({turnout}).")
        candidates = sorted(candidates, key=lambda c: rank.get(c.id, len(rank) + 1))
    with st.form("selection"):
        st.markdown("Cochez les défis retenus pour les ateliers de l'après-midi.")
        for c in candidates:
            label = c.title + (f" — {scores[c.id]}" if c.id in scores else "")
            st.checkbox(label, value=bool(c.selected), key=f"selected-{c.id}")
        submitted = st.form_submit_button("Enregistrer la sélection", type="primary", icon="🎯")
    if submitted:
        chosen = [c.id for c in candidates if st.session_state.get(f"selected-{c.id}")]
        act(rounds.select_challenges, con, actor, chosen,
             done=f"{len(chosen)} défis retenus pour l'après-midi.")
        st.rerun()
