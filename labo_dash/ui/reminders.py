"""The « Relances » section of /suivi: per pilot, what to send before the next steering review."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from labo_dash import db, french, reminders, review
from labo_dash.access import Actor, Permission
from labo_dash.errors import LaboError
from labo_dash.ui.actions import tracker
from labo_dash.ui.common import md_escape
from labo_dash.ui.feedback import show_errors


def reminders_section(con: db.Connection, actor: Actor, today: dt.date) -> None:
    """Show, for the organisers and the steering group, each pilot's reminder for the next review: the
    e-mail (a ``mailto:`` link and its text to copy), the CSV of every reminder and the due dates (.ics)."""
    if not actor.can(Permission.REVIEWS_WRITE):
        return
    st.subheader("Relances avant le prochain comité", anchor=False)
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    next_review = left.date_input(
        "Date du prochain comité",
        value=reminders.suggested_next_review(con, today),  # no lower bound: the domain refuses a past
        format="DD/MM/YYYY",                                # date in French, and it stays as typed
        key="reminders_next_review",
    )
    try:
        rows = reminders.reminders(con, today, next_review)
    except LaboError as exc:
        show_errors(exc)
        return
    last = review.last_review_date(con, today)
    since = f"depuis la revue du {french.date(last)}" if last else "(aucune revue enregistrée)"
    right.caption(
        "Pour chaque pilote : ses actions ouvertes dont l'échéance tombe d'ici le "
        f"{french.date(next_review)} (ou est dépassée), ou sans point d'avancement {since}. "
        "Aucun courriel n'est envoyé par l'application : ouvrez le message préparé dans votre "
        "messagerie, ou copiez son texte."
    )
    table = tracker(con, today)  # cached per data version
    stamp = f"{next_review:%Y-%m-%d}"
    csv_col, ics_col = st.columns(2)
    csv_col.download_button(
        "Télécharger les relances (CSV)", reminders.to_csv(rows), f"relances-{stamp}.csv", mime="text/csv",
        icon="📥", width="stretch", on_click="ignore", disabled=rows.empty,
    )
    ics_col.download_button(
        "Échéances de toutes les actions (.ics)", reminders.calendar(table), "echeances-actions.ics",
        mime="text/calendar", icon="📅", width="stretch", on_click="ignore",
        help="Un événement sur la journée par échéance d'action ouverte, à importer dans un agenda "
        "(Outlook, Google Agenda, Thunderbird…). Réimporter le fichier met les événements à jour.",
    )
    if rows.empty:
        st.success("Aucune relance à faire : chaque action ouverte a un point récent et aucune échéance "
                   "ne tombe d'ici le prochain comité.", icon="✅")
        return
    pilots = reminders.pilots(rows)
    st.caption(f"{french.plural(len(rows), 'action', 'actions')} à relancer, "
               f"{french.plural(len(pilots), 'pilote', 'pilotes')}.")
    for number, pilot in enumerate(pilots):
        _pilot(pilot, rows[rows["pilot"] == pilot], table, next_review, number)


def _pilot(pilot: str, mine: pd.DataFrame, table: pd.DataFrame, next_review: dt.date, number: int) -> None:
    """Show one pilot's reminder: the actions to chase (``mine``, rows of :func:`reminders.reminders`),
    the e-mail (link and text) and the pilot's due dates from the tracker ``table`` (.ics)."""
    with st.expander(f"{pilot} · {french.plural(len(mine), 'action', 'actions')}"):
        st.markdown("\n".join(f"- **{md_escape(r['title'])}** : {md_escape(r['reason'])}"
                              for _, r in mine.iterrows()))
        mail, agenda = st.columns(2)
        mail.link_button("Écrire le courriel", reminders.mailto(pilot, mine, next_review), icon="✉️",
                         width="stretch")
        agenda_file = reminders.calendar(table, pilot=pilot)
        if b"BEGIN:VEVENT" in agenda_file:  # no file without a due date in it
            agenda.download_button(
                "Ses échéances (.ics)", agenda_file,
                reminders.calendar_file_name(pilot),
                mime="text/calendar", icon="📅", width="stretch", on_click="ignore",
                key=f"reminders_ics_{number}",
            )
        else:
            agenda.caption("Aucune échéance datée : pas de fichier d'agenda.")
        st.caption(f"Objet : {reminders.subject(next_review)}")
        st.code(reminders.body(pilot, mine, next_review).replace("\r\n", "\n"), language=None,
                wrap_lines=True)
