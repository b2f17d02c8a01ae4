"""The action tracker's table on /actions: cached tracker data, filters and the bulk-edit data editor."""

from __future__ import annotations

import datetime as dt
import zlib
from typing import Any

import pandas as pd
import streamlit as st

from labo_dash import action_table, actions, db, french, parsing
from labo_dash.access import Actor, Permission
from labo_dash.db import Topic
from labo_dash.errors import LaboError
from labo_dash.ui.action_filters import filter_form
from labo_dash.ui.cache import by_version
from labo_dash.ui.feedback import flash, next_version, show_errors, version

STATUS_CODES = list(french.STATUSES)
TABLE_COLUMNS = [
    "title",
    "status",
    "progress",
    "bar",
    "comment",
    "evidence_url",
    "flags",
    "last_update",
    "start_date",
    "due_date",
    "pilot_structure",
    "pilot_person",
    "next_step",
    "budget_planned",
    "budget_secured",
    "funders",
    "contributors",
    "weight",
    "challenge",
    "description",
]
READ_ONLY = ["bar", "flags", "last_update", "challenge"]


# What the follow-up's pages read: actions and points, the défis' titles and weights, the time zone.
FOLLOW_UP_TOPICS = (Topic.FOLLOW_UP, Topic.DIAGNOSIS, Topic.SETTINGS)


@by_version(*FOLLOW_UP_TOPICS, max_entries=32)
def tracker(con: db.Connection, today: dt.date) -> pd.DataFrame:
    """Return the tracker table (:func:`labo_dash.actions.tracker`), cached until a follow-up write."""
    return actions.tracker(con, today)


ALERTS = {  # the alerts of the « Alertes » column: short, so that all three fit its width together
    "overdue": "⏰ en retard",
    "mismatch": "⚠️ statut ≠ %",
    "stale": "💤 sans point",
}
ALERTS_HELP = ("⏰ en retard : échéance dépassée · ⚠️ statut ≠ % : le statut et l'avancement ne concordent "
               "pas · 💤 sans point : aucun point d'avancement depuis la dernière revue mensuelle")


def flags(overdue: bool, mismatch: str | None, stale: bool, last_review: dt.date | None) -> str:
    """Return the alerts of one tracker row (its columns of those names) as short French text with icons
    (:data:`ALERTS`, explained by the column's help, :data:`ALERTS_HELP`): « ⏰ en retard · 💤 sans
    point »."""
    out = []
    if overdue:
        out.append(ALERTS["overdue"])
    if isinstance(mismatch, str):
        out.append(ALERTS["mismatch"])
    if stale and last_review:
        out.append(ALERTS["stale"])
    return " · ".join(out)


