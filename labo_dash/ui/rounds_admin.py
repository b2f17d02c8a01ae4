"""/admin, tabs « Tours de vote », « Résultats » and « Défis retenus»: the organisers' side of the votes."""

from __future__ import annotations

from typing import Any

import duckdb
import streamlit as st

from labo_dash import french, results, rounds
from labo_dash.access import Actor
from labo_dash.errors import LaboError, ValidationError
from labo_dash.french import number
from labo_dash.parsing import NumberError, parse_integer
from labo_dash.rounds import METHODS, TARGETS, VISIBILITIES, RoundRules
from labo_dash.ui.common import md_escape
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
        _error(errors, "title")
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
            _error(errors, field)
        st.radio("Résultats", list(VISIBILITIES), format_func=VISIBILITIES.get, horizontal=True,
                 index=0 if not rnd or rnd["results_visibility"] == "live" else 1, key=f"{prefix}-visibility")
        st.multiselect("Éléments soumis au vote (dans cet ordre)", list(candidates), default=current,
                       format_func=lambda i: _candidate_label(candidates[i]), key=f"{prefix}-items")
        _error(errors, "items")
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


def _error(errors: dict[str, str], field: str) -> None:
    if field in errors:
        st.error(errors[field], icon="✋")


def _round_controls(con: duckdb.DuckDBPyConnection, actor: Actor, rnd: dict[str, Any]) -> None:
    st.caption(rules_summary(rnd))
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
    if not rnd["voters"]:
        with st.expander("Modifier les règles (possible tant qu'aucun bulletin n'est déposé)"):
            _rules_form(con, actor, rnd["target"], rnd)


def rounds_tab(con: duckdb.DuckDBPyConnection, actor: Actor) -> None:
    """Create rounds, open and close them, choose and reveal their results."""
    _show_messages()
    st.subheader("Tours de vote")
    all_rounds = rounds.list_rounds(con)
    if not all_rounds:
        st.info("Aucun tour pour l'instant : créez le premier ci-dessous.")
    for rnd in all_rounds:
        with st.expander(round_label(rnd), expanded=rnd["status"] != "closed"):
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
    default = rounds.projected_round(con)["id"]
    with st.form("results-pick", border=False):
        cols = st.columns([4, 1], vertical_alignment="bottom")
        chosen = cols[0].selectbox("Tour", list(by_id), index=list(by_id).index(default),
                                   format_func=lambda i: round_label(by_id[i]), key="results-round")
        cols[1].form_submit_button("Afficher", width="stretch")
    results_details(chosen)


def selection_tab(con: duckdb.DuckDBPyConnection, actor: Actor) -> None:
    """Mark the défis selected for the afternoon workshops, next to their result in the last round."""
    _show_messages()
    candidates = rounds.candidate_items(con, "challenges")
    if not candidates:
        st.info("Aucun défi n'est encore formulé : créez-les sur la page Diagnostic partagé.")
        return
    on_challenges = [r for r in rounds.list_rounds(con) if r["target"] == "challenges" and r["voters"]]
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
