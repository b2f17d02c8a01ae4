"""Organisers' tabs on /admin: the audit log (filters, table, CSV/Excel export) and access settings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from labo_dash import audit, clock, db, french, settings
from labo_dash.access import Actor
from labo_dash.ui.common import french_errors, md_escape

SHOWN = 500  # rows shown on screen; the export holds every matching row


def _filter_form(con: db.Connection) -> audit.AuditFilter:
    with st.form("audit-filter"):
        left, middle, right = st.columns(3)
        entities = left.multiselect("Objets", audit.entities(con), key="audit_entities",
                                    format_func=audit.entity_label, placeholder="Tous les objets",
                                    select_all=False)
        operations = middle.multiselect(
            "Opérations", list(audit.OPERATIONS), format_func=lambda o: audit.OPERATIONS[o],
            key="audit_operations", placeholder="Toutes les opérations", select_all=False,
        )
        who = right.text_input("Qui (nom ou partie du nom)", key="audit_who", max_chars=80)
        dates = left.date_input("Période", value=[], key="audit_dates", format="DD/MM/YYYY")
        st.form_submit_button("Filtrer", icon="🔎")
    since, until = (*dates, None, None)[:2] if isinstance(dates, tuple | list) else (dates, dates)
    return audit.AuditFilter(tuple(entities), tuple(operations), who, since, until)


def render_audit_log(con: db.Connection, actor: Actor) -> None:
    """Show the audit log with filters and downloads (organisers only: the domain checks it)."""
    with french_errors():
        st.subheader("Journal des modifications")
        st.caption(
            "Chaque modification enregistrée dans l'application, avec son auteur·ice, son rôle, la date "
            f"et l'heure (fuseau {clock.zone_name(con)}) et les valeurs avant et après. "
            f"{french.number(audit.count(con))} entrées au total."
        )
        where = _filter_form(con)
        frame = audit.audit_log(con, actor, where)
        if frame.empty:
            st.info("Aucune modification ne correspond à ces filtres : élargissez la période ou les objets.")
            return
        shown = frame.head(SHOWN)
        table = st.dataframe(
            shown[["id", "logged_at", "actor", "role", "entity", "record", "operation", "changes"]],
            hide_index=True,
            width="stretch",
            key="audit_table",
            on_select="rerun",
            selection_mode="single-row",
            column_config={
                "id": st.column_config.NumberColumn("N°", format="%d", width="small"),
                "logged_at": st.column_config.DatetimeColumn(  # local time (audit.audit_log)
                    "Date et heure", format="DD/MM/YYYY HH:mm:ss"
                ),
                "actor": "Qui",
                "role": "Rôle",
                "entity": "Objet",
                "record": "Fiche",
                "operation": "Opération",
                "changes": st.column_config.TextColumn("Modifications", width="large"),
            },
        )
        _selected_entry(shown, table.selection.rows)
        if len(frame) > SHOWN:
            st.caption(f"{french.number(SHOWN)} entrées les plus récentes affichées sur "
                       f"{french.number(len(frame))} : le téléchargement les contient toutes.")
        stamp = clock.today(con).isoformat()
        left, right = st.columns(2)
        left.download_button("Télécharger (Excel)", audit.to_xlsx(frame), f"journal-{stamp}.xlsx",
                             mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                             icon="📥", width="stretch")
        right.download_button("Télécharger (CSV)", audit.to_csv(frame), f"journal-{stamp}.csv",
                              mime="text/csv", icon="📥", width="stretch")


def _selected_entry(shown: pd.DataFrame, rows: list[int]) -> None:
    """Under the table: the selected entry's changes in full and a link to its record's page."""
    if not rows:
        st.caption("Cochez une ligne pour lire la modification en entier et ouvrir sa fiche.")
        return
    entry = shown.iloc[rows[0]]
    st.markdown(f"**{md_escape(entry['record'])} · {md_escape(entry['operation'])}** — "
                f"{md_escape(entry['changes'])}")
    link = audit.record_link(entry["entity_code"], entry["entity_id"], entry["before"], entry["after"])
    if link is not None:
        page, params = link
        st.page_link(page, label=f"Ouvrir : {entry['record']}", icon="🔗", query_params=params or None)


def _setting_widget(setting: settings.Setting, value: bool | str | int) -> bool | str | int | None:
    """Show one setting's widget: a toggle for a yes/no setting, a list for a text setting, a number box
    for a whole-number setting (no bounds in the box: a value out of bounds is refused, never clamped).
    ``value`` is the stored value, of the setting's kind (settings.check_value); None: no choice made."""
    if isinstance(value, bool):
        return st.toggle(setting.label, value=value, help=setting.help, key=f"setting_{setting.name}")
    if isinstance(value, int):
        return st.number_input(setting.label, value=value, step=1, help=setting.help,
                               key=f"setting_{setting.name}")
    choices = setting.choices() if setting.choices is not None else [value]
    return st.selectbox(setting.label, choices, index=choices.index(value) if value in choices else None,
                        help=setting.help, key=f"setting_{setting.name}", placeholder="Choisissez…")


def render_access_settings(con: db.Connection, actor: Actor) -> None:
    """Show the organisers' settings (public projection, self-registration, time zone...) in a form."""
    st.subheader("Accès et réglages")
    current = settings.all_settings(con)
    with st.form("access-settings"):
        wanted = {name: _setting_widget(s, current[name]) for name, s in settings.SETTINGS.items()}
        submitted = st.form_submit_button("Enregistrer", type="primary")
    if submitted:
        with french_errors():
            for name, value in wanted.items():  # all checked first: a refused form writes nothing
                settings.check_value(settings.SETTINGS[name], value)
            changed = [n for n, value in wanted.items() if settings.set_setting(con, actor, n, value)]
            if changed:
                st.success("Réglages enregistrés.", icon="✅")
    local = clock.local_now(con)
    st.caption(f"Dans le fuseau {clock.zone_name(con)}, nous sommes le {french.datetime(local)}.")
    st.caption(
        "Les codes d'accès des rôles et la connexion par compte se règlent hors de l'application "
        "(variables d'environnement ou .streamlit/secrets.toml) : voir le README."
    )
