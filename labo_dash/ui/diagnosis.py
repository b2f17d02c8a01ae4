"""Widgets of the /diagnostic page: the live capture of findings and the wall (shared helpers too).

Forms keep what was typed when the domain refuses it (errors are shown under each field); the capture
form clears its text after a save but keeps the workshop, the kind and the table. Saves run in the
submit button's callback, before the page is drawn again, so a new finding shows at once.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal, NamedTuple

import streamlit as st

from labo_dash import charts, contributions, db, diagnosis, seminar
from labo_dash.access import Actor
from labo_dash.contributions import ContributionStatus
from labo_dash.db import Topic
from labo_dash.diagnosis import FindingKind
from labo_dash.errors import LaboError, ValidationError
from labo_dash.french import FINDING_KINDS, PARTICIPANT_KINDS
from labo_dash.ui.cache import by_version
from labo_dash.ui.common import md_escape
from labo_dash.ui.feedback import field_error, field_errors

KIND_ICONS: dict[str, str] = {
    FindingKind.OBSTACLE: "🧱", FindingKind.LEVER: "🚀", FindingKind.OBSERVATION: "🔎",
}
WALL_POLL = 5  # seconds between two looks of a wall on screen at the data version
WALL_CSS = """
<style>
.st-key-wall [data-testid="stMarkdownContainer"] p {font-size: 1.2rem; line-height: 1.45;}
.st-key-wall-large [data-testid="stMarkdownContainer"] p {font-size: 1.6rem; line-height: 1.4;}
.st-key-wall-large h3 {font-size: 2.1rem;}
</style>
"""


def objectives_by_id(con: db.Connection) -> dict[int, dict[str, Any]]:
    """Return the objectives by id, each with its fixed colour and its chart label."""
    result = {}
    for obj, color in zip(seminar.objectives(con), charts.OBJECTIVE_COLORS, strict=False):
        result[obj.id] = {**asdict(obj), "color": color, "label": f"{obj.number} · {obj.short_label}"}
    return result


def morning_workshops(con: db.Connection) -> dict[int, str]:
    """Return the morning workshops: id -> title."""
    return {w.id: w.title for w in seminar.workshops(con, session=diagnosis.SESSION)}


def _objective_chips(numbers: list[int], by_number: dict[int, dict[str, Any]]) -> str:
    return " ".join(
        f"<span style='color:{by_number[n]['color']}'>■</span> {md_escape(by_number[n]['label'])}"
        for n in numbers if n in by_number
    )


def finding_card(finding: diagnosis.WallFinding, by_number: dict[int, dict[str, Any]]) -> None:
    """Show one finding as a bordered card: text, objectives, table, sources of a merge."""
    with st.container(border=True):
        st.markdown(md_escape(finding.text))
        details = [_objective_chips(finding.objective_numbers, by_number)]
        if finding.group_label:
            details.append(md_escape(finding.group_label))
        if finding.source_count:
            details.append(f"fusion de {finding.source_count} constats")
        details.append(f"n° {finding.id}")
        st.caption(" · ".join(details), unsafe_allow_html=True)


# --- capture --------------------------------------------------------------------------------------------

def _save_capture(con: db.Connection, actor: Actor) -> None:
    state = st.session_state
    try:
        finding_id = diagnosis.add_finding(
            con, actor, workshop_id=state.cap_workshop, kind=state.cap_kind, text=state.cap_text,
            objective_ids=state.cap_objectives or [], group_label=state.cap_group,
            participant_kind=state.cap_participant_kind,
        )
    except LaboError as exc:
        state.cap_errors = field_errors(exc, "text")
        return
    state.cap_saved = finding_id
    state.cap_errors = {}
    state.cap_text, state.cap_objectives, state.cap_participant_kind = "", [], None


def capture_section(con: db.Connection, actor: Actor) -> None:
    """The scribe's quick capture form, beside the latest findings of the chosen workshop."""
    workshops = morning_workshops(con)
    objectives = objectives_by_id(con)
    by_number = {o["number"]: o for o in objectives.values()}
    state = st.session_state
    state.setdefault("cap_workshop", next(iter(workshops)))
    state.setdefault("cap_kind", FindingKind.OBSTACLE.value)  # widgets hold plain strings
    if "cap_saved" in state:
        st.toast(f"Constat n° {state.pop('cap_saved')} enregistré.", icon="✅")
    errors = state.get("cap_errors", {})
    left, right = st.columns([2, 3], gap="large")
    with left, st.form("capture", border=True):
        st.selectbox("Atelier", list(workshops), format_func=workshops.__getitem__, key="cap_workshop",
                     placeholder="Choisissez…")
        field_error(errors, "workshop")
        st.segmented_control("Type", list(FINDING_KINDS), key="cap_kind",
                             format_func=lambda k: f"{KIND_ICONS[k]} {FINDING_KINDS[k]}")
        field_error(errors, "kind")
        st.text_area("Ce qui a été dit", key="cap_text", height=110,
                     placeholder="Ex. : les appels à projets d'un an ne laissent pas le temps de coopérer")
        field_error(errors, "text")
        st.pills("Objectifs concernés", list(objectives), selection_mode="multi", key="cap_objectives",
                 format_func=lambda i: objectives[i]["label"])
        field_error(errors, "objectives")
        cols = st.columns(2)
        with cols[0]:
            st.text_input("Table ou groupe", key="cap_group",
                          placeholder="Ex. : Table 3")
            field_error(errors, "group")
        with cols[1]:
            st.selectbox("Type de participant (facultatif)", list(PARTICIPANT_KINDS), index=None,
                         format_func=PARTICIPANT_KINDS.__getitem__, key="cap_participant_kind",
                         placeholder="—")
        field_error(errors, "form")
        st.form_submit_button("Enregistrer le constat", type="primary", icon="💾", width="stretch",
                              on_click=_save_capture, args=(con, actor))
        st.caption("Astuce : Ctrl+Entrée dans le texte enregistre. L'atelier, le type et la table restent "
                   "choisis pour le constat suivant.")
    with right:
        recent = diagnosis.list_findings(con, workshop_id=state.cap_workshop)
        st.subheader(f"Déjà saisis dans cet atelier : {len(recent)}")
        if not recent:
            st.info("Aucun constat pour cet atelier : le premier enregistré apparaîtra ici.")
        for finding in recent[:8]:
            icon = KIND_ICONS[finding.kind]
            with st.container(border=True):
                st.markdown(f"{icon} **{FINDING_KINDS[finding.kind]}** · {md_escape(finding.text)}")
                st.caption(_objective_chips(finding.objective_numbers, by_number), unsafe_allow_html=True)
        if len(recent) > 8:
            st.caption(f"… et {len(recent) - 8} autres : voir le mur.")


