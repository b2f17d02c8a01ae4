"""/admin, tabs « Tours de vote », « Résultats » and « Défis retenus»: the organisers' side of the votes.

« Tours de vote » also runs each round's lifecycle (rounds.py): the reference round for support, rehearsal,
duplicate, archive (archived rounds behind a toggle), delete while no ballot, and the timed vote.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import streamlit as st

from labo_dash import french, parsing, results, rounds, signature
from labo_dash.access import Actor
from labo_dash.errors import LaboError, ValidationError
from labo_dash.french import number
from labo_dash.parsing import NumberError, parse_integer
from labo_dash.rounds import METHODS, TARGETS, VISIBILITIES, RoundRules
from labo_dash.ui.common import md_escape
from labo_dash.ui.feedback import field_error
from labo_dash.ui.results import results_details, round_label

_MESSAGES = "_rounds_admin_messages"


def _flash(kind: str, message: str) -> None:
    st.session_state.setdefault(_MESSAGES, []).append((kind, message))


def _show_messages() -> None:
    for kind, message in st.session_state.pop(_MESSAGES, []):
        (st.success if kind == "success" else st.error)(message, icon="✅" if kind == "success" else "⚠️")


def _act(action, *args: Any, done: str) -> None:
    """Button callback: run a domain write, keep a French message for the next run."""
    try:
        action(*args)
    except LaboError as exc:
        _flash("error", str(exc))
    else:
        _flash("success", done)


def rules_summary(rnd: dict[str, Any]) -> str:
    """Return the round's rules in one French line."""
    parts = [f"{rnd['items']} éléments ({TARGETS[rnd['target']].lower()})"]
    if rnd["method"] == "dots":
        parts.append(f"{rnd['dots_per_voter']} gommettes par personne, "
                     f"{rnd['max_per_item']} au plus par élément")
    elif rnd["method"] == "majority_judgment":
        parts.append(f"jugement majoritaire à {rnd['grade_scale']} mentions")
    else:
        parts.append("approbation")
    parts.append("résultats en direct" if rnd["results_visibility"] == "live" else
                 "résultats révélés" if rnd["revealed"] else "résultats masqués jusqu'à la révélation")
    parts.append(f"{number(rnd['voters'])} votant·e{'·s' if rnd['voters'] > 1 else ''}")
    return " · ".join(parts)


