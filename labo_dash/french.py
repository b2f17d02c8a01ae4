"""French formatting and the French labels of the app's codes (statuses, kinds, sessions)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

NBSP = "\u00a0"  # keeps "1 234,5" and "12,5 %" on one line

MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]

STATUSES = {
    "a_lancer": "À lancer",
    "en_cours": "En cours",
    "en_pause": "En pause",
    "terminee": "Terminée",
    "abandonnee": "Abandonnée",
}

FINDING_KINDS = {"frein": "Frein", "levier": "Levier", "constat": "Constat"}

PARTICIPANT_KINDS = {
    "accompagnateur": "Accompagnateur·ice",
    "ptce": "PTCE",
    "collectivite": "Collectivité territoriale",
    "financeur": "Financeur",
    "reseau": "Réseau",
    "chercheur": "Chercheur·euse",
    "autre": "Autre",
}


def number(value: float | int | Decimal | None, decimals: int = 0) -> str:
    """Format ``1234.5`` as ``1 234,5`` (non-breaking space between thousands)."""
    if value is None:
        return "–"
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


def too_long(subject: str, text: str, limit: int) -> str:
    """Return the one refusal of a text over its length limit, e.g. « Le texte fait 3 000 caractères ;
    500 au plus. » (``subject`` names the field with its article: « Le texte », « La description »)."""
    return f"{subject} fait {number(len(text))} caractères ; {number(limit)} au plus."


def percent(fraction: float | None, decimals: int = 1) -> str:
    """Format a fraction ``0.125`` as ``12,5 %`` (trailing ``,0`` dropped)."""
    if fraction is None:
        return "–"
    text = number(fraction * 100, decimals)
    if decimals and text.endswith("," + "0" * decimals):
        text = text[: -(decimals + 1)]
    return f"{text}{NBSP}%"


def rank(position: int, tied: bool = False, *, short: bool = False) -> str:
    """Format a rank: ``1er``, ``2e``, ``1er ex æquo`` (``tied``: the rank is shared), or ``1.`` (``short``).

    The one rank formatter of the app: every view takes ``position`` (1 = best; tied items share the
    same number, the next rank skipping theirs: 1, 1, 1, 4) and ``tied`` from
    :func:`labo_dash.results.ranking`. The short form, for lists and chart labels, reads « 1. 1. 1. 4. »:
    the repeated number shows the tie.
    """
    if short:
        return f"{position}."
    text = "1er" if position == 1 else f"{position}e"
    return f"{text} ex æquo" if tied else text


def euros(value: float | Decimal | None) -> str:
    """Format an amount as ``12 500 €``."""
    return "–" if value is None else f"{number(value)}{NBSP}€"


def date(value: dt.date | dt.datetime | None) -> str:
    """Format a date as ``26 novembre 2026`` (``1er`` for the first of the month)."""
    if value is None:
        return "–"
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def month(value: dt.date) -> str:
    """Format a month as ``novembre 2026``."""
    return f"{MONTHS[value.month - 1]} {value.year}"


def clock(value: dt.time) -> str:
    """Format a time of day the French way: ``9h``, ``12h30``."""
    return f"{value.hour}h{value.minute:02d}" if value.minute else f"{value.hour}h"


def status(code: str | None) -> str:
    """Return the French label of an action status code."""
    return STATUSES.get(code or "", code or "–")


def participant_kind(code: str | None) -> str:
    """Return the French label of a participant kind code."""
    return PARTICIPANT_KINDS.get(code or "", code or "Non renseigné")


def datetime(value: dt.datetime | None) -> str:
    """Format a moment as ``1er octobre 2026 à 0h30``; give it in local time (``clock.local``)."""
    if value is None:
        return "–"
    return f"{date(value)} à {clock(value.time())}"
