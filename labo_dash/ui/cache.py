"""THE page cache: results kept until a write changes the data they read (``by_version``).

Every write transaction bumps the versions of the topics it writes (:func:`labo_dash.db.transaction`,
table ``data_versions``). A function decorated with ``by_version(Topic.X, ...)`` is cached with the key
(database path, the versions of its topics, its source code, its other arguments): a ballot leaves the
action tracker's cache warm, a progress update refreshes it, in every process that shares the file.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import inspect
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

import streamlit as st

from labo_dash import db
from labo_dash.db import Topic

P = ParamSpec("P")
R = TypeVar("R")


def by_version(
    *topics: Topic,
    ttl: float | dt.timedelta | str | None = None,
    max_entries: int = 64,
    show_spinner: bool | str = False,
) -> Callable[
    [Callable[Concatenate[db.Connection, P], R]],
    Callable[Concatenate[db.Connection, P], R],
]:
    """Cache a function whose first parameter is the connection, until one of ``topics`` changes.

    The key is (database path, :func:`db.versions` of ``topics`` — every topic when none is named —,
    the function's source, its other arguments); the connection and the parameters named with a leading
    ``_`` are not hashed (Streamlit's rule). ``ttl``, ``max_entries`` and ``show_spinner`` are passed to
    ``st.cache_data``, which returns a copy of the cached value on every call. The wrapper's ``clear()``
    empties the cache.
    """

    def decorate(
        func: Callable[Concatenate[db.Connection, P], R],
    ) -> Callable[Concatenate[db.Connection, P], R]:
        signature = inspect.signature(func)
        first = next(iter(signature.parameters))
        source = hashlib.sha256(inspect.getsource(func).encode("utf-8")).hexdigest()

        def compute(_con: db.Connection, _args: tuple, _kwargs: dict, key: tuple) -> R:
            return func(_con, *_args, **_kwargs)

        # Streamlit names a cache by its function's module and qualified name.
        compute.__module__, compute.__qualname__ = func.__module__, func.__qualname__
        compute.__name__ = func.__name__
        cached = st.cache_data(ttl=ttl, max_entries=max_entries, show_spinner=show_spinner)(compute)

        @functools.wraps(func)
        def wrapper(con: db.Connection, *args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind(con, *args, **kwargs).arguments
            hashed = tuple((name, value) for name, value in bound.items()
                           if name != first and not name.startswith("_"))
            key = (db.database_path(con), db.versions(con, *topics), source, hashed)
            return cached(con, args, kwargs, key)

        wrapper.clear = cached.clear  # type: ignore[attr-defined]
        return wrapper

    return decorate

