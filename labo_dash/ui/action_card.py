"""One action on /actions: its chooser, card (provenance, state, alerts), update and edit forms, timeline,
and the form withdrawing or correcting a wrong point."""

from __future__ import annotations

import datetime as dt
import zlib
from urllib.parse import quote

import pandas as pd
import streamlit as st

from labo_dash import action_table, actions, charts, clock, corrections, db, french, parsing, updates
from labo_dash.access import Actor
from labo_dash.errors import LaboError, ValidationError
from labo_dash.ui import action_form
from labo_dash.ui.actions import FOLLOW_UP_TOPICS, STATUS_CODES
from labo_dash.ui.cache import by_version
from labo_dash.ui.common import md_escape
from labo_dash.ui.feedback import saved, show_errors, version


def pick_action(table: pd.DataFrame) -> int:
    """Show the action chooser (preset by ``?action=N`` in the URL) and return the chosen action id."""
    ids = table["id"].astype(int).tolist()
    labels = dict(zip(ids, table["title"], strict=True))
    wanted = st.query_params.get("action")
    index = ids.index(int(wanted)) if wanted and wanted.isdigit() and int(wanted) in ids else 0
    return st.selectbox(
        "Action", ids, index=index, format_func=lambda i: f"N° {i} · {labels[i]}", key="action_choice",
        on_change=_link_action, placeholder="Choisissez…",
    )


def _link_action() -> None:
    """Put the chosen action in the URL (``?action=N``), so that the page can be shared or reloaded."""
    st.query_params["action"] = str(st.session_state["action_choice"])


def action_card(con: db.Connection, action_id: int, table: pd.DataFrame) -> actions.Action:
    """Show an action's provenance, state, alerts and details; return the action (:func:`actions.get_action`).

    ``table`` is the tracker (:func:`labo_dash.actions.tracker`): the alerts are its flags ``overdue``,
    ``mismatch`` and ``stale`` (the one rule of each, in the domain), ``attrs["last_review"]`` the review
    the stale alert refers to.
    """
    action = actions.get_action(con, action_id)
    flags = table.loc[table["id"] == action_id].iloc[0]
    st.subheader(md_escape(action.title), anchor=False)
    objectives = " · ".join(
        f"<span style='color:{charts.OBJECTIVE_COLORS[(o.number - 1) % 5]}'>■</span> "
        f"{o.number} · {md_escape(o.short_label)} ({french.percent(o.weight)})"
        for o in action.objectives
    )
    st.markdown(
        f"Issue de la solution **{md_escape(action.solution)}** · "
        f"défi **{md_escape(action.challenge)}**"
        + (f"  \nObjectifs : {objectives}" if objectives else ""),
        unsafe_allow_html=True,
    )
    state = [("Statut", french.status(action.status), None),
             ("Avancement", french.progress(action.progress), None),
             ("Budget acquis", french.amount(action.budget_secured),
              f"sur {french.amount(action.budget_planned)} prévus")]
    for col, (label, value, note) in zip(st.columns(3), state, strict=True):
        col.metric(label, value, help=note)
    if flags["overdue"]:
        st.error(f"En retard : l'échéance du {french.date(action.due_date)} est dépassée.", icon="⏰")
    mismatch = flags["mismatch"]
    if isinstance(mismatch, str):
        st.warning(
            md_escape(f"{mismatch} : à clarifier avec le pilote (rien n'est corrigé automatiquement)."),
            icon="⚠️",
        )
    if flags["stale"]:
        since = french.date(table.attrs["last_review"])
        st.warning(f"Pas de point d'avancement depuis la revue du {since}.", icon="💤")
    details = [
        ("Échéance", french.date(action.due_date)),
        ("Dernier point d'avancement", french.date(action.last_update)),
        ("Pilote", " · ".join(x for x in (action.pilot_structure, action.pilot_person) if x)),
        ("Contributeur·ice·s", action.contributors),
        ("Financeurs", action.funders),
        ("Début", french.date(action.start_date)),
        ("Prochaine étape", action.next_step),
        ("Poids", french.number(action.weight, 1) if action.weight else "1 (par défaut)"),
        ("Description", action.description),
    ]
    st.markdown("\n".join(f"- **{label}** : {md_escape(str(value))}" for label, value in details if value))
    return action


def points_mark(con: db.Connection, action_id: int) -> int:
    """Return the id of the action's latest point in force (0 without any).

    The forms built on the action's points (the new point's status and %, the point preselected for
    withdrawal) carry it in their widget keys: whenever the points change (a point recorded or withdrawn
    here, in the table, by an import or in another session), they start again from the new state.
    """
    points, _ = history(con, action_id)
    in_force = points.loc[~points["withdrawn"], "id"]
    return int(in_force.iloc[-1]) if len(in_force) else 0


def fields_mark(action: actions.Action) -> int:
    """Return a checksum of the action's fields (:meth:`actions.Action.fields`): the edit form carries it in
    its widget keys, so that a change of the fields saved elsewhere (table, import, another session) shows
    in it instead of being undone by its stale values."""
    return zlib.crc32(repr(sorted(action.fields().items())).encode())


