"""The app's configuration: every environment variable it reads, parsed and checked in one place.

=========================  =======================================================================
``LABO_DB``                the database: a DuckDB file (default ``data/labo.duckdb`` beside the code) or a
                           PostgreSQL URL, ``postgresql://user:password@host:5432/name`` (or ``postgres://``)
``LABO_BASE_URL``          the address phones reach, for the QR codes (default: detected at start-up,
                           :mod:`labo_dash.network`)
``LABO_BASE_URL_DETECTED`` ``1`` when serve.py detected ``LABO_BASE_URL`` itself (set by the app)
``LABO_BACKUP_DIR``        where automatic backups go (default ``backups/<file name>/`` beside a DuckDB
                           file; ``backups/<database name>/`` in the project for PostgreSQL)
``LABO_BACKUP_KEEP``       how many automatic backups are kept: a whole number, at least 1 (default 30)
``LABO_NOW``               a frozen instant, ISO 8601 with its offset, for tests and demos only
``LABO_*_PASSCODE_HASH``   the roles' passcode hashes (:mod:`labo_dash.auth`; secrets.toml wins)
=========================  =======================================================================

:func:`current` parses them once and again only when one of them changes (tests set them one test at a
time); serve.py and the command line call it at start-up, so that a bad value stops the app before it
serves anything, with a French message naming the variable (:class:`ConfigError`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import conninfo

from labo_dash.errors import LaboError, ValidationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "labo.duckdb"
DEFAULT_BACKUP_KEEP = 30
NOW_VARIABLE = "LABO_NOW"
DETECTED_VARIABLE = "LABO_BASE_URL_DETECTED"
PASSCODE_VARIABLE = re.compile(r"^LABO_[A-Z]+_PASSCODE_HASH$")
PREFIX = "LABO_"
POSTGRES_URL = re.compile(r"^postgres(ql)?://", re.IGNORECASE)


class ConfigError(LaboError):
    """An environment variable holds a value the app cannot use (the message names it, in French)."""


@dataclass(frozen=True, slots=True)
class Config:
    """The parsed configuration. Paths are as given (relative to the working directory); ``now`` is an
    aware UTC instant; ``passcode_hashes`` maps a variable name to its (stripped, non-empty) value."""

    database: Path | str = DEFAULT_DB  # a DuckDB file's path, or a PostgreSQL URL (a str)
    base_url: str | None = None  # without a trailing slash; None when LABO_BASE_URL is not set
    base_url_detected: bool = False
    backup_dir: Path | None = None
    backup_keep: int = DEFAULT_BACKUP_KEEP
    now: dt.datetime | None = None
    passcode_hashes: Mapping[str, str] = field(default_factory=dict)


def parse_instant(text: str) -> dt.datetime:
    """Return the aware UTC instant written ``text`` (ISO 8601 with an offset, e.g. ``...T22:30:00Z``).

    Raises ValidationError (French) for a text that is not an instant or has no offset (a local time
    without its zone names no instant).
    """
    try:
        instant = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            f"« {text} » n'est pas un instant ISO 8601 (attendu par exemple 2026-09-30T22:30:00Z)."
        ) from None
    if instant.tzinfo is None:
        raise ValidationError(
            f"« {text} » n'indique pas son fuseau : ajoutez Z (UTC) ou un décalage comme +02:00."
        )
    return instant.astimezone(dt.UTC)


def _backup_keep(text: str) -> int:
    try:
        keep = int(text)
    except ValueError:
        keep = 0
    if keep < 1:
        raise ConfigError(
            f"La variable d'environnement LABO_BACKUP_KEEP vaut « {text} » : elle doit donner le nombre "
            "de sauvegardes automatiques à garder, un nombre entier d'au moins 1 (30 si elle est absente)."
        )
    return keep


def _now(text: str) -> dt.datetime:
    try:
        return parse_instant(text)
    except ValidationError as exc:
        raise ConfigError(f"La variable d'environnement {NOW_VARIABLE} est invalide : {exc}") from None


def parse_database(text: str, origin: str = "La variable d'environnement LABO_DB") -> Path | str:
    """Return the database ``text`` names: a PostgreSQL URL (kept whole, as a str) or a DuckDB file's path
    (``data/labo.duckdb`` when blank). Raises ConfigError (French, starting with ``origin``, never echoing
    the text, which may hold a password) for a URL that cannot be read."""
    if not text:
        return DEFAULT_DB
    if not POSTGRES_URL.match(text):
        return Path(text)
    try:
        conninfo.conninfo_to_dict(text)
    except psycopg.ProgrammingError:
        raise ConfigError(
            f"{origin} n'est pas une adresse PostgreSQL lisible : attendu par exemple "
            "postgresql://utilisateur:motdepasse@serveur:5432/labo (les caractères spéciaux du mot de passe "
            "s'écrivent %XX, comme %40 pour @)."
        ) from None
    return text


def load(environ: Mapping[str, str]) -> Config:
    """Parse the configuration from ``environ`` (variables unset or blank take their default).

    Raises ConfigError for a bad ``LABO_BACKUP_KEEP`` (not a whole number ≥ 1), ``LABO_NOW`` or
    PostgreSQL URL in ``LABO_DB``.
    """
    values = {name: value.strip() for name, value in environ.items() if name.startswith(PREFIX)}
    base_url = values.get("LABO_BASE_URL", "").rstrip("/")
    keep = values.get("LABO_BACKUP_KEEP", "")
    now = values.get(NOW_VARIABLE, "")
    return Config(
        database=parse_database(values.get("LABO_DB", "")),
        base_url=base_url or None,
        base_url_detected=values.get(DETECTED_VARIABLE) == "1",
        backup_dir=Path(values["LABO_BACKUP_DIR"]) if values.get("LABO_BACKUP_DIR") else None,
        backup_keep=_backup_keep(keep) if keep else DEFAULT_BACKUP_KEEP,
        now=_now(now) if now else None,
        passcode_hashes={k: v for k, v in values.items() if v and PASSCODE_VARIABLE.match(k)},
    )


_lock = threading.Lock()
_cached: tuple[tuple[tuple[str, str], ...], Config] | None = None


def current() -> Config:
    """Return the configuration of this process's environment, parsed once per distinct set of ``LABO_*``
    values. Raises ConfigError (see :func:`load`)."""
    global _cached
    key = tuple(sorted((name, value) for name, value in os.environ.items() if name.startswith(PREFIX)))
    with _lock:
        if _cached is None or _cached[0] != key:
            _cached = (key, load(dict(key)))
        return _cached[1]
