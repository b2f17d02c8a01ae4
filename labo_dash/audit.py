"""Reading the audit log (who, when, what, before and after) for organisers, and exporting it."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from labo_dash import access, clock, db, french, rounds, settings
from labo_dash.access import ROLE_LABELS, Actor, Permission
from labo_dash.contributions import STATUSES as POST_STATUSES
from labo_dash.imports import spreadsheet

# The log's vocabulary in French, in one place: kinds of records (`entity`), operations, fields and coded
# values, as db.audit() calls across labo_dash write them.
ENTITIES = {
    "action": "Action",
    "progress_update": "Point d'avancement",
    "finding": "Constat",
    "challenge": "Défi",
    "challenges": "Défis retenus",
    "solution": "Solution",
    "rounds": "Tour de vote",
    "ballots": "Bulletin",
    "participants": "Participant·e",
    "contribution": "Proposition",
    "barometer": "Baromètre",
    "review": "Comité de pilotage",
    "decision": "Décision",
    "seminars": "Séminaire",
    "settings": "Réglages",
}
OPERATIONS = {
    "create": "Création", "update": "Modification", "delete": "Suppression", "merge": "Fusion",
    "withdraw": "Retrait", "import": "Import", "select": "Choix des défis retenus",
    "submit": "Vote", "change": "Vote modifié", "accept": "Acceptation", "reject": "Refus",
    "self_register": "Inscription sur place", "open": "Ouverture", "closed": "Clôture",
    "draft": "Retour en préparation", "countdown": "Compte à rebours",
    "visibility": "Visibilité des résultats",
    "rehearsal": "Tour d'essai", "archive": "Archivage", "unarchive": "Désarchivage",
    "reference_round": "Tour de référence", "presence": "Présences",
}
FIELDS = {
    "title": "Intitulé", "description": "Description", "text": "Texte", "kind": "Type",
    "status": "Statut", "progress": "Avancement", "comment": "Commentaire", "evidence_url": "Lien de preuve",
    "reported_on": "Date du point", "reported_by": "Signalé par", "reason": "Motif",
    "action_id": "Action", "solution_id": "Solution", "challenge_id": "Défi", "round_id": "Tour",
    "participant_id": "Participant·e", "review_id": "Comité", "workshop_id": "Atelier",
    "reference_round_id": "Tour de référence", "replaced_by": "Remplacé par", "merged_into": "Fusionné dans",
    "replaces": "Remplace le point", "withdrawn_update_id": "Point retiré", "update_id": "Point",
    "entries": "Lignes du bulletin", "pilot": "Pilote", "contributors": "Contributeur·ice·s",
    "funders": "Financeurs", "next_step": "Prochaine étape", "start_date": "Début", "due_date": "Échéance",
    "budget_planned": "Budget prévu", "budget_secured": "Budget acquis", "weight": "Poids",
    "weights": "Poids par objectif", "objective_ids": "Objectifs", "finding_ids": "Constats",
    "group_label": "Regroupement", "participant_kind": "Type de participant·e",
    "sources": "Constats fusionnés",
    "file": "Fichier", "ids": "Numéros créés", "rows": "Lignes", "month": "Mois", "held_on": "Tenu le",
    "notes": "Notes", "owner": "Responsable", "method": "Méthode", "target": "Vote sur",
    "dots_per_voter": "Gommettes par personne", "max_per_item": "Gommettes par élément au plus",
    "grade_scale": "Mentions", "results_visibility": "Résultats", "revealed": "Résultats dévoilés",
    "rehearsal": "Tour d'essai", "archived_at": "Archivé le", "closes_at": "Fin du compte à rebours",
    "close_when_all_voted": "Clôture quand tout le monde a voté", "items": "Éléments soumis au vote",
    "selected": "Défis retenus", "name": "Nom", "structure": "Structure", "territory": "Territoire",
    "email": "Courriel", "ratings": "Notes par objectif", "opened_at": "Ouvert le", "closed_at": "Clos le",
    "created_at": "Créé le", "seminar_id": "Séminaire", "link": "Lien",
    "arrived": "Arrivé·e·s", "left": "Parti·e·s", "present": "Présent·e·s", "checked_in_at": "Arrivée",
} | {name: setting.label for name, setting in settings.SETTINGS.items()}
VALUES = {  # coded values, by field; `rounds` and `contribution` have their own statuses
    "status": french.STATUSES,
    "kind": french.FINDING_KINDS,
    "participant_kind": french.PARTICIPANT_KINDS,
    "method": rounds.METHODS,
    "target": rounds.TARGETS,
    "results_visibility": rounds.VISIBILITIES,
    "reason": {"countdown": "fin du compte à rebours", "all_voted": "tout le monde a voté"},
}
ENTITY_VALUES: dict[str, dict[str, Mapping[str, str]]] = {
    "rounds": {"status": rounds.STATUSES}, "contribution": {"status": POST_STATUSES},
}
AMOUNTS = {"budget_planned", "budget_secured"}
PERCENTS = {"progress"}
REFERENCES = {  # fields holding record numbers
    "action_id", "solution_id", "challenge_id", "round_id", "participant_id", "review_id", "workshop_id",
    "reference_round_id", "replaced_by", "merged_into", "replaces", "withdrawn_update_id", "update_id",
    "seminar_id", "ids", "sources", "items", "selected", "objective_ids", "finding_ids",
}
COLUMNS = {
    "id": "N°",
    "logged_at": "Date et heure",
    "actor": "Qui",
    "role": "Rôle",
    "entity": "Objet",
    "record": "Fiche",
    "operation": "Opération",
    "changes": "Modifications",
    "before": "Avant (JSON)",
    "after": "Après (JSON)",
}


@dataclass(frozen=True)
class AuditFilter:
    """What to show: entities and operations (empty = all), words in the actor's name, a date range."""

    entities: tuple[str, ...] = ()
    operations: tuple[str, ...] = ()
    who: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def entities(con: db.Connection) -> list[str]:
    """Return the kinds of records (codes) present in the log, in the order of their French names."""
    codes = [r["entity"] for r in db.query(con, "SELECT DISTINCT entity FROM audit_log")]
    return sorted(codes, key=lambda code: _sort_key(entity_label(code)))


