"""Reminders for the next steering review, without a mail server.

For the next review, each pilot gets the list of their open actions that are due by that review (or already
late) or that have had no progress update since the last review. The reminder is given as ready-to-send
e-mail text (a ``mailto:`` link, RFC 6068, with a French subject and body), as a French Excel CSV, and the
actions' due dates as an iCalendar file (RFC 5545, one all-day event per action) for the pilots' agendas.

The « pas de point » reason here compares with the *latest* review held on or before today: the reminder
asks for a point before the next review. The tracker's alert (:func:`labo_dash.actions.stale_since`) waits
``stale_after_days`` after a review before flagging anyone.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from urllib.parse import quote

import icalendar
import pandas as pd

from labo_dash import actions, clock, db, french, imports, progress, review
from labo_dash.errors import ValidationError

COLUMNS = ["pilot", "pilot_person", "pilot_structure", "id", "title", "challenge", "due_date", "status",
           "progress", "last_update", "due", "silent", "reason"]
CSV_HEADERS = ["Pilote", "Action", "Défi", "Échéance", "Statut", "Avancement", "Dernier point",
               "Motif de la relance"]
NO_PILOT = "Sans pilote"
UID_DOMAIN = "labo-dash.lelabo-ess.org"


def pilot_label(person: object, structure: object) -> str:
    """Return how a pilot is named: « Personne (Structure) », either alone, or « Sans pilote »."""
    person = person.strip() if isinstance(person, str) else ""
    structure = structure.strip() if isinstance(structure, str) else ""
    if person and structure:
        return f"{person} ({structure})"
    return person or structure or NO_PILOT


def suggested_next_review(con: db.Connection, today: dt.date, seminar_id: int = 1) -> dt.date:
    """Return a likely date for the next review: the same day of the month as the latest review, in the
    first month that puts it after ``today`` (local dates); 30 days from today when no review exists."""
    last = review.last_review_date(con, today, seminar_id)
    if last is None:
        return today + dt.timedelta(days=30)
    day, month = last.day, review.month_start(last)
    while True:
        month = review.month_start(review.month_end(month) + dt.timedelta(days=1))
        candidate = month.replace(day=min(day, review.month_end(month).day))
        if candidate > today:
            return candidate


def _date(value: object) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def reminders(
    con: db.Connection, today: dt.date, next_review: dt.date, seminar_id: int = 1
) -> pd.DataFrame:
    """Return one row per pilot and action to remind them of, ordered by pilot then due date.

    An action is listed when it is open (neither done nor abandoned) and either due on or before
    ``next_review`` (``due``; late ones included) or without a progress update since the latest review held
    on or before ``today`` (``silent``; never when no review exists). Dates are local dates.

    Columns: ``pilot`` (label, :func:`pilot_label`), ``pilot_person``, ``pilot_structure``, ``id``,
    ``title``, ``challenge`` (défi title), ``due_date`` / ``last_update`` (``datetime.date`` or None),
    ``status`` (code), ``progress`` (% 0-100 or None), ``due`` / ``silent`` (bool), ``reason`` (French).

    Raises ValidationError (field ``next_review``, French) when ``next_review`` is before ``today``: the
    next review is today or later.
    """
    if next_review < today:
        raise ValidationError(
            "Les relances n'ont pas été préparées : la date du prochain comité est passée.",
            {"next_review": f"Date du prochain comité : {french.date(next_review)} est passé ; choisissez "
                            f"aujourd'hui ({french.date(today)}) ou une date à venir."},
        )
    table = actions.tracker(con, today, seminar_id)
    since = review.last_review_date(con, today, seminar_id)
    open_ = ~table["status"].isin(progress.CLOSED)
    due = open_ & table["due_date"].notna() & (table["due_date"] <= pd.Timestamp(next_review))
    if since is None:
        silent = pd.Series(False, index=table.index)
    else:
        silent = (open_ & (table["created_on"] <= pd.Timestamp(since))  # created since: nothing to ask yet
                  & (table["last_update"].isna() | (table["last_update"] <= pd.Timestamp(since))))
    chosen = table[due | silent].copy()
    chosen["due"], chosen["silent"] = due[chosen.index], silent[chosen.index]
    chosen["pilot"] = [pilot_label(p, s) for p, s in zip(chosen["pilot_person"], chosen["pilot_structure"],
                                                        strict=True)]
    chosen["due_date"] = [_date(d) for d in chosen["due_date"]]
    chosen["last_update"] = [_date(d) for d in chosen["last_update"]]
    chosen["progress"] = pd.Series([None if pd.isna(p) else int(p) for p in chosen["progress"]],
                                   index=chosen.index, dtype="object")  # whole % or None, never 60.0
    chosen["reason"] = [_reason(row, today, since) for _, row in chosen.iterrows()]
    chosen = chosen.sort_values(["pilot", "due_date", "title"], na_position="last", kind="stable")
    return chosen[COLUMNS].reset_index(drop=True)


def _reason(row: pd.Series, today: dt.date, since: dt.date | None) -> str:
    """Return why an action is in the reminder, in French (due date, then the missing point)."""
    parts = []
    if row["due"]:
        when = french.date(row["due_date"])
        parts.append(f"en retard (échéance le {when})" if row["due_date"] < today else f"échéance le {when}")
    if row["silent"]:
        parts.append(f"pas de point depuis la revue du {french.date(since)}")
    return " ; ".join(parts)


def _measured(progress_value: int | None) -> str:
    return french.progress(progress_value)


def pilots(rows: pd.DataFrame) -> list[str]:
    """Return the pilots of a :func:`reminders` frame, in order, each once."""
    return list(dict.fromkeys(rows["pilot"]))


def subject(next_review: dt.date) -> str:
    """Return the French subject of a reminder e-mail for the review of ``next_review``."""
    return f"Comité de pilotage du {french.date(next_review)} : vos actions à mettre à jour"


def body(pilot: str, rows: pd.DataFrame, next_review: dt.date) -> str:
    """Return the French body of one pilot's reminder e-mail (``rows``: that pilot's :func:`reminders`
    rows), lines separated by CRLF as RFC 6068 asks of a ``mailto:`` body."""
    greeting = "Bonjour," if pilot == NO_PILOT else f"Bonjour {rows['pilot_person'].iloc[0] or pilot},"
    count = "l'action suivante :" if len(rows) == 1 else f"les {french.number(len(rows))} actions suivantes :"
    lines = [
        greeting,
        "",
        f"Le prochain comité de pilotage se réunit le {french.date(next_review)}. Pour le préparer, "
        "pouvez-vous envoyer un point d'avancement (statut, pourcentage, commentaire) sur "
        + count,
        "",
    ]
    for _, row in rows.iterrows():
        lines.append(f"- {row['title']} (défi « {row['challenge']} ») : {row['reason']}. "
                     f"Aujourd'hui : {french.status(row['status'])}, {_measured(row['progress'])}.")
    lines += ["", "Merci d'avance,", "L'équipe d'animation du suivi"]
    return "\r\n".join(lines)


def mailto(pilot: str, rows: pd.DataFrame, next_review: dt.date) -> str:
    """Return a ``mailto:`` link (RFC 6068) without recipient, carrying the subject and body of one
    pilot's reminder, percent-encoded as UTF-8 (the pilot's address is typed in the mail program)."""
    return (f"mailto:?subject={quote(subject(next_review), safe='')}"
            f"&body={quote(body(pilot, rows, next_review), safe='')}")


def to_csv(rows: pd.DataFrame) -> bytes:
    """Return a :func:`reminders` frame as a French Excel CSV (``;``, UTF-8 with BOM, CRLF, dates
    ``31/12/2026``, headers :data:`CSV_HEADERS`), one line per pilot and action."""
    def day(value: dt.date | None) -> str:
        return value.strftime("%d/%m/%Y") if value else ""

    lines = [
        [row["pilot"], row["title"], row["challenge"], day(row["due_date"]), french.status(row["status"]),
         "" if row["progress"] is None else _measured(row["progress"]), day(row["last_update"]),
         row["reason"]]
        for _, row in rows.iterrows()
    ]
    return imports.template_csv(CSV_HEADERS, lines)


def calendar(table: pd.DataFrame, pilot: str | None = None) -> bytes:
    """Return an iCalendar file (RFC 5545) with one all-day event per open action of ``table`` (neither
    done nor abandoned) that has a due date: UID ``action-<id>@…`` (stable, so a re-import updates the
    event), summary = action title, description = défi and pilot. ``table`` needs these columns of
    :func:`labo_dash.actions.tracker`: ``id``, ``title``, ``challenge``, ``pilot_person``,
    ``pilot_structure``, ``due_date``, ``status``. With ``pilot`` (a :func:`pilot_label`), only that
    pilot's actions."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Le Labo de l'ESS//Tableau de bord du suivi//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Échéances des actions de suivi")
    stamp = clock.now()
    for _, row in table.iterrows():
        due = _date(row["due_date"])
        if due is None or row["status"] in progress.CLOSED or (
            pilot is not None and pilot_label(row["pilot_person"], row["pilot_structure"]) != pilot
        ):
            continue
        event = icalendar.Event()
        event.add("uid", f"action-{int(row['id'])}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", due)
        event.add("dtend", due + dt.timedelta(days=1))
        event.add("summary", row["title"])
        event.add("description", f"Défi : {row['challenge']}\nPilote : "
                                 f"{pilot_label(row['pilot_person'], row['pilot_structure'])}")
        event.add("transp", "TRANSPARENT")  # a deadline, not a busy slot
        cal.add_component(event)
    return cal.to_ical()


def calendar_file_name(pilot: str) -> str:
    """Return the name of ``pilot``'s .ics file, e.g. ``echeances-aminata-kone-coopaname.ics`` (ASCII)."""
    plain = unicodedata.normalize("NFKD", pilot).encode("ascii", "ignore").decode("ascii")
    return f"echeances-{re.sub(r'[^0-9A-Za-z]+', '-', plain).strip('-').lower() or 'pilote'}.ics"
