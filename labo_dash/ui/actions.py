"""The action tracker's table on /actions: cached tracker data, filters and the bulk-edit data editor."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import streamlit as st

from labo_dash import action_table, actions, db, french, parsing
from labo_dash.access import Actor
from labo_dash.errors import LaboError, ValidationError
from labo_dash.ui.common import md_escape
from labo_dash.ui.feedback import flash, next_version, version

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


def fraction(value: float | None) -> str:
    """Format a rolled-up fraction as ``72,5 %``, or « non mesuré »."""
    return "non mesuré" if value is None or pd.isna(value) else french.percent(value)


def version_of(con: duckdb.DuckDBPyConnection) -> tuple:
    """Return the data version the page caches are keyed on."""
    return actions.data_version(con)


@st.cache_data(show_spinner=False, max_entries=32)
def load_tracker(
    _con: duckdb.DuckDBPyConnection, path: str, data_version: tuple, today: dt.date
) -> pd.DataFrame:
    """Return the tracker table (cached per database and data version)."""
    return actions.tracker(_con, today)


def tracker(con: duckdb.DuckDBPyConnection, today: dt.date) -> pd.DataFrame:
    """Return the tracker table of the current database, from the cache when nothing changed."""
    return load_tracker(con, str(db.default_path()), version_of(con), today)


def flags(row: pd.Series, last_review: dt.date | None) -> str:
    """Return the alerts of one tracker row as short French text with icons."""
    out = []
    if row["overdue"]:
        out.append("⏰ en retard")
    if isinstance(row["mismatch"], str):
        out.append("⚠️ statut et % en désaccord")
    if row["stale"] and last_review:
        out.append(f"💤 pas de point depuis le {french.date(last_review)}")
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
    frame["flags"] = [flags(row, table.attrs.get("last_review")) for _, row in frame.iterrows()]
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
    """
    cc = st.column_config
    return {
        "_index": cc.NumberColumn("N°", width="small", pinned=True),
        "title": cc.TextColumn("Intitulé", required=True, max_chars=200, width="large", pinned=True),
        "status": cc.SelectboxColumn(
            "Statut", options=STATUS_CODES, format_func=french.status, required=True, width="small"
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
            max_chars=actions.COMMENT_MAX,
            width="medium",
            help="Enregistré avec le nouveau point d'avancement",
        ),
        "evidence_url": cc.TextColumn(
            "Lien de preuve",
            width="small",
            help="Adresse web complète (https://…) d'un compte rendu, d'un livrable…",
        ),
        "flags": cc.TextColumn("Alertes", width="medium"),
        "last_update": cc.DateColumn("Dernier point", format="localized"),
        "start_date": cc.DateColumn("Début", format="localized"),
        "due_date": cc.DateColumn("Échéance", format="localized"),
        "pilot_structure": cc.TextColumn("Structure pilote", max_chars=200),
        "pilot_person": cc.TextColumn("Personne pilote", max_chars=200),
        "next_step": cc.TextColumn("Prochaine étape", max_chars=500, width="medium"),
        "budget_planned": cc.TextColumn("Budget prévu", alignment="right", help="En euros : « 45 000 » ou "
                                        "« 45 000,50 € »"),
        "budget_secured": cc.TextColumn("Budget acquis", alignment="right", help="En euros : « 45 000 » ou "
                                        "« 45 000,50 € »"),
        "funders": cc.TextColumn("Financeurs", max_chars=500),
        "contributors": cc.TextColumn("Contributeur·ice·s", max_chars=1000),
        "weight": cc.TextColumn(
            "Poids", alignment="right",
            help="Poids dans l'agrégation, au-dessus de 0, « 1,5 » par exemple (vide = 1)",
        ),
        "challenge": cc.TextColumn("Défi", width="medium"),
        "description": cc.TextColumn("Description", max_chars=2000, width="large"),
    }


def _filter(table: pd.DataFrame) -> pd.DataFrame:
    """Show the filter form and return the rows it keeps."""
    with st.form("action_filters", border=False):
        left, middle, right = st.columns([3, 2, 2], vertical_alignment="bottom")
        chosen = left.multiselect(
            "Défis",
            sorted(table["challenge"].unique()),
            key="filter_challenges",
            select_all=False,
            placeholder="Tous les défis",
        )
        statuses = middle.multiselect(
            "Statuts",
            STATUS_CODES,
            format_func=french.status,
            key="filter_statuses",
            select_all=False,
            placeholder="Tous les statuts",
        )
        alerts = right.checkbox("Seulement les actions en alerte", key="filter_alerts")
        st.form_submit_button("Filtrer", icon="🔎")
    keep = pd.Series(True, index=table.index)
    if chosen:
        keep &= table["challenge"].isin(chosen)
    if statuses:
        keep &= table["status"].isin(statuses)
    if alerts:
        keep &= table["overdue"] | table["stale"] | table["mismatch"].notna()
    return table[keep]


def action_table_section(con: duckdb.DuckDBPyConnection, actor: Actor, today: dt.date) -> None:
    """Show every action in an editable table; save all edited rows at once, or none with the reasons."""
    table = tracker(con, today)
    if table.empty:
        st.info(
            "Aucune action de suivi pour l'instant : créez-en à partir d'une solution, onglet « Solutions »."
        )
        return
    view = _filter(table)
    view.attrs = table.attrs
    if view.empty:
        st.warning("Aucune action ne correspond à ces filtres : élargissez-les.")
        return
    frame = editor_frame(view)
    if not actor.can("actions.write"):
        st.dataframe(frame, column_config=column_config(), placeholder="–")
        return
    st.caption(
        "Modifiez les cellules puis enregistrez : chaque changement de statut ou de % (ou un commentaire) "
        "devient un nouveau point d'avancement daté, les autres champs sont mis à jour et tout est "
        "journalisé. Enregistrez avant de changer de filtre."
    )
    errors = st.container()
    key = f"action_table_{version('action_table')}"
    with st.form("action_table_form"):
        left, right, _ = st.columns([1, 1, 2])
        reported_on = left.date_input(
            "Date des points d'avancement",
            value=today,
            max_value=today,
            format="DD/MM/YYYY",
            key="table_reported_on",
        )
        reported_by = right.text_input("Rapporté par", value=actor.name, key="table_reported_by")
        edited = st.data_editor(
            frame,
            key=key,
            column_config=column_config(),
            disabled=READ_ONLY,
            num_rows="fixed",
            height=min(38 + 35 * len(frame), 700),
            placeholder="–",
        )
        submitted = st.form_submit_button("Enregistrer les modifications", type="primary", icon="💾")
    if not submitted:
        return
    changes = action_table.table_changes(frame.reset_index(), edited.reset_index())
    if not changes:
        errors.info("Aucune modification à enregistrer.")
        return
    try:
        summary = action_table.save_changes(
            con, actor, changes, reported_on=reported_on, reported_by=reported_by, today=today
        )
    except ValidationError as exc:
        with errors:
            st.error(md_escape(str(exc)), icon="⚠️")
            st.markdown("\n".join(f"- {md_escape(message)}" for message in exc.fields.values()))
        return
    except LaboError as exc:
        errors.error(str(exc), icon="⚠️")
        return
    flash(
        "Enregistré : " + french.plural(summary["updates"], "point d'avancement", "points d'avancement")
        + ", " + french.plural(summary["actions"], "fiche modifiée", "fiches modifiées") + "."
    )
    next_version("action_table")
    st.rerun()
