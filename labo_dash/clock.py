"""The app's clock and the seminar's time zone (domain brief §5).

Dates are the seminar's *local* dates: "today", the forms' default dates, the month boundaries of the
reviews and reports and the overdue checks use the time zone of the setting ``time_zone`` (default
``Europe/Paris``), whatever the server's own zone. Instants are stored in UTC (naive ``TIMESTAMP``
columns holding UTC; :func:`labo_dash.db.open_database` sets DuckDB's ``TimeZone`` to UTC so that
``current_timestamp`` defaults write UTC too) and shown in local time (:func:`local`). In SQL, the local
time of a stored instant is ``timezone(?, timezone('UTC', col))`` with :func:`zone_name` as parameter (a
naive local ``TIMESTAMP``; cast it to ``DATE`` for the local date). Never return a ``TIMESTAMPTZ`` to
Python: DuckDB needs ``pytz`` for that, which the app does not install.

Every "now" of the app comes from :func:`now`, which tests and demos can freeze:

- in-process (unit and AppTest tests): ``with clock.frozen("2026-09-30T22:30:00Z"): ...``;
- in a server started for a test or a demo: the environment variable ``LABO_NOW`` holding an ISO 8601
  instant with its offset (``2026-09-30T22:30:00Z``). It is meant for tests and demos only: the clock
  then stands still at that instant.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from labo_dash import settings
from labo_dash.errors import ValidationError

NOW_VARIABLE = "LABO_NOW"
_frozen: list[dt.datetime] = []  # a stack: the innermost frozen() wins (shared by the script threads)


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


def now() -> dt.datetime:
    """Return the current instant as an aware UTC datetime (frozen by :func:`frozen` or ``LABO_NOW``)."""
    if _frozen:
        return _frozen[-1]
    fixed = os.environ.get(NOW_VARIABLE)
    if fixed:
        return parse_instant(fixed)
    return dt.datetime.now(dt.UTC)


@contextmanager
def frozen(instant: dt.datetime | str) -> Iterator[dt.datetime]:
    """Stand the clock still at ``instant`` (aware datetime or ISO text) inside the block; for tests."""
    if isinstance(instant, str):
        instant = parse_instant(instant)
    elif instant.tzinfo is None:
        raise ValueError("frozen() needs an aware datetime (a naive one names no instant)")
    _frozen.append(instant.astimezone(dt.UTC))
    try:
        yield _frozen[-1]
    finally:
        _frozen.pop()


def stored(instant: dt.datetime) -> dt.datetime:
    """Return an aware instant as a ``TIMESTAMP`` column holds it: a naive datetime in UTC."""
    return instant.astimezone(dt.UTC).replace(tzinfo=None)


def stored_now() -> dt.datetime:
    """Return :func:`now` as stored in a ``TIMESTAMP`` column: a naive datetime holding UTC."""
    return stored(now())


def zone_name(con: duckdb.DuckDBPyConnection) -> str:
    """Return the seminar's IANA time zone name (setting ``time_zone``, default ``Europe/Paris``)."""
    return str(settings.get_setting(con, "time_zone"))


def zone(con: duckdb.DuckDBPyConnection) -> ZoneInfo:
    """Return the seminar's time zone."""
    return ZoneInfo(zone_name(con))


def local(instant: dt.datetime | pd.Timestamp, tz: dt.tzinfo) -> dt.datetime:
    """Return an instant in the zone ``tz`` (aware). A naive ``instant`` is a stored one, i.e. UTC."""
    if isinstance(instant, pd.Timestamp):
        instant = instant.to_pydatetime()
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(tz)


def local_now(con: duckdb.DuckDBPyConnection) -> dt.datetime:
    """Return the current instant in the seminar's local time (aware)."""
    return local(now(), zone(con))


def today(con: duckdb.DuckDBPyConnection) -> dt.date:
    """Return the seminar's local date now: the "today" of every form, review and overdue check."""
    return local_now(con).date()