# --- wall -----------------------------------------------------------------------------------------------

@by_version(Topic.DIAGNOSIS, Topic.SETTINGS, max_entries=32)
def _wall_data(con: db.Connection, workshop_id: int | None, kind: str | None,
               objective: int | None, large: bool) -> tuple[list[diagnosis.WallFinding], dict[str, Any]]:
    """Return the wall's findings and the Vega-Lite spec of its chart (cached until the next recorded edit).

    The spec is built once per version and filter: building and validating the Altair chart on every
    click on « Afficher » cost ~0.3 s of the interpreter that the phones' posts share.
    """
    findings = diagnosis.list_findings(con, workshop_id=workshop_id, kind=kind, objective_number=objective)
    counts = diagnosis.objective_counts(con, workshop_id=workshop_id, kind=kind)
    return findings, charts.findings_per_objective(counts, large=large).to_dict()


@st.fragment(run_every=WALL_POLL)
def _follow(version: tuple[int, ...]) -> None:
    """Redraw the whole wall once a recorded edit (a capture, an accepted post) changed its data.

    Every ``WALL_POLL`` s this fragment reads the data version only (one small query): the wall itself
    is redrawn when something changed, not on every look.
    """
    if db.versions(db.connect(), Topic.DIAGNOSIS) != version:
        st.rerun()