def _rules_form(
    con: duckdb.DuckDBPyConnection, actor: Actor, target: str, rnd: dict[str, Any] | None
) -> None:
    """The rules form: creates a round (``rnd`` None) or changes one that has no ballot yet."""
    state = st.session_state
    prefix = f"rules-{rnd['id']}" if rnd else f"rules-new-{target}-{state.get('rules-new-version', 0)}"
    errors: dict[str, str] = state.get(f"{prefix}-errors", {})
    candidates = {c["id"]: c for c in rounds.candidate_items(con, target)}
    if not candidates:
        st.info("Aucun défi n'est encore formulé : créez-les sur la page Diagnostic partagé."
                if target == "challenges"
                else "Aucune solution n'est encore saisie : ajoutez-les sur la page Actions de suivi.")
        return
    current = [i["id"] for i in rounds.round_items(con, rnd["id"])] if rnd else list(candidates)
    with st.form(prefix):
        st.text_input("Titre", value=rnd["title"] if rnd else "", key=f"{prefix}-title",
                      placeholder="Ex. : Positionnement sur les défis (plénière de 12h)")
        field_error(errors, "title")
        st.radio("Méthode", list(METHODS), format_func=METHODS.get, horizontal=True, key=f"{prefix}-method",
                 index=list(METHODS).index(rnd["method"]) if rnd else 0)
        cols = st.columns(3)
        # Text inputs: a number input would clamp 25 to 20 behind the user's back; the rules refuse it.
        cols[0].text_input("Gommettes par personne", str(rnd["dots_per_voter"] if rnd else 3),
                           key=f"{prefix}-dots", help="Gommettes seulement : un nombre entier de 1 à 20.")
        cols[1].text_input("Au plus par élément", str(rnd["max_per_item"] if rnd else 1),
                           key=f"{prefix}-cap", help="Gommettes seulement : de 1 au nombre de gommettes.")
        cols[2].radio("Mentions", [5, 7], index=0 if not rnd or rnd["grade_scale"] == 5 else 1,
                      format_func=lambda n: f"{n} mentions", key=f"{prefix}-scale",
                      help="Jugement majoritaire seulement. 7 mentions ajoutent « Assez bien » et "
                      "« À rejeter ».")
        for field in ("dots_per_voter", "max_per_item"):
            field_error(errors, field)
        st.radio("Résultats", list(VISIBILITIES), format_func=VISIBILITIES.get, horizontal=True,
                 index=0 if not rnd or rnd["results_visibility"] == "live" else 1, key=f"{prefix}-visibility")
        st.multiselect("Éléments soumis au vote (dans cet ordre)", list(candidates), default=current,
                       format_func=lambda i: _candidate_label(candidates[i]), key=f"{prefix}-items",
                       select_all=False, placeholder="Choisissez les éléments")
        field_error(errors, "items")
        submitted = st.form_submit_button("Modifier les règles" if rnd else "Créer le tour", type="primary")
    if not submitted:
        return
    counts, unreadable = {}, {}
    for field, label, suffix in (("dots_per_voter", "Gommettes par personne", "dots"),
                                 ("max_per_item", "Au plus par élément", "cap")):
        try:
            counts[field] = parse_integer(state[f"{prefix}-{suffix}"], label)
        except NumberError as exc:
            unreadable[field] = str(exc)
        if counts.get(field) is None and field not in unreadable:
            unreadable[field] = f"{label} : obligatoire (un nombre entier)."
    if unreadable and state[f"{prefix}-method"] == "dots":
        state[f"{prefix}-errors"] = unreadable
        _flash("error", "Le tour de vote n'est pas enregistré : corrigez les champs signalés.")
        st.rerun()
    defaults = RoundRules(title="", target=target)  # the counts only matter to dots
    rules = RoundRules(
        title=state[f"{prefix}-title"], target=target, method=state[f"{prefix}-method"],
        dots_per_voter=defaults.dots_per_voter if counts.get("dots_per_voter") is None
        else counts["dots_per_voter"],
        max_per_item=defaults.max_per_item if counts.get("max_per_item") is None else counts["max_per_item"],
        grade_scale=int(state[f"{prefix}-scale"]), results_visibility=state[f"{prefix}-visibility"],
    )
    try:
        if rnd:
            rounds.update_round(con, actor, rnd["id"], rules, state[f"{prefix}-items"])
            _flash("success", f"Règles du tour « {rules.title.strip()} » modifiées.")
        else:
            rounds.create_round(con, actor, rules, state[f"{prefix}-items"])
            _flash("success", f"Tour « {rules.title.strip()} » créé : ouvrez-le quand la salle est prête.")
            state["rules-new-version"] = state.get("rules-new-version", 0) + 1  # an empty form for the next
    except ValidationError as exc:
        state[f"{prefix}-errors"] = exc.fields
        _flash("error", str(exc))
    except LaboError as exc:
        _flash("error", str(exc))
    else:
        state[f"{prefix}-errors"] = {}
    st.rerun()


def _candidate_label(candidate: dict[str, Any]) -> str:
    label = candidate["title"]
    if candidate.get("challenge"):
        label += f" — défi : {candidate['challenge']}"
    return label + (" ✓ retenu" if candidate.get("selected") and not candidate.get("challenge") else "")




def admin_label(rnd: dict[str, Any]) -> str:
    """Return the round's label in the list: title, method, state and its lifecycle marks."""
    marks = [" · ⭐ Tour de référence" if rnd["reference"] else "",
             " · 🧪 Tour d'essai" if rnd["rehearsal"] else "",
             " · 🗄️ Archivé" if rnd["archived_at"] is not None else "",
             " · ⏱️ Vote minuté" if rnd["status"] == "open" and rnd["closes_at"] is not None else ""]
    return round_label(rnd) + "".join(marks)


def _round_controls(con: duckdb.DuckDBPyConnection, actor: Actor, rnd: dict[str, Any]) -> None:
    st.caption(rules_summary(rnd))
    left = rounds.remaining_seconds(rnd)
    if left is not None:
        until = (f" ou dès que tout le monde a voté ({rounds.present_votes(con, rnd['id']).sentence()})"
                 if rnd["close_when_all_voted"] else "")
        st.warning(f"{rounds.remaining_text(left)} : le vote se clôt de lui-même à la fin du compte à "
                   f"rebours{until}.", icon="⏱️")
    live = rnd["archived_at"] is None
    if live:
        _state_buttons(con, actor, rnd)
    _lifecycle_buttons(con, actor, rnd)
    if live and rnd["status"] != "closed":
        _countdown_form(con, actor, rnd)
    if live:
        _duplicate_form(con, actor, rnd)
    if live and not rnd["voters"]:
        with st.expander("Modifier les règles (possible tant qu'aucun bulletin n'est déposé)"):
            _rules_form(con, actor, rnd["target"], rnd)


