"""One reader for the numbers people type and spreadsheets store: exact decimals, French or English style.

Every number that enters the app from a person (a form, the bulk table, an imported cell) goes through
:func:`parse_decimal` or one of its wrappers, so that « 1 234,5 », « 1234.5 », « 45 000 € », « 40,5 % »
are read the same everywhere, exactly (``decimal.Decimal``, never a float), and a value that cannot be
read exactly is refused with a French sentence that says what was read. Nothing is clamped or rounded:
a value out of range is an error, never replaced.

Accepted text: optional sign, digits with spaces (normal, non-breaking, narrow) between thousands, one
decimal separator (``,`` or ``.``), an optional unit at the end (``%`` for a percentage, ``€`` for an
amount). Refused: both separators at once (« 1.234,5 » is ambiguous), several separators, letters, NaN,
infinities, exponents.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from labo_dash import french
from labo_dash.errors import ValidationError

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d+)?|[.,]\d+)$")
_UNITS = {"%": "percent", "€": "euro", "eur": "euro", "euros": "euro"}
# Parts of an Excel number format that are shown as they are: "quoted text", \escaped chars, [Red]/[$€-40C].
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


class NumberError(ValidationError):
    """A value that is not a number read exactly; ``str(exc)`` says what was read, in French."""


def shown(value: Any) -> str:
    """Return how a value is quoted in a message: « 150 », « abc », « (vide) »."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "(vide)"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        text = text.replace(".", ",")  # a number is quoted the French way: « 0,1 »
    return text if len(text) <= 40 else text[:40] + "…"


def _split_unit(text: str) -> tuple[str, str | None]:
    """Return (number text, unit name or None) of a typed value such as « 40,5 % » or « 45 000 € »."""
    lowered = text.lower()
    for suffix, unit in sorted(_UNITS.items(), key=lambda item: -len(item[0])):
        if lowered.endswith(suffix):
            return text[: -len(suffix)], unit
    return text, None


