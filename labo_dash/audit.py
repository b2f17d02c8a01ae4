"""Reading the audit log (who, when, what, before and after) for organisers, and exporting it."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from labo_dash import access, clock, db, spreadsheet
from labo_dash.access import ROLE_LABELS, Actor

OPERATIONS = {"create": "Création", "update": "Modification", "delete": "Suppression", "merge": "Fusion",
              "withdraw": "Retrait"}
COLUMNS = {
    "id": "N°",
    "logged_at": "Date et heure",
    "actor": "Qui",
    "role": "Rôle",
    "entity": "Objet",
    "entity_id": "Identifiant",
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


def entities(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Return the kinds of objects present in the log, alphabetically."""
    return [r["entity"] for r in db.query(con, "SELECT DISTINCT entity FROM audit_log ORDER BY entity")]


def _value(value: Any) -> str:
    if value is None:
        return "∅"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def changes(before: object, after: object) -> str:
    """Summarise a change in French: ``champ : avant → après`` for each field that differs."""
    old = json.loads(before) if isinstance(before, str) and before else {}
    new = json.loads(after) if isinstance(after, str) and after else {}
    if not isinstance(old, dict) or not isinstance(new, dict):
        return f"{_value(old)} → {_value(new)}"
    parts = []
    for key in list(dict.fromkeys([*old, *new])):
        if old.get(key) == new.get(key):
            continue
        if key not in old:
            parts.append(f"{key} : {_value(new[key])}")
        elif key not in new:
            parts.append(f"{key} : {_value(old[key])} → supprimé")
        else:
            parts.append(f"{key} : {_value(old[key])} → {_value(new[key])}")
    return " · ".join(parts) or "aucun changement de valeur"


def audit_log(
    con: duckdb.DuckDBPyConnection, actor: Actor, where: AuditFilter = AuditFilter(), limit: int | None = None
) -> pd.DataFrame:
    """Return the log entries matching ``where``, newest first, with French labels (organisers only).

    ``logged_at`` is given in the seminar's local time (naive; stored in UTC) and the date range of
    ``where`` is of local dates (labo_dash.clock).
    """
    access.require(actor, "audit.read")
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
    frame["changes"] = [changes(b, a) for b, a in zip(frame["before"], frame["after"], strict=True)]
    frame["role"] = frame["role"].map(lambda r: ROLE_LABELS.get(r, r))
    frame["operation"] = frame["operation"].map(lambda o: OPERATIONS.get(o, o))
    return frame[list(COLUMNS)]


def count(con: duckdb.DuckDBPyConnection) -> int:
    """Return the number of entries in the log."""
    return db.query(con, "SELECT count(*) AS n FROM audit_log")[0]["n"]


def to_csv(frame: pd.DataFrame) -> bytes:
    """Return the entries as a French Excel CSV (``;``, UTF-8 with BOM, French headers)."""
    safe = spreadsheet.csv_frame(frame)  # user text never runs as a formula in Excel
    # CRLF as Excel writes it: a line break typed inside a text (even a lone "\r") then gets quoted.
    return safe.rename(columns=COLUMNS).to_csv(
        sep=";", index=False, date_format="%d/%m/%Y %H:%M:%S", lineterminator="\r\n"
    ).encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame) -> bytes:
    """Return the entries as an Excel workbook (one sheet, French headers, real date-times)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe = spreadsheet.xlsx_frame(frame).rename(columns=COLUMNS)
        safe.to_excel(writer, sheet_name="Journal", index=False)
        sheet = writer.sheets["Journal"]
        spreadsheet.text_cells(sheet)  # user text never runs as a formula in Excel
        sheet.freeze_panes = "A2"
        for cell in sheet["B"][1:]:
            cell.number_format = "DD/MM/YYYY HH:MM:SS"
        for letter, width in zip("ABCDEFGHIJ", [8, 20, 24, 20, 18, 12, 14, 70, 40, 40], strict=True):
            sheet.column_dimensions[letter].width = width
    return buffer.getvalue()
