"""French formatting and the French labels of the app's codes (statuses, kinds, sessions)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pandas as pd

NBSP = "\u00a0"  # keeps "1 234,5", "12,5 %" and "45 000,00 €" on one line, and goes before ":"
NNBSP = "\u202f"  # narrow no-break space: inside « », before ; ! ?

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


GRID_DATE = "DD/MM/YYYY"  # dates in data grids (moment.js format): French whatever the browser's language
UNMEASURED = "non mesuré"


def progress(value: float | Decimal | None, *, fraction: bool = False, decimals: int = 1) -> str:
    """Format a progress, the one text of an unmeasured one: « non mesuré » for None or NaN.

    An action's % (0..100, whole points): ``40`` -> ``40 %``. With ``fraction``, a rolled-up fraction
    (0..1) formatted as :func:`percent` with ``decimals``: ``0.725`` -> ``72,5 %`` (decimals=1).
    """
    if value is None or pd.isna(value):  # NaN, NA, NaT: pandas' empty cells
        return UNMEASURED
    if fraction:
        return percent(float(value), decimals)
    return f"{int(value)}{NBSP}%"


def ordinal(n: int, feminine: bool = False) -> str:
    """Write an ordinal number the French way: ``1er`` (``1re`` when ``feminine``), ``2e``, ``11e``.

    Never « 1ᵉ » nor « 1ème » (Imprimerie nationale's rules).
    """
    if n == 1:
        return "1re" if feminine else "1er"
    return f"{n}e"


def plural(n: int, singular: str, plural: str) -> str:
    """Return ``n`` and the words that agree with it: ``plural(3, "constat importé", "constats importés")``
    gives ``3 constats importés``; 0 and 1 take the singular (« 0 constat importé »), as French does.

    Words written out, never « constat(s) »; ``n`` is formatted by :func:`number` (« 1 234 »).
    """
    return f"{number(n)} {agree(n, singular, plural)}"


def agree(n: int, singular: str, plural: str) -> str:
    """Return the words that agree with a count ``n``, without it: ``agree(1, "Corrigez-la",
    "Corrigez-les")`` gives ``Corrigez-la``; 0 and 1 take the singular, as in :func:`plural`."""
    return singular if abs(n) < 2 else plural


def out_of(count: int, words: tuple[str, str], total: int, total_words: tuple[str, str]) -> str:
    """Return a count out of a total, each with its agreeing words (singular, plural), as :func:`plural`:
    ``out_of(42, ("votant·e", "votant·e·s"), 57, ("inscrit·e", "inscrit·e·s"))`` gives
    ``42 votant·e·s sur 57 inscrit·e·s``."""
    return f"{plural(count, *words)} sur {plural(total, *total_words)}"


def guillemets(text: str) -> str:
    """Quote ``text`` with French guillemets and narrow no-break spaces inside: ``«\u202ftext\u202f»``
    (a line never breaks after « nor before »)."""
    return f"«{NNBSP}{text}{NNBSP}»"


_SPACED = re.compile(r"(«) +| +(»)| +([:%€])| +([;!?])")


def spaces(text: str) -> str:
    """Put French typography's no-break spaces into ``text``: narrow ones inside « » and before ; ! ?,
    ordinary no-break ones before : % € (only where a space already is: « a : b » -> « a\u00a0: b »).

    For text shown to people (a line never starts with « : » or ends with « « »); never for text they
    typed and may send back.
    """
    def space(match: re.Match[str]) -> str:
        opening, closing, wide, narrow = match.groups()
        if opening:
            return opening + NNBSP
        if closing:
            return NNBSP + closing
        return NBSP + wide if wide else NNBSP + narrow

    return _SPACED.sub(space, text)


def rank(position: int, tied: bool = False, *, short: bool = False) -> str:
    """Format a rank: ``1er``, ``2e``, ``1er ex æquo`` (``tied``: the rank is shared), or ``1.`` (``short``).

    The one rank formatter of the app: every view takes ``position`` (1 = best; tied items share the
    same number, the next rank skipping theirs: 1, 1, 1, 4) and ``tied`` from
    :func:`labo_dash.results.ranking`. The short form, for lists and chart labels, reads « 1. 1. 1. 4. »:
    the repeated number shows the tie.
    """
    if short:
        return f"{position}."
    text = ordinal(position)
    return f"{text} ex æquo" if tied else text


def amount(value: float | Decimal | None) -> str:
    """Format an amount in euros with its cents: ``45 000,00 €`` (no-break spaces; ``–`` for none).

    The one money formatter of the app: fields, tables, metrics and reports.
    """
    return "–" if value is None else f"{number(value, 2)}{NBSP}€"


def date(value: dt.date | dt.datetime | None) -> str:
    """Format a date as ``26 novembre 2026`` (``1er`` for the first of the month)."""
    if value is None:
        return "–"
    day = ordinal(1) if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def month(value: dt.date) -> str:
    """Format a month as ``novembre 2026``."""
    return f"{MONTHS[value.month - 1]} {value.year}"


def of_month(value: dt.date) -> str:
    """Return ``de novembre 2026`` or, before a vowel, ``d'octobre 2026`` (« la fin d'octobre »)."""
    name = month(value)
    return f"d'{name}" if name[0] in "aeiouyâéèô" else f"de {name}"


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


# Vega's number and time locale in French (d3-format / d3-time-format definitions), for every chart's axes
# and tooltips: « 20 % », « 1 234,5 », « nov. 2026 » (labo_dash.charts registers it as the charts' theme).
VEGA_LOCALE: dict[str, dict[str, Any]] = {
    "number": {"decimal": ",", "thousands": NBSP, "grouping": [3], "currency": ["", f"{NBSP}€"],
               "percent": f"{NBSP}%"},
    "time": {
        "dateTime": "%A %e %B %Y à %X",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": ["", ""],
        "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        "months": list(MONTHS),
        "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                        "nov.", "déc."],
    },
}