def wall_section(con: db.Connection) -> None:
    """The live wall: filters, findings per objective as a chart, cards by kind and objective.

    It follows the data by itself (see :func:`_follow`): a finding captured or accepted elsewhere shows
    within ``WALL_POLL`` seconds on a projected wall.
    """
    workshops = morning_workshops(con)
    by_number = {o["number"]: o for o in objectives_by_id(con).values()}
    with st.form("wall_filters", border=False):
        cols = st.columns([3, 2, 3, 2, 2], vertical_alignment="bottom")
        workshop_id = cols[0].selectbox("Atelier", list(workshops), index=None,
                                        format_func=workshops.__getitem__, placeholder="Tous les ateliers",
                                        key="wall_workshop")
        kind = cols[1].selectbox("Type", list(FINDING_KINDS), index=None,
                                 format_func=FINDING_KINDS.__getitem__,
                                 placeholder="Tous les types", key="wall_kind")
        objective = cols[2].selectbox("Objectif", list(by_number), index=None,
                                      format_func=lambda n: by_number[n]["label"],
                                      placeholder="Tous les objectifs", key="wall_objective")
        large = cols[3].toggle("Grand écran", key="wall_large", help="Texte agrandi pour la projection")
        cols[4].form_submit_button("Afficher", icon="🔄", width="stretch")
    version = db.versions(con, Topic.DIAGNOSIS)  # read first: a later edit is always followed
    findings, spec = _wall_data(con, workshop_id, kind, objective, large)
    _follow(version)
    st.html(WALL_CSS)
    scope = workshops[workshop_id] if workshop_id else "tous les ateliers"
    st.subheader(f"{len(findings)} constat{'s' if len(findings) > 1 else ''} · {scope}")
    if not findings:
        st.info("Aucun constat ne correspond à ces filtres. Les constats saisis dans l'onglet « Saisie » ou "
                "acceptés dans « Propositions » apparaissent ici d'eux-mêmes.")
        return
    st.vega_lite_chart(spec, width="stretch")
    st.caption("Un constat lié à plusieurs objectifs compte dans le graphique pour chacun d'eux ; sur le "
               "mur, il est rangé sous le premier. Le mur se met à jour de lui-même (en "
               f"{WALL_POLL} s au plus) quand un constat est saisi ou accepté.")
    kinds = [kind] if kind else list(FINDING_KINDS)
    columns = st.columns(len(kinds), gap="medium")
    for column, code in zip(columns, kinds, strict=True):
        of_kind = [f for f in findings if f.kind == code]
        with column, st.container(key=f"wall{'-large' if large else ''}-{code}"):
            st.markdown(f"### {KIND_ICONS[code]} {FINDING_KINDS[code]}s ({len(of_kind)})")
            for number, obj in by_number.items():
                if objective and number != objective:
                    continue
                tagged = [f for f in of_kind if number == (objective or f.objective_numbers[0])]
                if not tagged:
                    continue
                st.markdown(f"<span style='color:{obj['color']}'>■</span> **{md_escape(obj['label'])}** "
                            f"({len(tagged)})", unsafe_allow_html=True)
                for finding in tagged:
                    finding_card(finding, by_number)


# --- participants' posts (moderation) -------------------------------------------------------------------

PROPOSALS_SHOWN = 20  # pending posts drawn at once, oldest first: a page of forms stays quick to rerun


def _proposal_edits(post: contributions.Contribution) -> dict[str, Any]:
    """Return the values the organiser typed in a post's form (keys as contributions' edits)."""
    state, key = st.session_state, f"prop_{post.id}"
    if post.kind == contributions.SOLUTION:
        return {"challenge_id": state.get(f"{key}_challenge"), "text": state.get(f"{key}_text"),
                "description": state.get(f"{key}_description")}
    return {"workshop_id": state.get(f"{key}_workshop"), "kind": state.get(f"{key}_kind"),
            "text": state.get(f"{key}_text"), "objective_ids": state.get(f"{key}_objectives") or []}


def _moderate(
    con: db.Connection, actor: Actor, post: contributions.Contribution, action: str
) -> None:
    """Accept, save or reject a post from its form (a submit button's callback, before the page reruns)."""
    state, key = st.session_state, f"prop_{post.id}"
    label = f"La proposition n° {post.id}"
    try:
        if action == "accept":
            merge = state.get(f"{key}_merge")
            created = contributions.accept_contribution(con, actor, post.id, _proposal_edits(post), merge)
            what = "la solution" if post.kind == contributions.SOLUTION else "le constat"
            done = f"{label} est acceptée : {what} n° {created}" + (" (fusion)" if merge else "") + "."
        elif action == "save":
            contributions.update_contribution(con, actor, post.id, _proposal_edits(post))
            done = f"{label} est modifiée ; elle reste en attente."
        else:
            contributions.reject_contribution(con, actor, post.id)
            done = f"{label} est rejetée : elle est gardée, marquée « non retenue »."
    except ValidationError as exc:
        state[f"{key}_errors"] = {**exc.fields, "form": str(exc)}
        return
    except LaboError as exc:
        state[f"{key}_errors"] = {"form": str(exc)}
        return
    state.pop(f"{key}_errors", None)
    state["prop_done"] = done


def _position(options: dict[int, str], value: int | None) -> int | None:
    """Return the index of ``value`` among the keys of ``options`` (None when it is not one of them)."""
    keys = list(options)
    return keys.index(value) if value in keys else None


class _Choices(NamedTuple):
    """What the moderation forms offer, read once per drawing: id -> label (objectives: id -> row)."""

    workshops: dict[int, str]
    objectives: dict[int, dict[str, Any]]
    challenges: dict[int, str]
    findings: dict[int, str]