def update_form(con: db.Connection, actor: Actor, action: actions.Action, today: dt.date) -> None:
    """Show the form recording a new progress update (errors next to the fields, input kept).

    The date has no upper bound in the widget: a date in the future is refused by the domain
    (:func:`labo_dash.updates.check_update`), in French, and stays as typed.
    """
    key = f"update_{action.id}_{version('update_form')}_{points_mark(con, action.id)}"
    with st.form(key):
        st.markdown("**Nouveau point d'avancement**")
        left, middle, right = st.columns([4, 3, 3])  # room for the whole date
        slots = {}
        reported_on = left.date_input("Date du point", value=today, format="DD/MM/YYYY", key=f"{key}_date")
        status = middle.selectbox(
            "Statut",
            STATUS_CODES,
            index=STATUS_CODES.index(action.status),
            format_func=french.status,
            key=f"{key}_status", placeholder="Choisissez…",
        )
        value = right.text_input(
            "Avancement (%)",
            value=parsing.typed(action.progress),
            placeholder="non mesuré (ex. 40 ou 40 %)",
            key=f"{key}_progress",
            help="Un nombre entier de 0 à 100, vide = non mesuré. Terminée va avec 100 %, À lancer avec 0 %.",
        )
        for field in ("reported_on", "status", "progress"):  # full width: the columns are narrow
            slots[field] = st.empty()
        comment = st.text_area("Commentaire", key=f"{key}_comment", height=80)
        slots["comment"] = st.empty()
        left, right = st.columns(2)
        evidence = left.text_input("Lien de preuve (facultatif)", key=f"{key}_url", placeholder="https://…")
        slots["evidence_url"] = left.empty()
        reporter = right.text_input("Rapporté par", value=actor.name, key=f"{key}_by")
        submitted = st.form_submit_button("Enregistrer le point", type="primary", icon="💾")
    if not submitted:
        return
    try:
        updates.record_update(
            con,
            actor,
            action.id,
            reported_on=reported_on,
            status=status,
            progress_value=value,
            comment=comment,
            evidence_url=evidence,
            reported_by=reporter,
            today=today,
        )
    except LaboError as exc:
        show_errors(exc, slots)
        return
    saved(f"Point d'avancement du {french.date(reported_on)} enregistré.", "update_form")


@by_version(*FOLLOW_UP_TOPICS, max_entries=64)
def history(con: db.Connection, action_id: int) -> tuple[pd.DataFrame, dict | None]:
    """Return an action's points (:func:`labo_dash.updates.history`, withdrawn ones included) and the
    Vega-Lite spec of its chart of the points in force (None without any), cached until a follow-up write."""
    points = updates.history(con, action_id)
    in_force = points[~points["withdrawn"]]
    return points, charts.action_history_chart(in_force).to_dict() if len(in_force) else None


def timeline(con: db.Connection, action_id: int) -> None:
    """Show the history of an action: its % over time and every update, newest first.

    A withdrawn point stays in the list, struck through, with « retiré le … par … : raison »; the chart
    and the deltas use the points in force only (as every roll-up does).
    """
    points, chart = history(con, action_id)
    st.markdown("**Historique des points d'avancement**")
    if points.empty:
        st.info(
            "Aucun point d'avancement : cette action n'a jamais été mesurée (elle ne compte pas dans "
            "les avancements agrégés)."
        )
        return
    if chart is not None:
        st.vega_lite_chart(chart, width="stretch")
    dates = dict(zip(points["id"], points["reported_on"], strict=True))
    tz = clock.zone(con)
    previous = None
    lines = []
    for row in points.itertuples():
        value = None if pd.isna(row.progress) else int(row.progress)
        delta = ""
        if not row.withdrawn and value is not None and previous is not None and value != previous:
            delta = f" ({'+' if value > previous else ''}{value - previous} points)"
        head = (
            f"**{french.date(row.reported_on.date())}** · {french.status(row.status)} · "
            + french.progress(value)
        )
        text = f"~~{head}~~" if row.withdrawn else head + delta
        if isinstance(row.comment, str):
            comment = md_escape(row.comment)
            if row.withdrawn:  # struck line by line: a strikethrough does not cross a line break
                comment = "  \n".join(f"~~{line.strip()}~~" for line in comment.splitlines() if line.strip())
            text += f"  \n{comment}"
        if isinstance(row.evidence_url, str):
            text += f"  \n[📎 Preuve]({quote(row.evidence_url, safe=':/?#&=%.,;~+@!$*-_')})"
        recorded = french.datetime(clock.local(row.recorded_at, tz))  # stored in UTC
        by = f" par {md_escape(row.reported_by)}" if isinstance(row.reported_by, str) else ""
        text += f"  \n:small[rapporté{by}, enregistré le {recorded}]"
        if row.withdrawn:
            text += (
                f"  \n:red[↩️ retiré le {french.date(row.withdrawn_on.date())} par "
                f"{md_escape(row.withdrawn_by)} : {md_escape(row.withdrawal_reason)}]"
            )
            if not pd.isna(row.replaced_by):
                replaced = dates.get(row.replaced_by)
                text += f"  \n:small[remplacé par le point corrigé n° {int(row.replaced_by)}" + (
                    f" du {french.date(replaced.date())}]" if replaced is not None else "]"
                )
        lines.append(text)
        if not row.withdrawn:
            previous = value if value is not None else previous
    with st.container(height=420 if len(lines) > 5 else "content"):
        for text in reversed(lines):
            st.markdown(text)
            st.divider()


