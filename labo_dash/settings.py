"""Organisers' settings, declared as data (name, default, French label and help) and stored in DuckDB.

A setting is a yes/no switch, a text chosen from a list (``choices``), such as the seminar's time zone, or
a whole number within bounds (``bounds``), such as the days before an action counts as without a point.
"""

from __future__ import annotations

import json
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from labo_dash import access, db
from labo_dash.access import Actor, Permission
from labo_dash.errors import NotFound, ValidationError


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default value, French label and help; ``choices`` (a function returning
    the allowed texts) makes it a text setting, ``bounds`` (lowest, highest, both allowed) a whole-number
    setting, else it is a yes/no switch."""

    name: str
    default: bool | str | int
    label: str
    help: str
    choices: Callable[[], list[str]] | None = None
    bounds: tuple[int, int] | None = None


@cache
def time_zones() -> list[str]:
    """Return the IANA time zone names known to Python (system zone data, else the ``tzdata`` package)."""
    return sorted(zoneinfo.available_timezones())


STALE_AFTER_DAYS = "stale_after_days"

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
        Setting(
            "time_zone",
            "Europe/Paris",
            "Fuseau horaire du séminaire",
            "Il fixe la date du jour (dates proposées, points « dans le futur », retards), les limites des "
            "mois des revues et des rapports, et l'heure affichée de chaque enregistrement. Les instants "
            "sont stockés en UTC : changer de fuseau ne modifie aucune donnée.",
            time_zones,
        ),
        Setting(
            STALE_AFTER_DAYS,
            14,
            "Délai avant de signaler une action sans point depuis la dernière revue (jours)",
            "Une action ouverte est signalée sans point d'avancement quand elle n'en a reçu aucun depuis la "
            "dernière revue du comité de pilotage tenue il y a au moins ce nombre de jours : juste après "
            "une revue, les pilotes ont le temps de faire leur point avant d'être signalé·e·s.",
            bounds=(0, 90),
        ),
    ]
}


def _setting(name: str) -> Setting:
    if name not in SETTINGS:
        raise NotFound(f"Réglage inconnu : « {name} ».")
    return SETTINGS[name]


def get_setting(con: db.Connection, name: str) -> bool | str | int:
    """Return the value of setting ``name`` (its default when never set)."""
    setting = _setting(name)
    rows = db.query(con, "SELECT value FROM settings WHERE name = ?", [name])
    return setting.default if not rows else json.loads(rows[0]["value"])


def switch_on(con: db.Connection, name: str) -> bool:
    """Return the value of the yes/no setting ``name``; TypeError for a setting of another kind."""
    value = get_setting(con, name)
    if not isinstance(value, bool):
        raise TypeError(f"the setting {name} is not a yes/no switch")
    return value


def whole_number(con: db.Connection, name: str) -> int:
    """Return the value of the whole-number setting ``name``; TypeError for a setting of another kind."""
    value = get_setting(con, name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"the setting {name} is not a whole number")
    return value


def all_settings(con: db.Connection) -> dict[str, bool | str | int]:
    """Return every setting's current value."""
    rows = db.query(con, "SELECT name, value FROM settings")
    stored = {row["name"]: json.loads(row["value"]) for row in rows}
    return {name: stored.get(name, s.default) for name, s in SETTINGS.items()}


def check_value(setting: Setting, value: object) -> None:
    """Raise ValidationError (French) unless ``value`` suits ``setting`` (yes/no, one of its choices, or a
    whole number within its bounds)."""
    if setting.bounds is not None:
        low, high = setting.bounds
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationError(
                f"Valeur refusée pour « {setting.label} » : un nombre entier de {low} à {high} est attendu, "
                f"pas « {value} ». Rien n'a été modifié.",
                {setting.name: f"de {low} à {high}"},
            )
    elif setting.choices is None:
        if not isinstance(value, bool):
            raise ValidationError(f"Valeur invalide pour « {setting.label} » : oui ou non attendu.")
    elif not isinstance(value, str) or value not in setting.choices():
        raise ValidationError(
            f"Valeur refusée pour « {setting.label} » : « {value} » n'est pas dans la liste "
            f"(par exemple « {setting.default} »). Rien n'a été modifié.",
            {setting.name: f"« {value} » inconnu"},
        )


def set_setting(con: db.Connection, actor: Actor, name: str, value: object) -> bool:
    """Store ``value`` for setting ``name`` (organisers only, audited); return whether it changed.

    Raises PermissionDenied for other roles, NotFound for an unknown setting, ValidationError for a value
    that does not suit it (e.g. an unknown time zone); nothing is written then.
    """
    access.require(actor, Permission.SEMINAR_ADMIN)
    setting = _setting(name)
    check_value(setting, value)
    with db.transaction(con, db.Topic.SETTINGS) as cur:
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