def _state_buttons(con: duckdb.DuckDBPyConnection, actor: Actor, rnd: dict[str, Any]) -> None:
    """Open or close, results live or hidden, reveal, project."""
    row = st.container(horizontal=True)  # one row of buttons, each as wide as its label
    rid = rnd["id"]
    if rnd["status"] == "open":
        row.button("Clore le vote", key=f"close-{rid}", icon="⏹️", type="primary",
                   on_click=_act, args=(rounds.set_status, con, actor, rid, "closed"),
                   kwargs={"done": f"Vote « {rnd['title']} » clos."})
    else:
        label = "Rouvrir le vote" if rnd["status"] == "closed" else "Ouvrir le vote"
        row.button(label, key=f"open-{rid}", icon="▶️", type="primary",
                   on_click=_act, args=(rounds.set_status, con, actor, rid, "open"),
                   kwargs={"done": f"Vote « {rnd['title']} » ouvert : les téléphones l'affichent."})
    other = "hidden" if rnd["results_visibility"] == "live" else "live"
    row.button("Masquer les résultats" if other == "hidden" else "Résultats en direct", key=f"vis-{rid}",
               icon="🙈" if other == "hidden" else "👁️",
               on_click=_act, args=(rounds.set_visibility, con, actor, rid, other),
               kwargs={"done": "Visibilité des résultats modifiée."})
    if rnd["results_visibility"] == "hidden" and not rnd["revealed"]:
        row.button("Révéler les résultats", key=f"reveal-{rid}", icon="🎉",
                   disabled=rnd["status"] != "closed", help="Possible une fois le vote clos.",
                   on_click=_act, args=(rounds.set_visibility, con, actor, rid, "hidden", True),
                   kwargs={"done": "Résultats révélés : la projection les affiche."})
    row.page_link("pages/resultats.py", label="Projeter ce tour", icon="📊", query_params={"tour": rid})


def _lifecycle_buttons(con: duckdb.DuckDBPyConnection, actor: Actor, rnd: dict[str, Any]) -> None:
    """Reference round, rehearsal, archive and delete."""
    row = st.container(horizontal=True)
    rid, title, archived = rnd["id"], md_escape(rnd["title"]), rnd["archived_at"] is not None
    if rnd["target"] == "challenges" and not rnd["rehearsal"] and not archived:
        if rnd["reference"]:
            row.button("Revenir au choix automatique", key=f"unref-{rid}", icon="↩️",
                       help="Le soutien viendra du tour sur les défis qui a réuni le plus de votant·e·s.",
                       on_click=_act, args=(rounds.set_reference_round, con, actor, None),
                       kwargs={"done": "Le soutien aux défis vient de nouveau du choix automatique."})
        else:
            row.button("Choisir comme tour de référence", key=f"ref-{rid}", icon="⭐",
                       help="Le soutien aux défis (accueil, suivi, partenaires, rapport) viendra de ce tour.",
                       on_click=_act, args=(rounds.set_reference_round, con, actor, rid),
                       kwargs={"done": f"« {title} » est le tour de référence pour le soutien aux défis."})
    # The automatic support round about to stop counting: say where support goes, and confirm first.
    warning = (None if archived or rnd["rehearsal"] or rnd["reference"]
               else signature.support_move_warning(con, rid))
    if rnd["rehearsal"]:
        row.button("Ce n'est plus un tour d'essai", key=f"real-{rid}", icon="✅",
                   on_click=_act, args=(rounds.set_rehearsal, con, actor, rid, False),
                   kwargs={"done": f"« {title} » compte de nouveau (soutien, rapports, exports)."})
    else:
        _confirmed_button(
            row, "Marquer comme tour d'essai", f"rehearsal-{rid}", "🧪", warning,
            why_not=rounds.REFERENCE_FIRST if rnd["reference"] else None,
            help="Un tour d'essai ne sert jamais au soutien, aux rapports ni aux exports.",
            action=(rounds.set_rehearsal, con, actor, rid, True),
            done=f"« {title} » est un tour d'essai : il ne compte plus nulle part.")
    if archived:
        row.button("Désarchiver", key=f"unarchive-{rid}", icon="📤",
                   on_click=_act, args=(rounds.set_archived, con, actor, rid, False),
                   kwargs={"done": f"« {title} » est de nouveau affiché."})
    else:
        _confirmed_button(
            row, "Archiver", f"archive-{rid}", "🗄️", warning,
            why_not=(_OPEN_FIRST if rnd["status"] == "open" else
                     rounds.REFERENCE_FIRST if rnd["reference"] else None),
            help="Masqué partout, conservé dans la base et le journal.",
            action=(rounds.set_archived, con, actor, rid, True),
            done=f"« {title} » est archivé : il n'apparaît plus qu'ici.")
    why_not = ("Ce tour a reçu des bulletins : archivez-le plutôt (tout est conservé)." if rnd["voters"] else
               _OPEN_FIRST if rnd["status"] == "open" else
               rounds.REFERENCE_FIRST if rnd["reference"] else None)
    if why_not:
        row.button("Supprimer", key=f"delete-off-{rid}", icon="🗑️", disabled=True, help=why_not)
        return
    with row.popover("Supprimer", icon="🗑️"):
        st.markdown(f"Supprimer définitivement le tour « {title} » ? Il n'a reçu aucun "
                    "bulletin ; le journal garde la trace de la suppression.")
        if warning:
            st.warning(md_escape(warning), icon="⭐")
        st.button("Supprimer ce tour", key=f"delete-{rid}", type="primary",
                  on_click=_act, args=(rounds.delete_round, con, actor, rid),
                  kwargs={"done": f"Tour « {title} » supprimé."})


