"""Widgets of the /diagnostic page for organisers: edit, merge and delete findings, formulate défis.

A selection form lists the findings with a check box each, filtered by workshop, kind and objective; its
buttons start an action whose form, prefilled (merge: the longest text and every objective; défi: weights
suggested from the findings' objectives), appears below it. The choice is kept in ``sort_ids`` (ids), so
that a finding ticked then hidden by a filter stays chosen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import streamlit as st

from labo_dash import challenges, db, diagnosis, french
from labo_dash.access import Actor
from labo_dash.errors import LaboError
from labo_dash.french import FINDING_KINDS, PARTICIPANT_KINDS, percent
from labo_dash.parsing import typed
from labo_dash.ui.common import md_escape
from labo_dash.ui.diagnosis import morning_workshops, objectives_by_id
from labo_dash.ui.feedback import field_error, field_errors


def finding_label(finding: diagnosis.WallFinding) -> str:
    """Return a finding's one-line label in selection lists."""
    text = finding.text if len(finding.text) <= 90 else finding.text[:89] + "…"
    return f"n° {finding.id} · A{finding.workshop_number} · {FINDING_KINDS[finding.kind]} · {text}"


def _prefill_finding(values: Mapping[str, Any], prefix: str) -> None:
    state = st.session_state
    state[f"{prefix}_workshop"] = values["workshop_id"]
    state[f"{prefix}_kind"] = values["kind"]
    state[f"{prefix}_text"] = values["text"]
    state[f"{prefix}_objectives"] = list(values["objective_ids"])
    state[f"{prefix}_group"] = values["group_label"] or ""
    state[f"{prefix}_participant_kind"] = values["participant_kind"]


def _pick_key(finding_id: int) -> str:
    return f"sort_pick_{finding_id}"


def _commit_checks() -> None:
    """Form callback: fold the ticks of the findings shown into the choice (``sort_ids``); a finding
    hidden by the filters keeps its state."""
    state = st.session_state
    chosen = set(state.get("sort_ids") or [])
    for finding_id in state.get("sort_shown", []):
        if state.get(_pick_key(finding_id)):
            chosen.add(finding_id)
        else:
            chosen.discard(finding_id)
    state.sort_ids = sorted(chosen)


def _start(con: db.Connection, action: str) -> None:
    """Begin an action on the selected findings: check the selection and prefill the action's form."""
    state = st.session_state
    _commit_checks()
    ids = sorted(state.get("sort_ids") or [])
    needed = {"edit": (1, 1), "merge": (2, None), "delete": (1, None), "challenge": (0, None)}
    low, high = needed[action]
    if len(ids) < low or (high and len(ids) > high):
        words = {"edit": "exactement un constat", "merge": "au moins deux constats",
                 "delete": "au moins un constat"}
        state.sort_errors = {"selection": f"Sélectionnez {words[action]}."}
        state.pop("sort_action", None)
        return
    state.sort_errors = {}
    state.sort_action = (action, ids)
    try:
        if action == "edit":
            _prefill_finding(asdict(diagnosis.get_finding(con, ids[0])), "edit")
        elif action == "merge":
            _prefill_finding(diagnosis.merge_defaults(con, ids), "edit")
        elif action == "challenge":
            weights = challenges.suggest_weights(con, ids)
            workshops = Counter(diagnosis.get_finding(con, i).workshop_id for i in ids)
            state.ch_title, state.ch_description = "", ""
            state.ch_workshop = workshops.most_common(1)[0][0] if workshops else None
            state.ch_findings = ids
            for objective_id in objectives_by_id(con):
                state[f"ch_weight_{objective_id}"] = typed(weights.get(objective_id, 0))
    except LaboError as exc:
        state.sort_errors = {"selection": str(exc)}
        state.pop("sort_action", None)


def finding_fields(con: db.Connection, prefix: str, errors: dict[str, str]) -> None:
    """Draw the fields of a finding (keys ``<prefix>_...``) with their error messages."""
    workshops = morning_workshops(con)
    objectives = objectives_by_id(con)
    st.selectbox("Atelier", list(workshops), format_func=workshops.__getitem__, key=f"{prefix}_workshop",
                 placeholder="Choisissez…")
    field_error(errors, "workshop")
    st.segmented_control("Type", list(FINDING_KINDS),
                         format_func=FINDING_KINDS.__getitem__, key=f"{prefix}_kind")
    field_error(errors, "kind")
    st.text_area("Texte", key=f"{prefix}_text")
    field_error(errors, "text")
    st.pills("Objectifs concernés", list(objectives), selection_mode="multi", key=f"{prefix}_objectives",
             format_func=lambda i: objectives[i]["label"])
    field_error(errors, "objectives")
    st.text_input("Table ou groupe", key=f"{prefix}_group")
    field_error(errors, "group")
    st.selectbox("Type de participant", list(PARTICIPANT_KINDS), index=None, placeholder="—",
                 format_func=PARTICIPANT_KINDS.__getitem__, key=f"{prefix}_participant_kind")


