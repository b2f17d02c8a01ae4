"""The DuckDB file itself, below :mod:`labo_dash.backup` and :mod:`labo_dash.db`: opening it (a lock held by
another process becomes :class:`~labo_dash.errors.DatabaseLocked`), the process-wide write lock, the record
of applied migrations and the path behind a connection.
"""

from __future__ import annotations

import os
import re
import threading
import weakref
from pathlib import Path
from typing import Any

import duckdb

from labo_dash.errors import DatabaseLocked, LaboError

_write_lock = threading.RLock()
_LOCK_PID = re.compile(r"\(PID (\d+)\)")
_paths: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, str] = weakref.WeakKeyDictionary()


def open_file(path: str | os.PathLike[str]) -> duckdb.DuckDBPyConnection:
    """Open a new read-write connection (time zone UTC), without migrating it.

    Raises DatabaseLocked while another process holds the file, LaboError (French) when it cannot be opened.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path))
    except duckdb.IOException as exc:
        message = str(exc)
        if "lock" in message.lower():
            match = _LOCK_PID.search(message)
            raise DatabaseLocked(str(path), int(match.group(1)) if match else None) from None
        raise LaboError(f"Impossible d'ouvrir la base « {path} » : {message}") from exc
    # Instants are stored in UTC whatever the host's zone: ``current_timestamp`` written into a TIMESTAMP
    # column is converted with the session's TimeZone, which is the host's unless set (GLOBAL: every
    # cursor is its own session). Local times are only made for display (labo_dash.clock).
    con.execute("SET GLOBAL TimeZone = 'UTC'")
    _paths[con] = str(path.resolve())
    return con


def write_lock() -> threading.RLock:
    """Return the process-wide lock that serialises writes (held by transactions and backups)."""
    return _write_lock


def applied_migrations(con: Any) -> list[str]:
    """Return the names of the migrations already applied, in order ([] before the first migration);
    ``con`` is either engine's connection (the statements are shared)."""
    cur = con.cursor()
    try:
        known = cur.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() "
            "AND table_name = 'schema_migrations'"
        ).fetchone()
        if not known or not known[0]:
            return []
        return [row[0] for row in cur.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()]
    finally:
        cur.close()


def database_path(con: duckdb.DuckDBPyConnection) -> str:
    """Return the resolved path of the file behind ``con`` (remembered for connections opened here)."""
    path = _paths.get(con)
    if path is None:
        cur = con.cursor()
        try:
            row = cur.execute(
                "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
            ).fetchone()
        finally:
            cur.close()
        path = str(Path(row[0]).resolve()) if row and row[0] else ":memory:"
        _paths[con] = path
    return path
