"""The one reader of typed and spreadsheet numbers: exact Decimals, French or English style, never clamped."""

from __future__ import annotations

from decimal import Decimal

import pytest

from labo_dash.errors import ValidationError
from labo_dash.parsing import (
    NumberError,
    parse_amount,
    parse_decimal,
    parse_integer,
    parse_percent,
    percent_cell,
    typed,
)

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1 234,5", Decimal("1234.5")),  # French: space between thousands, decimal comma
        (f"1{NBSP}234,5", Decimal("1234.5")),  # non-breaking space (what the app itself writes)
        (f"1{NNBSP}234,5", Decimal("1234.5")),  # narrow non-breaking space (Excel, macOS)
        ("1234.5", Decimal("1234.5")),  # English decimal point
        ("  -12,50 ", Decimal("-12.50")),
        (",5", Decimal("0.5")),
        ("+3", Decimal("3")),
        (0.1, Decimal("0.1")),  # a float through its shortest repr: exactly 0.1, not 0.1000000000000000055…
        (33.33, Decimal("33.33")),
        (7, Decimal("7")),
        (Decimal("45000.00"), Decimal("45000.00")),
        ("", None),
        ("   ", None),
        (None, None),
        (float("nan"), None),  # an empty cell of a pandas column
    ],
)
def test_parse_decimal_reads_french_and_english_styles_exactly(value, expected):
    assert parse_decimal(value, "Montant") == expected
    if expected is not None:
        assert isinstance(parse_decimal(value, "Montant"), Decimal)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1.234,5", "Montant : « 1.234,5 » n'est pas un nombre (exemples : 12 ; 12,5)."),  # ambiguous
        ("1,2,3", "Montant : « 1,2,3 » n'est pas un nombre (exemples : 12 ; 12,5)."),
        ("douze", "Montant : « douze » n'est pas un nombre (exemples : 12 ; 12,5)."),
        ("1e3", "Montant : « 1e3 » n'est pas un nombre (exemples : 12 ; 12,5)."),
        ("NaN", "Montant : « NaN » n'est pas un nombre (exemples : 12 ; 12,5)."),
        ("12 %", "Montant : « 12 % » lu, un nombre sans « % » attendu."),  # a unit not expected here
        (float("inf"), "Montant : « inf » n'est pas un nombre fini."),
        (True, "Montant : « True » n'est pas un nombre."),
    ],
)
def test_parse_decimal_refuses_what_it_cannot_read_exactly_quoting_it(value, message):
    with pytest.raises(NumberError) as error:
        parse_decimal(value, "Montant")
    assert str(error.value) == message
    assert isinstance(error.value, ValidationError)  # shown by every form like any other refusal


@pytest.mark.parametrize(
    ("value", "expected"),
    [("40", Decimal("40")), ("40 %", Decimal("40")), ("40,5 %", Decimal("40.5")), ("40,5%", Decimal("40.5")),
     (f"100{NBSP}%", Decimal("100")), ("0", Decimal("0")), (33.33, Decimal("33.33")), ("", None)],
)
def test_parse_percent_reads_the_typed_forms(value, expected):
    assert parse_percent(value, "Avancement") == expected


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        ("150", {}, "Avancement : « 150 » lu, un nombre de 0 à 100 attendu."),  # never clamped to 100
        ("-5 %", {}, "Avancement : « -5 % » lu, un nombre de 0 à 100 attendu."),
        ("40,5 %", {"integer": True}, "Avancement : « 40,5 % » lu, un nombre entier de 0 à 100 attendu."),
        (40.5, {"integer": True}, "Avancement : « 40,5 » lu, un nombre entier de 0 à 100 attendu."),
        ("40 €", {}, "Avancement : « 40 € » lu, un nombre sans « € » attendu."),
    ],
)
def test_parse_percent_refuses_out_of_range_and_decimals_when_whole(value, kwargs, message):
    with pytest.raises(NumberError) as error:
        parse_percent(value, "Avancement", **kwargs)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("value", "expected"),
    [("45 000", Decimal("45000")), ("45 000 €", Decimal("45000")), ("45 000,50 €", Decimal("45000.50")),
     ("45000 euros", Decimal("45000")), ("12 500.5", Decimal("12500.5")), (8000.1, Decimal("8000.1")),
     ("", None)],
)
def test_parse_amount_reads_euros(value, expected):
    assert parse_amount(value, "Budget prévu", high=100_000_000) == expected


@pytest.mark.parametrize("value", ["-1", "12,345", "100 000 001", 0.001])
def test_parse_amount_refuses_negative_above_the_limit_or_below_a_cent(value):
    with pytest.raises(NumberError) as error:
        parse_amount(value, "Budget prévu", high=100_000_000)
    assert str(error.value).startswith("Budget prévu : « ")
    limit = f"100{NBSP}000{NBSP}000"
    assert str(error.value).endswith(f" lu, un montant de 0 à {limit} € (centimes au plus) attendu.")


def test_parse_integer_refuses_decimals_and_out_of_bounds():
    assert parse_integer(" 3 ", "Gommettes") == 3 and parse_integer("", "Gommettes") is None
    assert parse_integer("25", "Gommettes") == 25  # without bounds, the domain rule checks the range
    with pytest.raises(NumberError, match="« 2,5 » lu, un nombre entier attendu"):
        parse_integer("2,5", "Gommettes")
    with pytest.raises(NumberError, match="« 25 » lu, un nombre entier de 1 à 20 attendu"):
        parse_integer("25", "Gommettes", low=1, high=20)


def test_percent_cells_read_as_a_person_sees_them():
    assert percent_cell(1, "0%") == "100\u00a0%" and percent_cell(0.405, "0.0%") == "40,5\u00a0%"
    assert parse_percent(percent_cell(0.405, "0.0%"), "Avancement") == Decimal("40.5")
    assert percent_cell(40, "General") == 40 and percent_cell("40 %", "0%") == "40 %"


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("45000.00"), f"45{NBSP}000"), (12500.5, f"12{NBSP}500,5"), (33.33, "33,33"), (0.1, "0,1"),
     (Decimal("1E+2"), "100"), (-5, "-5"), (None, ""), (float("nan"), "")],
)
def test_typed_writes_a_stored_number_back_as_read(value, text):
    assert typed(value) == text
    if text:
        assert parse_decimal(typed(value), "Valeur") == parse_decimal(value, "Valeur")
