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
from zoneinfo import ZoneInfo

import pandas as pd

from labo_dash import db, settings
from labo_dash.config import NOW_VARIABLE, parse_instant
from labo_dash.instant import frozen, now, stored, stored_now

__all__ = [  # the instant itself lives below the database layer (labo_dash.instant, labo_dash.config)
    "NOW_VARIABLE", "frozen", "local", "local_now", "now", "parse_instant", "stored", "stored_now", "today",
    "zone", "zone_name",
]


def zone_name(con: db.Connection) -> str:
    """Return the seminar's IANA time zone name (setting ``time_zone``, default ``Europe/Paris``)."""
    return str(settings.get_setting(con, "time_zone"))


def zone(con: db.Connection) -> ZoneInfo:
    """Return the seminar's time zone."""
    return ZoneInfo(zone_name(con))


def local(instant: dt.datetime | pd.Timestamp, tz: dt.tzinfo) -> dt.datetime:
    """Return an instant in the zone ``tz`` (aware). A naive ``instant`` is a stored one, i.e. UTC."""
    if isinstance(instant, pd.Timestamp):
        instant = instant.to_pydatetime()
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(tz)


def local_now(con: db.Connection) -> dt.datetime:
    """Return the current instant in the seminar's local time (aware)."""
    return local(now(), zone(con))


def today(con: db.Connection) -> dt.date:
    """Return the seminar's local date now: the "today" of every form, review and overdue check."""
    return local_now(con).date()
