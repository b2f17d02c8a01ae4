"""The Excel round trip on /actions: download the current situation, upload it edited, preview, import."""

from __future__ import annotations

import datetime as dt
import functools

import pandas as pd
import streamlit as st

from labo_dash import db, french
from labo_dash.access import Actor
from labo_dash.actions import FIELDS
from labo_dash.errors import ImportRejected, LaboError
from labo_dash.imports import actions as actions_import
from labo_dash.imports.actions_sheet import READ_ONLY
from labo_dash.reporting.workbook import situation_xlsx
from labo_dash.ui.cache import by_version
from labo_dash.ui.common import md_escape
from labo_dash.ui.feedback import show_errors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def new_points(plan: actions_import.ImportPlan) -> pd.DataFrame:
    """Return the new points of an import, as its preview shows them: one row per point, columns Ligne (of
    the file), N° action, Action (its title), Date, Statut (French), Avancement (%), Commentaire; the
    points of the « Actions » sheet first, then the new rows of « Points d'avancement »."""
    points = [(c.line, c.title, c.update) for c in plan.changes if c.update]
    points += [(p.line, p.title, p.update) for p in plan.points]
    return pd.DataFrame(
        [{"Ligne": line, "N° action": update.action_id, "Action": title, "Date": update.reported_on,
          "Statut": french.status(update.status), "Avancement (%)": update.progress,
          "Commentaire": update.comment or ""} for line, title, update in points],
        columns=["Ligne", "N° action", "Action", "Date", "Statut", "Avancement (%)", "Commentaire"])


def _preview(plan: actions_import.ImportPlan) -> None:
    rows = [
        {"Ligne": c.line, "N°": c.action_id, "Action": c.title, "Champ": FIELDS[name][0],
         "Avant": "–" if before is None else str(before), "Après": "–" if after is None else str(after)}
        for c in plan.changes for name, (before, after) in c.fields.items()
    ]
    updates = new_points(plan)
    if rows:
        st.markdown(f"**{french.plural(len(rows), 'champ modifié', 'champs modifiés')}**")
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if len(updates):
        st.markdown(f"**{french.plural(len(updates), 'nouveau point', 'nouveaux points')} d'avancement** "
                    "(l'historique existant est conservé)")
        st.dataframe(updates, hide_index=True, width="stretch",
                     column_config={"Date": st.column_config.DateColumn(format="DD/MM/YYYY")})


@by_version(max_entries=8)  # every topic: the preview compares the file with the export rebuilt from them all
def _plan(con: db.Connection, data: bytes, filename: str, today: dt.date, reporter: str,
          ) -> actions_import.ImportPlan:
    """Return the preview of an uploaded file (:func:`labo_dash.imports.actions.plan_import`), computed once
    per file and data version: it rebuilds the export to compare with (~300 ms), and the page reruns on
    every click while the file stays in the uploader. A refused file raises, and is not cached."""
    return actions_import.plan_import(con, data, filename, today, reporter)


def import_section(con: db.Connection, actor: Actor, today: dt.date) -> None:
    """Offer the round trip: the current workbook, an upload, its preview, then the import on confirmation."""
    st.markdown(
        "1. Téléchargez la situation actuelle ; 2. modifiez dans Excel les feuilles « Actions » (fiches ; "
        "statut, avancement et dernier commentaire, qui font un nouveau point daté du jour) et « Points "
        "d'avancement » (une ligne **sans N°** par nouveau point) ; 3. déposez le fichier ci-dessous : un "
        "aperçu montre chaque changement avant l'import. Les colonnes "
        + ", ".join(f"« {header} »" for header in READ_ONLY)
        + " ne sont pas lues : un changement y refuse sa ligne, en disant pourquoi."
    )
    st.download_button("Télécharger la situation actuelle (Excel)",
                       functools.partial(situation_xlsx, con, today),
                       file_name=f"actions-{today:%Y-%m-%d}.xlsx", mime=XLSX, icon="📥", on_click="ignore")
    upload = st.file_uploader("Fichier modifié (.xlsx, ou CSV d'une des deux feuilles)",
                              type=["xlsx", "csv"], key="actions_import_file")
    if upload is None:
        return
    data = upload.getvalue()
    try:
        plan = _plan(con, data, upload.name, today, actor.name)
    except ImportRejected as exc:
        show_errors(exc)
        return
    if plan.empty:
        st.info(f"Ce fichier ne change rien (lu : {md_escape(plan.source)}) : il correspond déjà à la "
                "situation enregistrée.")
        return
    st.markdown(f"**Aperçu de l'import de « {md_escape(upload.name)} »** (lu : {md_escape(plan.source)})")
    _preview(plan)
    if st.button("Importer ces changements", type="primary", icon="✅", key="actions_import_apply"):
        try:
            done = actions_import.apply_import(con, actor, data, upload.name, today)
        except LaboError as exc:
            show_errors(exc)
            return
        fields = sum(bool(c.fields) for c in done.changes)
        points = sum(bool(c.update) for c in done.changes) + len(done.updates)
        st.success(f"Import terminé : {french.plural(fields, 'fiche modifiée', 'fiches modifiées')}, "
                   + french.plural(points, "point d'avancement ajouté", "points d'avancement ajoutés") + ".",
                   icon="✅")