def finding_values(prefix: str) -> dict[str, Any]:
    """Return the values of the fields drawn by :func:`finding_fields`."""
    state = st.session_state
    return {
        "workshop_id": state[f"{prefix}_workshop"], "kind": state[f"{prefix}_kind"],
        "text": state[f"{prefix}_text"], "objective_ids": state[f"{prefix}_objectives"] or [],
        "group_label": state[f"{prefix}_group"], "participant_kind": state[f"{prefix}_participant_kind"],
    }


def weights_fields(con: db.Connection, prefix: str) -> dict[int, str]:
    """Draw one percentage text input per objective (keys ``<prefix>_weight_<id>``); return the texts.

    Text, not a number input: « 33,33 » and « 40 % » are read exactly by the server
    (``challenges.weights_error``), and a value out of range is refused there, never clamped here.
    """
    objectives = objectives_by_id(con)
    cols = st.columns(len(objectives))
    for col, (objective_id, obj) in zip(cols, objectives.items(), strict=True):
        col.text_input(f"{obj['label']} (%)", key=f"{prefix}_weight_{objective_id}", placeholder="0")
    return {o: st.session_state[f"{prefix}_weight_{o}"] for o in objectives}


def _finish(message: str) -> None:
    state = st.session_state
    state.sort_done = message
    for finding_id in state.get("sort_shown", []):
        state[_pick_key(finding_id)] = False
    state.sort_ids = []
    state.pop("sort_action", None)


def _apply(con: db.Connection, actor: Actor) -> None:
    """Run the action under way with the values of its form (errors stay beside the fields)."""
    state = st.session_state
    action, ids = state.sort_action
    try:
        if action == "edit":
            new_id = diagnosis.update_finding(con, actor, ids[0], **finding_values("edit"))
            _finish(f"Constat n° {new_id} modifié.")
        elif action == "merge":
            merged = diagnosis.merge_findings(con, actor, ids, **finding_values("edit"))
            _finish(f"{len(ids)} constats fusionnés dans le constat n° {merged} (ils restent ses sources).")
        elif action == "delete":
            for finding_id in ids:
                diagnosis.delete_finding(con, actor, finding_id)
            _finish(f"{french.plural(len(ids), 'constat supprimé', 'constats supprimés')}.")
        elif action == "challenge":
            challenge_id = challenges.create_challenge(
                con, actor, title=state.ch_title, description=state.ch_description,
                workshop_id=state.ch_workshop, weights=_weights("ch", con), finding_ids=state.ch_findings,
            )
            _finish(f"Défi n° {challenge_id} créé.")
        state.action_errors = {}
    except LaboError as exc:
        state.action_errors = field_errors(exc)


def _weights(prefix: str, con: db.Connection) -> dict[int, str | None]:
    return {o: st.session_state.get(f"{prefix}_weight_{o}") for o in objectives_by_id(con)}


def _cancel() -> None:
    st.session_state.pop("sort_action", None)
    st.session_state.action_errors = {}