def editor_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Return the table the data editor shows: one row per action, indexed by its number."""
    frame = table.set_index("id").copy()
    frame["bar"] = frame["progress"].astype("float64")
    # Numbers are text cells, read by labo_dash.parsing on save: a number cell of the grid would turn
    # « abc » into 0, a pasted « 100 % » into 1, or clamp what is typed; text is kept as typed.
    frame["progress"] = [f"{parsing.typed(p)}\u00a0%" if parsing.typed(p) else "" for p in frame["progress"]]
    for name in ("budget_planned", "budget_secured"):
        frame[name] = [parsing.typed_amount(v) for v in frame[name]]
    frame["weight"] = [parsing.typed(v) for v in frame["weight"]]
    frame["comment"] = ""
    frame["evidence_url"] = ""
    last_review = table.attrs.get("last_review")
    frame["flags"] = [flags(overdue, mismatch, stale, last_review) for overdue, mismatch, stale
                      in zip(frame["overdue"], frame["mismatch"], frame["stale"], strict=True)]
    frame.index.name = "id"
    frame = frame[TABLE_COLUMNS]
    frame.attrs = {}  # Streamlit serialises attrs: keep them out of the widget
    return frame


def column_config() -> dict:
    """Return the French column types of the action table.

    Numbers (%, budgets, weight) and the evidence link are text cells: the grid's number and link cells
    would clamp, round, zero or drop what is typed (150 became 100 or 0, « abc » 0, a pasted « 100 % » 1,
    a link without https:// nothing). What is typed is kept as typed; the server reads it with
    labo_dash.parsing and refuses it in French, naming row and column.

    Widths (px) let a 1920 px screen show every column up to « Échéance » with whole headers, statuses
    (« Abandonnée ») and alerts (all three: « ⏰ en retard · ⚠️ statut ≠ % · 💤 sans point »); a long
    title is cut (the action's card, « Fiche et historique », shows it whole). A phone scrolls the grid
    sideways: only « N° » is pinned (a pinned title, 300 px, left no room to scroll on 390 px).
    """
    cc = st.column_config
    return {
        "_index": cc.NumberColumn("N°", width="small", pinned=True),
        "title": cc.TextColumn("Intitulé", required=True, width=210),
        "status": cc.SelectboxColumn(
            "Statut", options=STATUS_CODES, format_func=lambda code: french.status(str(code)), required=True,
            width=110,
        ),
        "progress": cc.TextColumn(
            "Avancement",
            width=110,  # the whole label: refusals name the column « Avancement »
            alignment="right",
            help="Avancement en %, un nombre entier de 0 à 100 (« 40 » ou « 40 % ») ; vide = non mesuré",
        ),
        "bar": cc.ProgressColumn("Jauge", min_value=0, max_value=100, format="%d %%", width="small"),
        "comment": cc.TextColumn(
            "Commentaire du point",
            width=170,
            help="Enregistré avec le nouveau point d'avancement",
        ),
        "evidence_url": cc.TextColumn(
            "Lien de preuve",
            width=125,
            help="Adresse web complète (https://…) d'un compte rendu, d'un livrable…",
        ),
        "flags": cc.TextColumn("Alertes", width=270, help=ALERTS_HELP),  # all three alerts: 250 px of text
        "last_update": cc.DateColumn("Dernier point", format=french.GRID_DATE, width=105),
        "start_date": cc.DateColumn("Début", format=french.GRID_DATE, width=95),
        "due_date": cc.DateColumn("Échéance", format=french.GRID_DATE, width=105),
        "pilot_structure": cc.TextColumn("Structure pilote"),
        "pilot_person": cc.TextColumn("Personne pilote"),
        "next_step": cc.TextColumn("Prochaine étape", width="medium"),
        "budget_planned": cc.TextColumn("Budget prévu", alignment="right", help="En euros : « 45 000 » ou "
                                        "« 45 000,50 € »"),
        "budget_secured": cc.TextColumn("Budget acquis", alignment="right", help="En euros : « 45 000 » ou "
                                        "« 45 000,50 € »"),
        "funders": cc.TextColumn("Financeurs"),
        "contributors": cc.TextColumn("Contributeur·ice·s"),
        "weight": cc.TextColumn(
            "Poids", alignment="right",
            help="Poids dans l'agrégation, au-dessus de 0, « 1,5 » par exemple (vide = 1)",
        ),
        "challenge": cc.TextColumn("Défi", width=300),
        "description": cc.TextColumn("Description", width="large"),
    }


EDITS = "action_table_edits"  # session key: the cells typed in the table and not saved yet
REFUSAL = "action_table_refusal"  # session key: the last refused save and the edits it refused
GIVEN = "action_table_given"  # session key: (grid key, the pending edits written in the data it was given)


def pending_edits() -> dict[int, dict[str, Any]]:
    """Return the cells typed in the action table and not saved yet, {action id: {column: value}}.

    Kept in the session, not in the grid's widget state: they survive a tab switch (the table's tab does
    not run while another tab is open, and Streamlit forgets a widget that does not run) and a filter.
    """
    return st.session_state.setdefault(EDITS, {})


def with_edits(frame: pd.DataFrame, edits: dict[int, dict[str, Any]]) -> pd.DataFrame:
    """Return ``frame`` (indexed by action id) with the pending ``edits`` of its rows written in."""
    shown = frame.copy()
    for action_id, cells in edits.items():
        if action_id in shown.index:
            for column, value in cells.items():
                if pd.api.types.is_datetime64_any_dtype(shown[column]):  # keep the column's type
                    value = pd.NaT if value is None else pd.Timestamp(value)
                shown.at[action_id, column] = value
    return shown


def _discard_edits() -> None:
    for name in (EDITS, REFUSAL, GIVEN):
        st.session_state.pop(name, None)
    next_version("action_table")


def action_table_section(con: db.Connection, actor: Actor, today: dt.date) -> None:
    """Show every action in an editable table; save all edited rows at once, or none with the reasons.

    What is typed is kept (:func:`pending_edits`) until it is saved or discarded.
    """
    table = tracker(con, today)
    if table.empty:
        st.info(
            "Aucune action de suivi pour l'instant : créez-en à partir d'une solution, onglet « Solutions »."
        )
        return
    view = filter_form(con, table, actor)
    if view.empty:
        st.warning("Aucune action ne correspond à ces filtres : élargissez-les.")
        return
    frame = editor_frame(view)
    if not actor.can(Permission.ACTIONS_WRITE):
        st.dataframe(frame, column_config=column_config(), placeholder="–")
        return
    st.caption(
        "Modifiez les cellules puis enregistrez : chaque changement de statut ou de % (ou un commentaire) "
        "devient un nouveau point d'avancement daté, les autres champs sont mis à jour et tout est "
        "journalisé. Les modifications restent en attente, même d'un onglet ou d'un filtre à l'autre, "
        "jusqu'à leur enregistrement."
    )
    errors = st.container()
    left, right, _ = st.columns([1, 1, 2])
    reported_on = left.date_input(
        "Date des points d'avancement",
        value=today,  # no upper bound: a date in the future is refused by the domain, and stays as typed
        format="DD/MM/YYYY",
        key="table_reported_on",
    )
    reported_by = right.text_input("Rapporté par", value=actor.name, key="table_reported_by")
    edits = _grid(frame)
    save, discard, note = st.columns([2, 2, 3], vertical_alignment="center")
    submitted = save.button("Enregistrer les modifications", type="primary", icon="💾", key="table_save")
    if edits:
        discard.button("Abandonner les modifications", icon="↩️", key="table_discard",
                       on_click=_discard_edits)
        hidden = len(set(edits) - set(map(int, frame.index)))
        note.caption(french.plural(len(edits), "action modifiée, non enregistrée",
                                   "actions modifiées, non enregistrées")
                     + (f", dont {french.plural(hidden, 'masquée', 'masquées')} par les filtres."
                        if hidden else "."))
    if submitted:
        _save(con, actor, edits, reported_on, reported_by, today)
    # The grid reruns the page by itself after a click (it sends its cells again): a refusal is shown
    # until the edits it refused change, not for one run only.
    refusal = st.session_state.get(REFUSAL)
    if refusal is not None and refusal["edits"] != edits:
        st.session_state.pop(REFUSAL)
    elif refusal is not None and not refusal["edits"]:
        errors.info("Aucune modification à enregistrer.")
    elif refusal is not None:
        with errors:
            show_errors(refusal["error"])


def _grid(frame: pd.DataFrame) -> dict[int, dict[str, Any]]:
    """Show the editable grid of ``frame`` (:func:`editor_frame`) and return the pending edits, updated
    with what was typed in it (action id -> changed columns, :func:`action_table.table_changes`)."""
    edits = pending_edits()
    # One grid per set of rows: the grid's own edits are positions in the rows it was given. A new grid
    # (first run, back from another tab) starts from the pending edits; its data then stays as it was
    # given, so that a rerun after each edit never redraws a grid in which someone is typing.
    key = f"action_table_{version('action_table')}_{zlib.crc32(','.join(map(str, frame.index)).encode())}"
    if key not in st.session_state or st.session_state.get(GIVEN, (None,))[0] != key:
        st.session_state[GIVEN] = (key, {action_id: dict(cells) for action_id, cells in edits.items()})
    edited = st.data_editor(
        with_edits(frame, st.session_state[GIVEN][1]),
        key=key,
        column_config=column_config(),
        disabled=READ_ONLY,
        num_rows="fixed",
        height=min(38 + 35 * len(frame), 700),
        placeholder="–",
    )
    typed = action_table.table_changes(frame.reset_index(), edited.reset_index())
    for action_id in map(int, frame.index):
        if action_id in typed:
            edits[action_id] = typed[action_id]
        else:
            edits.pop(action_id, None)
    return edits


def _save(con: db.Connection, actor: Actor, edits: dict[int, dict[str, Any]],
          reported_on: dt.date, reported_by: str, today: dt.date) -> None:
    """Save the pending edits (all or nothing); keep a refusal in the session, with the edits it refused."""
    if not edits:
        st.session_state[REFUSAL] = {"edits": {}}
        return
    try:
        summary = action_table.save_changes(
            con, actor, dict(edits), reported_on=reported_on, reported_by=reported_by, today=today
        )
    except LaboError as exc:
        st.session_state[REFUSAL] = {"edits": {k: dict(v) for k, v in edits.items()}, "error": exc}
        return
    flash(
        "Enregistré : " + french.plural(summary.updates, "point d'avancement", "points d'avancement")
        + ", " + french.plural(summary.actions, "fiche modifiée", "fiches modifiées") + "."
    )
    _discard_edits()
    st.rerun()