def _sort_key(text: str) -> str:
    """``text`` lower-cased without accents: « Défi » sorts between « Constat » and « Import »."""
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))


def entity_label(code: str) -> str:
    """Return the French name of a kind of record (« Point d'avancement » for ``progress_update``)."""
    return ENTITIES.get(code, code.replace("_", " ").capitalize())


def operation_label(code: str) -> str:
    """Return the French name of an operation (« Clôture » for ``closed``)."""
    return OPERATIONS.get(code, code.replace("_", " ").capitalize())


def field_label(name: str) -> str:
    """Return the French name of a field of a record (« Statut » for ``status``)."""
    return FIELDS.get(name, name.replace("_", " ").capitalize())


def value_text(entity: str, field: str, value: Any, zone: str = "UTC") -> str:
    """Write one field's value in French: coded values by name (« En cours »), yes/no, dates
    (« 1er mai 2026 »), UTC instants in the seminar's ``zone``, amounts (« 45 000,00 € »), % (« 40 % »),
    record numbers (« n° 2 »), lists, and texts in guillemets (cut at 60 characters); None is « vide »."""
    if value is None or value == "" or value == []:
        return "vide"
    if isinstance(value, bool):
        return "oui" if value else "non"
    codes = ENTITY_VALUES.get(entity, {}).get(field) or VALUES.get(field)
    if codes is not None and isinstance(value, str) and value in codes:
        return codes[value]
    if field in REFERENCES:
        numbers = value if isinstance(value, list) else [value]
        return "n° " + ", ".join(str(n) for n in numbers)
    if field in AMOUNTS | PERCENTS and isinstance(value, str):  # a Decimal logged as its text
        with contextlib.suppress(InvalidOperation):
            value = float(Decimal(value))
    if isinstance(value, int | float):
        if field in AMOUNTS:
            return french.amount(value)
        if field in PERCENTS:
            return french.percent(value / 100, 0)
        return french.number(value, 0) if float(value).is_integer() else french.number(value, 2).rstrip("0")
    if isinstance(value, str):
        when = _moment(value, zone)
        if when is not None:
            return when
    if isinstance(value, dict):
        return ", ".join(f"{k} : {value_text(entity, '', v, zone)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(value_text(entity, "", v, zone) for v in value)
    text = str(value)
    return french.guillemets(text if len(text) <= 60 else text[:57] + "…")


def _moment(text: str, zone: str) -> str | None:
    """Return an ISO date (« 2026-05-01 ») or UTC instant (« 2026-05-01 07:30:00 ») in French, else None."""
    try:
        if len(text) == 10:
            return french.date(dt.date.fromisoformat(text))
        if 16 <= len(text) <= 32 and text[4] == "-" and text[10] in "T ":
            moment = dt.datetime.fromisoformat(text)
            moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
            return french.datetime(moment.astimezone(ZoneInfo(zone)))
    except ValueError:
        return None
    return None


def changes(before: object, after: object, entity: str = "", zone: str = "UTC") -> str:
    """Summarise a change in French, ``Champ : avant → après`` for each field that differs, joined by
    `` · ``: « Statut : En cours · Avancement : 40 % » (a created record: its values; a deleted one:
    ``→ supprimé``). ``before``/``after`` are the log's JSON texts; ``zone`` is the seminar's time zone."""
    old = json.loads(before) if isinstance(before, str) and before else {}
    new = json.loads(after) if isinstance(after, str) and after else {}
    if not isinstance(old, dict) or not isinstance(new, dict):
        return f"{value_text(entity, '', old, zone)} → {value_text(entity, '', new, zone)}"
    parts = []
    for key in list(dict.fromkeys([*old, *new])):
        if old.get(key) == new.get(key):
            continue
        label = field_label(key)
        if key not in old:
            parts.append(f"{label} : {value_text(entity, key, new[key], zone)}")
        elif key not in new:
            parts.append(f"{label} : {value_text(entity, key, old[key], zone)} → supprimé")
        else:
            parts.append(f"{label} : {value_text(entity, key, old[key], zone)} → "
                         f"{value_text(entity, key, new[key], zone)}")
    return " · ".join(parts) or "aucun changement de valeur"


def record_label(entity: str, entity_id: int | None) -> str:
    """Name the record an entry is about: « Action n° 2 », or « Réglages » when it has no number."""
    label = entity_label(entity)
    return label if entity_id is None or pd.isna(entity_id) else f"{label} n° {int(entity_id)}"


def record_link(
    entity: str, entity_id: int | None, before: object, after: object
) -> tuple[str, dict[str, str]] | None:
    """Return where the record of an entry is seen: (page script, query parameters), or None.

    An action and its points open the action's card on /actions (``?action=``), a round its projection on
    /resultats (``?tour=``), a review its month on /suivi (``?mois=``); findings, défis and posts open
    /diagnostic; participants, settings, the reference round and the selection open /admin's tab.
    """
    values = {**_as_dict(before), **_as_dict(after)}
    number = None if entity_id is None or pd.isna(entity_id) else int(entity_id)
    if entity == "action" and number is not None:
        return "pages/actions.py", {"action": str(number)}
    if entity == "progress_update" and values.get("action_id") is not None:
        return "pages/actions.py", {"action": str(values["action_id"])}
    if entity == "solution":
        return "pages/actions.py", {}
    if entity == "rounds" and number is not None:
        return "pages/resultats.py", {"tour": str(number)}
    if entity == "ballots" and values.get("round_id") is not None:
        return "pages/resultats.py", {"tour": str(values["round_id"])}
    if entity == "review" and values.get("month"):
        return "pages/suivi.py", {"mois": str(values["month"])[:7]}
    if entity in ("review", "decision"):
        return "pages/suivi.py", {}
    if entity in ("finding", "challenge", "contribution"):
        return "pages/diagnostic.py", {}
    tabs = {"participants": "Participant·e·s et badges", "settings": "Accès", "seminars": "Tours de vote",
            "challenges": "Défis retenus"}
    if entity in tabs:
        return "pages/admin.py", {"onglet": tabs[entity]}
    return None


def _as_dict(text: object) -> dict[str, Any]:
    value = json.loads(text) if isinstance(text, str) and text else {}
    return value if isinstance(value, dict) else {}


def audit_log(
    con: db.Connection, actor: Actor, where: AuditFilter = AuditFilter(), limit: int | None = None
) -> pd.DataFrame:
    """Return the log entries matching ``where``, newest first, in French (organisers only).

    Columns: those of COLUMNS (id, logged_at, actor, role, entity and operation in French, record
    « Action n° 2 », changes: French summary by :func:`changes`, before and after: JSON texts), then
    entity_code (``progress_update``...) and entity_id (None for an entry about several records), for
    :func:`record_link`.

    ``logged_at`` is given in the seminar's local time (naive; stored in UTC) and the date range of
    ``where`` is of local dates (labo_dash.clock).
    """
    access.require(actor, Permission.AUDIT_READ)
    until = where.until + dt.timedelta(days=1) if where.until else None
    frame = db.query_df(
        con,
        """
        SELECT * FROM (
            SELECT id, timezone(?, timezone('UTC', logged_at)) AS logged_at, actor, role, entity, entity_id,
                   operation, before::VARCHAR AS before, after::VARCHAR AS after
            FROM audit_log)
        WHERE (len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], entity))
          AND (len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], operation))
          AND (? = '' OR strip_accents(lower(actor)) LIKE '%' || strip_accents(lower(?)) || '%')
          AND (?::DATE IS NULL OR logged_at >= ?::DATE)
          AND (?::DATE IS NULL OR logged_at < ?::DATE)
        ORDER BY id DESC
        LIMIT ?
        """,
        [clock.zone_name(con)] + [list(where.entities)] * 2 + [list(where.operations)] * 2
        + [where.who.strip()] * 2 + [where.since] * 2 + [until] * 2 + [limit if limit is not None else 2**62],
    )
    zone = clock.zone_name(con)
    rows = zip(frame["entity"], frame["before"], frame["after"], strict=True)
    frame["changes"] = [changes(b, a, e, zone) for e, b, a in rows]
    frame["record"] = [record_label(e, i) for e, i in zip(frame["entity"], frame["entity_id"], strict=True)]
    frame["entity_code"] = frame["entity"]
    frame["entity"] = frame["entity"].map(entity_label)
    frame["role"] = frame["role"].map(lambda r: ROLE_LABELS.get(r, r))
    frame["operation"] = frame["operation"].map(operation_label)
    return frame[[*COLUMNS, "entity_code", "entity_id"]]


def count(con: db.Connection) -> int:
    """Return the number of entries in the log."""
    return db.query(con, "SELECT count(*) AS n FROM audit_log")[0]["n"]


def to_csv(frame: pd.DataFrame) -> bytes:
    """Return the entries as a French Excel CSV (``;``, UTF-8 with BOM, French headers)."""
    safe = spreadsheet.csv_frame(frame[list(COLUMNS)])  # user text never runs as a formula in Excel
    # CRLF as Excel writes it: a line break typed inside a text (even a lone "\r") then gets quoted.
    return safe.rename(columns=COLUMNS).to_csv(
        sep=";", index=False, date_format="%d/%m/%Y %H:%M:%S", lineterminator="\r\n"
    ).encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame) -> bytes:
    """Return the entries as an Excel workbook (one sheet, French headers, real date-times)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe = spreadsheet.xlsx_frame(frame[list(COLUMNS)]).rename(columns=COLUMNS)
        safe.to_excel(writer, sheet_name="Journal", index=False)
        sheet = writer.sheets["Journal"]
        spreadsheet.text_cells(sheet)  # user text never runs as a formula in Excel
        sheet.freeze_panes = "A2"
        for cell in sheet["B"][1:]:
            cell.number_format = "DD/MM/YYYY HH:MM:SS"
        for letter, width in zip("ABCDEFGHIJ", [8, 20, 24, 20, 18, 24, 14, 70, 40, 40], strict=True):
            sheet.column_dimensions[letter].width = width
    return buffer.getvalue()