_OPEN_FIRST = "Ce tour est ouvert : clôturez-le d'abord."


def _confirmed_button(row, label: str, key: str, icon: str, warning: str | None, *, why_not: str | None,
                      help: str, action: tuple, done: str) -> None:
    """One lifecycle button: disabled with its reason (``why_not``), asking for confirmation in a popover
    when it moves support (``warning``, signature.support_move_warning), else a plain button."""
    if why_not:
        row.button(label, key=key, icon=icon, disabled=True, help=why_not)
    elif warning:
        with row.popover(label, icon=icon, help=help):
            st.warning(md_escape(warning), icon="⭐")
            st.button(f"Confirmer : {label[0].lower()}{label[1:]}", key=key, type="primary",
                      on_click=_act, args=action, kwargs={"done": done})
    else:
        row.button(label, key=key, icon=icon, help=help, on_click=_act, args=action, kwargs={"done": done})


def _countdown_form(con: duckdb.DuckDBPyConnection, actor: Actor, rnd: dict[str, Any]) -> None:
    """Start (or restart) a timed vote: the round opens and closes by itself at the end."""
    key = f"countdown-{rnd['id']}"
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
    _act(rounds.start_countdown, con, actor, rnd["id"], duration, bool(state[f"{key}-all"]),
         done=f"Compte à rebours lancé : le vote « {md_escape(rnd['title'])} » se clôt de lui-même à la fin.")
    st.rerun()


def _duplicate_form(con: duckdb.DuckDBPyConnection, actor: Actor, rnd: dict[str, Any]) -> None:
    """Copy the round (same rules and items) under a new title, in preparation."""
    key = f"duplicate-{rnd['id']}"
    with st.popover("Dupliquer", icon="📄"), st.form(key, border=False):
        st.text_input("Titre du nouveau tour (mêmes règles et éléments)", value=f"{rnd['title']} (copie)",
                      key=f"{key}-title")
        submitted = st.form_submit_button("Dupliquer ce tour", icon="📄")
    if not submitted:
        return
    title = st.session_state[f"{key}-title"]
    _act(rounds.duplicate_round, con, actor, rnd["id"], title,
         done=f"Tour « {md_escape(title.strip())} » créé, en préparation : ouvrez-le le moment venu.")
    st.rerun()


def _reference_notice(con: duckdb.DuckDBPyConnection, all_rounds: list[dict[str, Any]]) -> None:
    """Say which round gives support; invite organisers to choose it when several rounds could give it."""
    found = signature.support_round(con)
    chosen = next((r for r in all_rounds if r["reference"]), None)
    if signature.should_choose_reference(found):
        invite = f"{signature.support_source(found)} {signature.reference_invitation(found)}"
        st.warning(md_escape(invite) + " Ouvrez le tour voulu ci-dessous et cliquez sur « Choisir comme tour "
                   "de référence ».", icon="⭐")
    elif found is not None:
        st.info(md_escape(signature.support_source(found)), icon="⭐")
    elif chosen is not None:
        st.info(f"Tour de référence pour le soutien aux défis : « {md_escape(chosen['title'])} ». Ses "
                "résultats ne sont pas encore publics : le soutien apparaîtra à leur révélation.", icon="⭐")
    else:
        st.info("Aucun tour sur les défis n'a de résultats publics : choisissez le tour de référence pour "
                "le soutien aux défis avec « Choisir comme tour de référence ».", icon="⭐")