def _proposal_form(
    con: db.Connection, actor: Actor, post: contributions.Contribution, choices: _Choices
) -> None:
    """One pending post as a form: its fields to edit, and Accepter / Enregistrer / Rejeter."""
    key = f"prop_{post.id}"
    errors = st.session_state.get(f"{key}_errors", {})
    solution = post.kind == contributions.SOLUTION
    with st.form(key, border=True):
        icon = KIND_ICONS.get(post.kind, "💡")
        author = PARTICIPANT_KINDS.get(post.participant_kind, "—")
        st.markdown(f"{icon} **{contributions.KINDS[post.kind]}** · n° {post.id} · proposé par "
                    f"{md_escape(post.participant_name)} ({author})")
        if solution:
            retained = choices.challenges
            st.selectbox("Défi retenu", list(retained), format_func=retained.__getitem__,
                         key=f"{key}_challenge",
                         index=_position(retained, post.challenge_id), placeholder="Choisissez…")
            field_error(errors, "challenge_id")
            st.text_input("Intitulé de la solution", value=post.text, key=f"{key}_text")
            field_error(errors, "title")
            st.text_area("Précisions", value=post.description or "", key=f"{key}_description", height=80)
            field_error(errors, "description")
        else:
            workshops = choices.workshops
            st.selectbox("Atelier", list(workshops), format_func=workshops.__getitem__, key=f"{key}_workshop",
                         index=_position(workshops, post.workshop_id), placeholder="Choisissez…")
            field_error(errors, "workshop")
            st.segmented_control("Type", list(FINDING_KINDS), default=post.kind, key=f"{key}_kind",
                                 format_func=lambda k: f"{KIND_ICONS[k]} {FINDING_KINDS[k]}")
            field_error(errors, "kind")
            st.text_area("Texte", value=post.text, key=f"{key}_text", height=90)
            field_error(errors, "text")
            objectives = choices.objectives
            st.pills("Objectifs", list(objectives), selection_mode="multi", default=post.objective_ids,
                     key=f"{key}_objectives", format_func=lambda i: objectives[i]["label"])
            field_error(errors, "objectives")
            st.selectbox("Fusionner avec un constat du mur (facultatif)", list(choices.findings), index=None,
                         format_func=choices.findings.__getitem__, key=f"{key}_merge",
                         placeholder="Pas de fusion")
        field_error(errors, "form")
        cols = st.columns(3)
        buttons: list[tuple[str, str, str, Literal["primary", "secondary"]]] = [
            ("accept", "Accepter", "✅", "primary"), ("save", "Enregistrer", "💾", "secondary"),
            ("reject", "Rejeter", "🚫", "secondary"),
        ]
        for col, (action, label, icon_, kind) in zip(cols, buttons, strict=True):
            col.form_submit_button(label, icon=icon_, type=kind, width="stretch", on_click=_moderate,
                                   args=(con, actor, post, action))


def proposals_section(con: db.Connection, actor: Actor) -> None:
    """The moderation queue of the participants' posts: counts, then each pending post as a form.

    An accepted finding joins the wall within ``WALL_POLL`` s (the acceptance changes the data version).
    """
    counts = contributions.status_counts(con, seminar.DEFAULT_SEMINAR)
    cols = st.columns([2, 2, 2, 3], vertical_alignment="bottom")
    cols[0].metric("En attente", counts[ContributionStatus.PENDING])
    cols[1].metric("Acceptées", counts[ContributionStatus.ACCEPTED])
    cols[2].metric("Non retenues", counts[ContributionStatus.REJECTED])
    cols[3].button("Actualiser", icon="🔄", width="stretch", key="prop_refresh")
    if "prop_done" in st.session_state:
        st.success(md_escape(st.session_state.pop("prop_done")), icon="✅")
    pending = contributions.list_contributions(con, seminar.DEFAULT_SEMINAR)
    if not pending:
        st.info("Aucune proposition en attente. Les participant·e·s proposent depuis leur téléphone : le "
                "lien « Proposer » de leur bulletin léger (/contribuer?code=…). Cliquez sur « Actualiser ».")
        return
    st.caption("Les plus anciennes d'abord. Modifiez si besoin, puis acceptez (le constat rejoint le mur, la "
               "solution la liste des solutions) ou rejetez (la proposition est gardée).")
    retained = contributions.retained_challenges(con, seminar.DEFAULT_SEMINAR)
    choices = _Choices(
        workshops=morning_workshops(con), objectives=objectives_by_id(con),
        challenges={c.id: c.title for c in retained},
        findings={f.id: f"n° {f.id} · atelier {f.workshop_number} · {f.text[:90]}"
                  for f in diagnosis.list_findings(con)},
    )
    for post in pending[:PROPOSALS_SHOWN]:
        _proposal_form(con, actor, post, choices)
    if len(pending) > PROPOSALS_SHOWN:
        st.caption(f"… et {len(pending) - PROPOSALS_SHOWN} autres : elles s'afficheront au fur et à mesure.")
