"""What every part of the demo shares: the seminar's fixed dates and names, ids drawn from sequences,
column-wise inserts and the seminar's local times."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from labo_dash import db

SEMINAR_ID = 1
DAY = dt.date(2026, 3, 24)
PARIS = ZoneInfo("Europe/Paris")  # the demo's times are the seminar's local times
VENUE = "Maison de l'ESS, Paris"
SEMINAR_CREATED = dt.datetime(2026, 1, 12, 8, 30)  # UTC: 9h30 in Paris
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
REPORT_MONTHS = tuple(range(4, 12))  # monthly check-ins, April to November 2026
COORDINATOR = "Hélène Marchand (Le Labo de l'ESS)"
EVIDENCE_URL = "https://docs.exemple.org/labo-ess/suivi/action-{number:02d}-{day:%Y-%m}.pdf"


def allocate(cur: db.Cursor, sequence: str, n: int) -> list[int]:
    """Draw ``n`` ids from a sequence, so that later inserts by the app keep using fresh ids."""
    return sorted(row[0] for row in cur.execute("SELECT nextval(?) FROM range(?)", [sequence, n]).fetchall())


def insert(cur: db.Cursor, table: str, columns: str, rows: list[tuple[Any, ...]]) -> int:
    """Insert ``rows`` (tuples in the order of ``columns``, names separated by commas) into ``table`` in one
    ``INSERT ... SELECT unnest(?), ...`` statement, the values passed column by column."""
    if rows:
        slots = ", ".join(["unnest(?)"] * len(columns.split(",")))
        cur.execute(
            f"INSERT INTO {table} ({columns}) SELECT {slots}",  # names from this package's code, no value
            [list(column) for column in zip(*rows, strict=True)],
        )
    return len(rows)


def at(day: dt.date, hour: int, minute: int, second: int = 0) -> dt.datetime:
    """Return the stored instant (naive UTC) of ``day`` at the given local time of the seminar (Paris)."""
    local = dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=PARIS)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def weekday(day: dt.date) -> dt.date:
    """Return ``day``, moved to the nearest weekday when it falls on a weekend (Saturday back, Sunday on)."""
    if day.weekday() == 5:
        return day - dt.timedelta(days=1)
    if day.weekday() == 6:
        return day + dt.timedelta(days=1)
    return day