def rounds_tab(con: duckdb.DuckDBPyConnection, actor: Actor) -> None:
    """Create rounds, open, time and close them, reveal their results, run their lifecycle."""
    _show_messages()
    st.subheader("Tours de vote")
    archived = st.toggle("Afficher les tours archivés", key="rounds-show-archived")
    all_rounds = rounds.list_rounds(con, include_archived=archived)
    _reference_notice(con, all_rounds)
    if not all_rounds:
        st.info("Aucun tour pour l'instant : créez le premier ci-dessous.")
    for rnd in all_rounds:
        pending = rnd["results_visibility"] == "hidden" and not rnd["revealed"]  # closing never hides reveal
        with st.expander(admin_label(rnd), expanded=rnd["status"] != "closed" or pending):
            _round_controls(con, actor, rnd)
    st.subheader("Créer un tour de vote")
    target = st.segmented_control("Sur quoi vote-t-on ?", list(TARGETS), format_func=TARGETS.get,
                                  default="challenges", required=True, key="new-round-target")
    _rules_form(con, actor, target or "challenges", None)


def results_tab(con: duckdb.DuckDBPyConnection, actor: Actor) -> None:
    """Pick a round and show its detailed results."""
    all_rounds = rounds.list_rounds(con)
    if not all_rounds:
        st.info("Aucun tour de vote pour l'instant : créez-en un dans l'onglet « Tours de vote ».")
        return
    by_id = {r["id"]: r for r in all_rounds}
    projected = rounds.projected_round(con)
    default = projected["id"] if projected is not None else all_rounds[0]["id"]
    with st.form("results-pick", border=False):
        cols = st.columns([4, 1], vertical_alignment="bottom")
        chosen = cols[0].selectbox("Tour", list(by_id), index=list(by_id).index(default),
                                   format_func=lambda i: round_label(by_id[i]), key="results-round",
                                   placeholder="Choisissez…")
        cols[1].form_submit_button("Afficher", width="stretch")
    results_details(chosen)


def selection_tab(con: duckdb.DuckDBPyConnection, actor: Actor) -> None:
    """Mark the défis selected for the afternoon workshops, next to their result in the last round."""
    _show_messages()
    candidates = rounds.candidate_items(con, "challenges")
    if not candidates:
        st.info("Aucun défi n'est encore formulé : créez-les sur la page Diagnostic partagé.")
        return
    on_challenges = [r for r in rounds.list_rounds(con)
                     if r["target"] == "challenges" and r["voters"] and not r["rehearsal"]]
    # The support rule (signature.support_round): the reference round, else the closed one with the most
    # voters, ties to the latest; here private results count too (organisers choose before revealing).
    on_challenges.sort(key=lambda r: (not r["reference"], r["status"] != "closed", -r["voters"],
                                      -(r["closed_at"] or r["opened_at"] or r["created_at"]).timestamp()))
    scores: dict[int, str] = {}
    if on_challenges:
        latest = on_challenges[0]
        table = results.round_results(con, latest["id"])
        rank = {int(i): int(r) for i, r in zip(table["item_id"], table["rank"], strict=True)}
        rows = zip(table["item_id"], table["rank"], table["tied"], table["score"], strict=True)
        scores = {int(i): f"{french.rank(r, t)} · {s}" for i, r, t, s in rows}
        turnout = results.turnout(con, latest["id"]).sentence()
        st.caption(f"Classement du tour « {md_escape(latest['title'])} » ({turnout}).")
        candidates = sorted(candidates, key=lambda c: rank.get(c["id"], len(rank) + 1))
    with st.form("selection"):
        st.markdown("Cochez les défis retenus pour les ateliers de l'après-midi.")
        for c in candidates:
            label = c["title"] + (f" — {scores[c['id']]}" if c["id"] in scores else "")
            st.checkbox(label, value=bool(c["selected"]), key=f"selected-{c['id']}")
        submitted = st.form_submit_button("Enregistrer la sélection", type="primary", icon="🎯")
    if submitted:
        chosen = [c["id"] for c in candidates if st.session_state.get(f"selected-{c['id']}")]
        _act(rounds.select_challenges, con, actor, chosen,
             done=f"{len(chosen)} défis retenus pour l'après-midi.")
        st.rerun()
