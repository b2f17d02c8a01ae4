"""Organisers' settings, declared as data (name, default, French label and help) and stored in DuckDB."""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb

from labo_dash import access, db
from labo_dash.access import Actor
from labo_dash.errors import NotFound, ValidationError


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default value, French label and help."""

    name: str
    default: bool
    label: str
    help: str


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting(
            "public_projection",
            False,
            "Projection en direct ouverte à tou·te·s",
            "Quand cette option est active, la page « Résultats en direct » s'ouvre sans connexion "
            "(par exemple sur l'écran de la salle ou les téléphones des participant·e·s).",
        ),
        Setting(
            "self_registration",
            False,
            "Inscription sur place (personnes sans badge)",
            "Quand cette option est active, une personne sans code peut s'inscrire elle-même depuis la page "
            "de vote (nom, structure, type, territoire) et reçoit aussitôt son code personnel.",
        ),
    ]
}


def _setting(name: str) -> Setting:
    if name not in SETTINGS:
        raise NotFound(f"Réglage inconnu : « {name} ».")
    return SETTINGS[name]


def get_setting(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Return the value of setting ``name`` (its default when never set)."""
    setting = _setting(name)
    rows = db.query(con, "SELECT value FROM settings WHERE name = ?", [name])
    return setting.default if not rows else json.loads(rows[0]["value"])


def all_settings(con: duckdb.DuckDBPyConnection) -> dict[str, bool]:
    """Return every setting's current value."""
    rows = db.query(con, "SELECT name, value FROM settings")
    stored = {row["name"]: json.loads(row["value"]) for row in rows}
    return {name: stored.get(name, s.default) for name, s in SETTINGS.items()}


def set_setting(con: duckdb.DuckDBPyConnection, actor: Actor, name: str, value: bool) -> bool:
    """Store ``value`` for setting ``name`` (organisers only, audited); return whether it changed."""
    access.require(actor, "seminar.admin")
    setting = _setting(name)
    if not isinstance(value, bool):
        raise ValidationError(f"Valeur invalide pour « {setting.label} » : oui ou non attendu.")
    with db.transaction(con) as cur:
        row = cur.execute("SELECT value FROM settings WHERE name = ?", [name]).fetchone()
        before = setting.default if row is None else json.loads(row[0])
        if row is not None and before == value:
            return False
        cur.execute(
            "INSERT INTO settings (name, value, updated_by) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, "
            "updated_at = excluded.updated_at",
            [name, json.dumps(value), actor.name],
        )
        db.audit(cur, actor, "settings", None, "update", {name: before}, {name: value})
    return before != value