def sort_section(con: db.Connection, actor: Actor) -> None:
    """Select findings, then edit, merge, delete them or formulate a défi from them."""
    state = st.session_state
    if "sort_done" in state:
        st.success(state.pop("sort_done"), icon="✅")
    findings = {f.id: f for f in diagnosis.list_findings(con)}
    state["sort_ids"] = [i for i in state.get("sort_ids", []) if i in findings]
    errors = state.get("sort_errors", {})
    with st.form("sort_selection"):
        _checklist(con, findings)
        field_error(errors, "selection")
        cols = st.columns(5)
        cols[0].form_submit_button("Filtrer", icon="🔎", width="stretch", on_click=_commit_checks)
        for col, (action, label, icon) in zip(cols[1:], [
            ("challenge", "Formuler un défi", "🎯"), ("merge", "Fusionner", "🔗"),
            ("edit", "Modifier", "✏️"), ("delete", "Supprimer", "🗑️"),
        ], strict=True):
            col.form_submit_button(label, icon=icon, width="stretch", on_click=_start, args=(con, action),
                                   type="primary" if action == "challenge" else "secondary")
    if "sort_action" not in state:
        return
    action, ids = state.sort_action
    errors = state.get("action_errors", {})
    titles = {"edit": "Modifier le constat", "merge": f"Fusionner {len(ids)} constats",
              "delete": f"Supprimer {french.plural(len(ids), 'constat', 'constats')}\u202f?",
              "challenge": "Formuler un défi"}
    with st.form(f"sort_{action}"):
        st.subheader(titles[action])
        if action in ("merge", "delete"):
            for finding_id in ids:
                st.markdown(f"- {md_escape(finding_label(findings[finding_id]))}")
        if action in ("edit", "merge"):
            finding_fields(con, "edit", errors)
        if action == "challenge":
            challenge_fields(con, "ch", errors, list(findings.values()))
        field_error(errors, "form")
        confirm = {"edit": "Enregistrer", "merge": "Fusionner", "delete": "Supprimer définitivement",
                   "challenge": "Créer le défi"}
        bottom = st.columns([2, 1])
        bottom[0].form_submit_button(confirm[action], type="primary", width="stretch", on_click=_apply,
                                   args=(con, actor))
        bottom[1].form_submit_button("Annuler", width="stretch", on_click=_cancel)


def _checklist(con: db.Connection, findings: dict[int, diagnosis.WallFinding]) -> None:
    """Draw the filters (workshop, kind, objective) and one check box per finding they keep, with the
    number of findings chosen (the filters apply and the ticks count at the form's next submit)."""
    state = st.session_state
    workshops = morning_workshops(con)
    objectives = {o["number"]: o["label"] for o in objectives_by_id(con).values()}
    left, middle = st.columns([3, 2])
    in_workshops = left.multiselect("Ateliers", list(workshops), format_func=workshops.__getitem__,
                                    key="sort_filter_workshops", placeholder="Tous les ateliers",
                                    select_all=False)
    kinds = middle.pills("Types", list(FINDING_KINDS), format_func=FINDING_KINDS.__getitem__,
                         selection_mode="multi", key="sort_filter_kinds")
    numbers = st.pills("Objectifs", list(objectives), format_func=objectives.__getitem__,
                       selection_mode="multi",
                          key="sort_filter_objectives")
    shown = [f for f in findings.values()
             if (not in_workshops or f.workshop_id in in_workshops) and (not kinds or f.kind in kinds)
             and (not numbers or set(numbers) & set(f.objective_numbers))]
    state.sort_shown = [f.id for f in shown]
    chosen = set(state.sort_ids)
    hidden = len(chosen - set(state.sort_shown))
    st.caption(french.plural(len(chosen), "constat choisi", "constats choisis")
               + (f", dont {french.number(hidden)} hors des filtres" if hidden else "")
               + f" · {french.plural(len(shown), 'constat affiché', 'constats affichés')} sur "
               + f"{french.number(len(findings))}.")
    if not shown:
        st.info("Aucun constat ne correspond à ces filtres : élargissez-les.")
    with st.container(height=min(60 + 34 * len(shown), 420), border=True):
        for finding in shown:
            state.setdefault(_pick_key(finding.id), finding.id in chosen)  # re-shown: its choice
            objectives_text = ", ".join(str(n) for n in finding.objective_numbers)
            st.checkbox(
                f"n° {finding.id} · A{finding.workshop_number} · {FINDING_KINDS[finding.kind]} · "
                f"{md_escape(finding.text)} :small[(objectifs {objectives_text})]",
                key=_pick_key(finding.id),
            )


def challenge_fields(con: db.Connection, prefix: str, errors: dict[str, str],
                     findings: list[diagnosis.WallFinding], with_workshop: bool = True) -> None:
    """Draw a défi's fields (keys ``<prefix>_...``): title, description, workshop, weights, findings."""
    workshops = morning_workshops(con)
    st.text_input("Titre du défi", key=f"{prefix}_title")
    field_error(errors, "title")
    st.text_area("Description", key=f"{prefix}_description")
    field_error(errors, "description")
    st.selectbox("Atelier d'origine", list(workshops), format_func=workshops.__getitem__, index=None,
                 placeholder="Plusieurs ateliers", key=f"{prefix}_workshop", disabled=not with_workshop)
    field_error(errors, "workshop")
    st.markdown("**Pondérations sur les objectifs** (en %, total 100 %)")
    weights_fields(con, prefix)
    total = challenges.weights_total(_weights(prefix, con))
    shown = "illisible" if total is None else f"{typed(total)} %"
    st.caption(f"Total saisi : {shown} (100 % à {typed(challenges.WEIGHTS_TOLERANCE)} point près). "
               "Suggestion : chaque constat répartit son poids à parts égales entre ses objectifs.")
    field_error(errors, "weights")
    labels = {f.id: finding_label(f) for f in findings}
    labels |= {i: f"n° {i}" for i in st.session_state.get(f"{prefix}_findings", []) if i not in labels}
    st.multiselect("Constats d'origine (provenance)", list(labels), format_func=labels.__getitem__,
                   key=f"{prefix}_findings", select_all=False, filter_mode="contains",
                   placeholder="Tapez un mot ou un numéro de constat")
    field_error(errors, "findings")