def point_label(row: pd.Series) -> str:
    """Return a point's French label for a chooser: ``N° 12 · 20 octobre 2026 · En cours · 90 %``."""
    value = french.progress(row["progress"])
    return (
        f"N° {int(row['id'])} · {french.date(pd.Timestamp(row['reported_on']).date())} · "
        f"{french.status(row['status'])} · {value}"
    )


def withdraw_form(
    con: db.Connection, actor: Actor, action: actions.Action, today: dt.date
) -> None:
    """Show the form « Retirer ou corriger un point »: a point, a reason, optionally the corrected values.

    Without « Remplacer par un point corrigé », the point is withdrawn; with it, it is replaced by a
    point of the same date (one transaction). A refused form keeps what was typed; the newest point is
    preselected whenever the points change (:func:`points_mark`).
    """
    points, _ = history(con, action.id)
    points = points[~points["withdrawn"]]
    if points.empty:
        return
    key = f"withdraw_{action.id}_{version('withdraw_form')}_{points_mark(con, action.id)}"
    labels = {int(r["id"]): point_label(r) for _, r in points.iterrows()}
    ids = list(reversed(labels))  # newest first
    with st.form(key):  # shown in the card's expander « Retirer ou corriger un point »
        st.caption(
            "Un point saisi par erreur n'est jamais effacé : il est retiré, avec une raison, et reste barré "
            "dans l'historique ; les avancements agrégés, revues, rapports et exports ne le comptent plus."
        )
        slots = {}
        update_id = st.selectbox("Point à retirer", ids, format_func=labels.__getitem__, key=f"{key}_point",
                                 placeholder="Choisissez…")
        slots["update_id"] = st.empty()
        reason = st.text_area("Raison du retrait", key=f"{key}_reason",
                              height=68, placeholder="Par exemple : avancement saisi sur la mauvaise action")
        slots["reason"] = st.empty()
        replace = st.checkbox("Remplacer par un point corrigé (même date)", key=f"{key}_replace")
        left, right = st.columns(2)
        status = left.selectbox("Statut corrigé", STATUS_CODES, index=STATUS_CODES.index(action.status),
                                format_func=french.status, key=f"{key}_status", placeholder="Choisissez…")
        slots["status"] = left.empty()
        value = right.text_input("Avancement corrigé (%)", value=parsing.typed(action.progress),
                                 placeholder="non mesuré (ex. 40 ou 40 %)", key=f"{key}_progress")
        slots["progress"] = right.empty()
        comment = st.text_input("Commentaire du point corrigé", key=f"{key}_comment")
        slots["comment"] = st.empty()
        submitted = st.form_submit_button("Retirer le point", icon="↩️")
    if not submitted or update_id is None:  # the newest point is chosen by default: never None here
        return
    try:
        if replace:
            corrections.replace_update(con, actor, update_id, reason, status=status, progress_value=value,
                                       comment=comment, today=today)
        else:
            corrections.withdraw_update(con, actor, update_id, reason, today=today)
    except LaboError as exc:
        show_errors(exc, slots)
        return
    saved(f"Point n° {update_id} retiré" + (", remplacé par le point corrigé." if replace else "."),
          "withdraw_form")


def edit_form(con: db.Connection, actor: Actor, action: actions.Action, today: dt.date) -> None:
    """Show the form editing an action's fields (audited before/after; status and % go through updates).

    The fields are checked as a whole (:func:`labo_dash.actions.check_fields`) before saving: a refused
    form keeps what was typed, each message under its field. Its keys follow the fields
    (:func:`fields_mark`).
    """
    key = f"edit_{action.id}_{version('edit_form')}_{fields_mark(action)}"
    with st.form(key):
        title = st.text_input("Intitulé", value=action.title, key=f"{key}_{action_form.KEYS['title']}")
        slots = {"title": st.empty()}
        values, field_slots = action_form.field_inputs(key, action.fields())
        values["title"] = title
        submitted = st.form_submit_button("Enregistrer la fiche", icon="💾")
    if not submitted:
        return
    diff = actions.field_changes(action.fields(), values)
    if not diff:
        st.info("Aucune modification à enregistrer.")
        return
    errors = actions.check_fields({name: actions.clean(value) for name, value in values.items()})
    try:
        if errors:
            raise ValidationError("La fiche n'a pas été enregistrée : corrigez les champs signalés.", errors)
        action_table.save_changes(
            con, actor, {action.id: diff}, reported_on=today, reported_by=actor.name, today=today
        )
    except LaboError as exc:
        show_errors(exc, slots | field_slots)
        return
    saved("Fiche de l'action enregistrée.", "edit_form")