def parse_decimal(value: Any, label: str, *, unit: str | None = None) -> Decimal | None:
    """Return ``value`` as an exact Decimal, None when blank; raise NumberError (French) when unreadable.

    ``value`` may be text (see the module docstring), an int, a float (read through its shortest repr,
    so 0.1 is 0.1) or a Decimal. ``unit`` ("percent" or "euro") is the one unit sign accepted after the
    number; any other sign is refused. ``label`` names the field in the message.
    """
    if value is None or value is pd.NA or value is pd.NaT:  # blank cells of pandas columns
        return None
    if isinstance(value, bool):
        raise NumberError(f"{label} : « {shown(value)} » n'est pas un nombre.")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else value
        if isinstance(value, float) and math.isnan(value):
            return None  # an empty cell of a pandas column
        if not number.is_finite():
            raise NumberError(f"{label} : « {shown(value)} » n'est pas un nombre fini.")
        return number
    if hasattr(value, "item"):  # numpy scalars
        return parse_decimal(value.item(), label, unit=unit)
    text = _SPACES.sub("", str(value))
    if not text:
        return None
    body, found = _split_unit(text)
    body = _SPACES.sub("", body)
    if found is not None and found != unit:
        raise NumberError(f"{label} : « {shown(value)} » lu, un nombre sans « {text[len(body):]} » attendu.")
    if not _NUMBER.match(body):
        raise NumberError(f"{label} : « {shown(value)} » n'est pas un nombre (exemples : 12 ; 12,5).")
    try:
        return Decimal(body.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern above only lets valid numbers through
        raise NumberError(f"{label} : « {shown(value)} » n'est pas un nombre.") from None


def parse_percent(
    value: Any, label: str, *, integer: bool = False, low: int = 0, high: int = 100
) -> Decimal | None:
    """Return a percentage typed as « 40 », « 40 % » or « 40,5 % » (Decimal, 0..100 units), None when blank.

    Raises NumberError, quoting what was read, when the value is not a number, is outside ``low``..``high``
    or (with ``integer``) has decimals. A spreadsheet cell shown as « 40 % » stores 0.4: readers turn such
    cells into the text « 40 % » first (:func:`percent_cell`), so they land here like a typed value.
    """
    number = parse_decimal(value, label, unit="percent")
    if number is None:
        return None
    expected = f"un nombre {'entier ' if integer else ''}de {low} à {high}"
    if not low <= number <= high or (integer and number != number.to_integral_value()):
        raise NumberError(f"{label} : « {shown(value)} » lu, {expected} attendu.")
    return number


def parse_amount(value: Any, label: str, *, high: int) -> Decimal | None:
    """Return an amount in euros typed as « 45 000 », « 45 000,50 € » (Decimal, cents at most), or None.

    Raises NumberError when negative, above ``high`` or with fractions of a cent.
    """
    number = parse_decimal(value, label, unit="euro")
    if number is None:
        return None
    if not 0 <= number <= high or number != number.quantize(Decimal("0.01")):
        limit = f"{high:,}".replace(",", "\u00a0")
        raise NumberError(
            f"{label} : « {shown(value)} » lu, un montant de 0 à {limit} € (centimes au plus) attendu."
        )
    return number


def percent_cell(value: Any, number_format: str | None) -> Any:
    """Return a spreadsheet cell's value as read by a person: a percent-formatted number as « 40 % » text.

    Excel stores a cell shown as « 100 % » as the number 1 with a percent number format (``0%``,
    ``0.00%``...); the value times 100 is exact in Decimal. A ``%`` inside quotes, escaped or in brackets
    (``0" %"``) is shown as is and does not scale. Other values are returned unchanged.
    """
    if not (number_format and "%" in _FORMAT_LITERALS.sub("", number_format)):
        return value
    if not isinstance(value, int | float | Decimal) or isinstance(value, bool):
        return value
    number = parse_decimal(value, "Cellule")
    if number is None:  # a number is never blank
        return value
    shown = (number * 100).normalize()
    return f"{shown:f}".replace(".", ",") + "\u00a0%"  # quoted the French way: « 90,5 % »


def parse_integer(value: Any, label: str, *, low: int | None = None, high: int | None = None) -> int | None:
    """Return a whole number typed as « 3 » or « 1 000 » (int), None when blank.

    Raises NumberError, quoting what was read, when the value is not a number, has decimals, or is
    outside ``low``..``high`` (each bound optional: a domain rule may check the range itself).
    """
    number = parse_decimal(value, label)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise NumberError(f"{label} : « {shown(value)} » lu, un nombre entier attendu.")
    if (low is not None and number < low) or (high is not None and number > high):
        span = f"de {low} à {high}" if low is not None and high is not None else (
            f"d'au moins {low}" if low is not None else f"d'au plus {high}")
        raise NumberError(f"{label} : « {shown(value)} » lu, un nombre entier {span} attendu.")
    return int(number)


def typed_amount(value: Any) -> str:
    """Return a stored amount as shown in a field or a text cell: « 8 000,00 € »
    (:func:`labo_dash.french.amount`, which :func:`parse_amount` reads back unchanged); blank gives ""."""
    number = parse_decimal(value, "Valeur")
    return "" if number is None else french.amount(number)


def typed(value: Any) -> str:
    """Return a stored number as a person would type it back in a text field: « 12 500,5 », « 33,33 ».

    Exact (a Decimal or a float's shortest repr, trailing zeros of the decimals dropped), French style
    (comma, non-breaking space between thousands), so that :func:`parse_decimal` reads it back unchanged.
    Blank (None, NaN) gives "".
    """
    number = parse_decimal(value, "Valeur")
    if number is None:
        return ""
    sign, digits = ("-", -number) if number < 0 else ("", number)
    text = f"{digits.normalize():f}" if digits == digits.to_integral_value() else f"{digits:f}".rstrip("0")
    whole, _, decimals = text.partition(".")
    whole = f"{int(whole):,}".replace(",", "\u00a0")
    return sign + whole + ("," + decimals if decimals else "")