def _start_edit(con: db.Connection) -> None:
    state = st.session_state
    challenge_id = state.get("edit_challenge")
    if challenge_id is None:
        return
    challenge = challenges.get_challenge(con, challenge_id)
    state.ech_title, state.ech_description = challenge.title, challenge.description or ""
    state.ech_workshop, state.ech_findings = challenge.workshop_id, challenge.finding_ids
    for objective_id in objectives_by_id(con):
        state[f"ech_weight_{objective_id}"] = typed(challenge.weights.get(objective_id, 0))
    state.ech_errors = {}


def _save_edit(con: db.Connection, actor: Actor) -> None:
    state = st.session_state
    try:
        challenges.update_challenge(
            con, actor, state.edit_challenge, title=state.ech_title, description=state.ech_description,
            workshop_id=state.ech_workshop, weights=_weights("ech", con), finding_ids=state.ech_findings,
        )
    except LaboError as exc:
        state.ech_errors = field_errors(exc)
        return
    state.ech_errors = {}
    state.ech_done = f"Défi n° {state.edit_challenge} enregistré."


def challenges_section(con: db.Connection, actor: Actor) -> None:
    """The défis ready for the vote: weights, provenance, and an edit form."""
    objectives = {o["number"]: o for o in objectives_by_id(con).values()}
    items = challenges.list_challenges(con)
    st.subheader(f"Défis prêts pour le vote : {len(items)}")
    if not items:
        st.info("Aucun défi pour l'instant : sélectionnez des constats ci-dessus puis « Formuler un défi », "
                "ou importez une liste de défis (onglet « Import »).")
        return
    origins = challenges.provenances(con, [item.id for item in items])  # one query, not one per défi
    for number, item in enumerate(items, start=1):
        with st.container(border=True):
            origin = item.workshop_title or "Plusieurs ateliers"
            selected = " · ✅ retenu pour l'après-midi" if item.selected else ""
            st.markdown(f"**{number}. {md_escape(item.title)}**  \n:small[{md_escape(origin)}{selected}]")
            if item.description:
                st.markdown(md_escape(item.description))
            st.caption(" · ".join(
                f"<span style='color:{objectives[n]['color']}'>■</span> {md_escape(objectives[n]['label'])} "
                f"{percent(w, 0)}" for n, w in sorted(item.weights.items(), key=lambda x: -x[1])
            ), unsafe_allow_html=True)
            with st.expander(f"Provenance : {french.plural(item.finding_count, 'constat', 'constats')}"):
                for finding in origins[item.id]:
                    note = " (supprimé)" if finding.deleted else (
                        f" (fusionné dans le n° {finding.merged_into})" if finding.merged_into else "")
                    st.markdown(f"- n° {finding.id} · A{finding.workshop_number} · "
                                f"{FINDING_KINDS[finding.kind]} · {md_escape(finding.text)}{note}")
                    for source in finding.source_texts:
                        st.markdown(f"    - source : {md_escape(source)}")
    st.subheader("Modifier un défi")
    state = st.session_state
    if "ech_done" in state:
        st.success(state.pop("ech_done"), icon="✅")
    titles = {item.id: item.title for item in items}
    st.selectbox("Défi", list(titles), index=None, format_func=titles.__getitem__, key="edit_challenge",
                 placeholder="Choisissez le défi à modifier", on_change=_start_edit, args=(con,))
    if state.get("edit_challenge") in titles:
        if "ech_title" not in state:
            _start_edit(con)
        with st.form("edit_challenge_form"):
            challenge_fields(con, "ech", state.get("ech_errors", {}), diagnosis.list_findings(con),
                             with_workshop=False)
            field_error(state.get("ech_errors", {}), "form")
            st.form_submit_button("Enregistrer le défi", type="primary", on_click=_save_edit,
                                  args=(con, actor))
