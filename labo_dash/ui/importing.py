"""The import section of /diagnostic: templates, preview, every bad line with its reason, then import."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from labo_dash import db, french
from labo_dash.access import Actor
from labo_dash.errors import LaboError
from labo_dash.french import FINDING_KINDS, PARTICIPANT_KINDS, percent
from labo_dash.imports import diagnosis as diagnosis_import
from labo_dash.ui.common import md_escape
from labo_dash.ui.diagnosis import morning_workshops, objectives_by_id
from labo_dash.ui.feedback import show_errors

KINDS = {"findings": "Constats (freins, leviers, constats)", "challenges": "Défis"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _preview(con: db.Connection, what: str, rows: list[dict]) -> pd.DataFrame:
    """Return the rows a file would add, with French columns."""
    workshops = morning_workshops(con)
    objectives = objectives_by_id(con)
    if what == "findings":
        return pd.DataFrame([{
            "Ligne": r["line"], "Atelier": workshops[r["workshop_id"]], "Type": FINDING_KINDS[r["kind"]],
            "Texte": r["text"], "Objectifs": ", ".join(objectives[o]["label"] for o in r["objective_ids"]),
            "Groupe": r["group_label"] or "",
            "Type de participant": PARTICIPANT_KINDS.get(r["participant_kind"] or "", ""),
        } for r in rows])
    return pd.DataFrame([{
        "Ligne": r["line"], "Titre": r["title"],
        "Atelier": workshops.get(r["workshop_id"], "Plusieurs ateliers"),
        "Pondérations": ", ".join(
            f"{objectives[o]['label']} {percent(w, 1)}" for o, w in r["weights"].items()
        ),
        "Constats": ", ".join(str(i) for i in r["finding_ids"]),
    } for r in rows])


def import_section(con: db.Connection, actor: Actor) -> None:
    """Import findings or défis from CSV / Excel: template, preview, refusal report, import."""
    state = st.session_state
    if "import_done" in state:
        st.success(state.pop("import_done"), icon="✅")
    what = st.segmented_control("Que voulez-vous importer ?", list(KINDS), format_func=KINDS.__getitem__,
                                key="import_what", default="findings") or "findings"
    if what == "findings":
        st.markdown("Colonnes : **atelier** (numéro ou titre), **type** (frein, levier ou constat), "
                    "**texte**, **objectifs** (numéros ou titres, séparés par des virgules), et si besoin "
                    "**groupe** et **type de participant**. Majuscules et accents des en-têtes "
                    "sont indifférents.")
        template = {fmt: diagnosis_import.findings_template(fmt) for fmt in ("csv", "xlsx")}
    else:
        st.markdown("Colonnes : **titre**, et si besoin **description**, **atelier** ; une colonne par "
                    "objectif (**objectif 1** … **objectif 5**) avec sa pondération en %, total 100 ; "
                    "**constats** : numéros des constats d'origine, séparés par des virgules.")
        template = {fmt: diagnosis_import.challenges_template(con, fmt) for fmt in ("csv", "xlsx")}
    name = "modele-constats" if what == "findings" else "modele-defis"
    cols = st.columns(2)
    cols[0].download_button("Modèle Excel (.xlsx)", template["xlsx"], f"{name}.xlsx", XLSX, icon="📄",
                            width="stretch")
    cols[1].download_button("Modèle CSV (Excel, point-virgule)", template["csv"], f"{name}.csv", "text/csv",
                            icon="📄", width="stretch")
    upload_key = f"import_file_{what}_{state.get('import_round', 0)}"
    upload = st.file_uploader("Fichier à importer (.csv ou .xlsx)", type=["csv", "xlsx", "txt"],
                              key=upload_key)
    if upload is None:
        st.info("Déposez un fichier : un aperçu s'affichera avant tout import, et rien ne sera écrit si une "
                "ligne pose problème.")
        return
    data = upload.getvalue()
    parse = diagnosis_import.parse_findings if what == "findings" else diagnosis_import.parse_challenges
    try:
        preview = parse(con, data, upload.name)
    except LaboError as exc:
        show_errors(exc)
        return
    rows = preview.rows
    one, many = ("constat", "constats") if what == "findings" else ("défi", "défis")
    ready = french.plural(len(rows), f"{one} prêt à être importé", f"{many} prêts à être importés")
    st.markdown(f"**Aperçu : {ready} depuis « {md_escape(upload.name)} »** "
                f"(lu : {md_escape(preview.source)}).")
    st.dataframe(_preview(con, what, rows), hide_index=True, width="stretch")
    label = f"Importer le {one}" if len(rows) == 1 else f"Importer les {french.plural(len(rows), one, many)}"
    if st.button(label, type="primary", icon="📥"):
        importer = (
            diagnosis_import.import_findings if what == "findings" else diagnosis_import.import_challenges
        )
        try:
            ids = importer(con, actor, data, upload.name)
        except LaboError as exc:
            show_errors(exc)
            return
        done = french.plural(len(ids), f"{one} importé", f"{many} importés")
        state.import_done = f"{done} depuis « {upload.name} »."
        state.import_round = state.get("import_round", 0) + 1
        st.rerun()
