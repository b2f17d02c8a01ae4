"""The app's current instant, below every other module (the database's audit log stamps with it).

Real, frozen by tests (:func:`frozen`) or by ``LABO_NOW`` (:mod:`labo_dash.config`). The rest of the app
reaches it through :mod:`labo_dash.clock`, which adds the seminar's time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from labo_dash import config

_frozen: list[dt.datetime] = []  # a stack: the innermost frozen() wins (shared by the script threads)


def now() -> dt.datetime:
    """Return the current instant as an aware UTC datetime (frozen by :func:`frozen` or ``LABO_NOW``)."""
    if _frozen:
        return _frozen[-1]
    return config.current().now or dt.datetime.now(dt.UTC)


@contextmanager
def frozen(instant: dt.datetime | str) -> Iterator[dt.datetime]:
    """Stand the clock still at ``instant`` (aware datetime or ISO text) inside the block; for tests."""
    if isinstance(instant, str):
        instant = config.parse_instant(instant)
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
