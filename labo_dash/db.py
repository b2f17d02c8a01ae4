"""The DuckDB connection, the numbered migrations and transactions.

One read-write connection per process and per file (DuckDB allows a single writer process); every
caller takes its own ``cursor()``. Writes go through :func:`transaction`, which serialises them with a
process-wide lock so that concurrent sessions never conflict on the same row, and bumps, in the same
transaction, the version of each :class:`Topic` it names (table ``data_versions``): page caches are keyed by
these versions (:func:`versions`, ``labo_dash.ui.cache.by_version``).
"""

from __future__ import annotations

import json
import os
import re
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from labo_dash.errors import DatabaseLocked, LaboError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "labo.duckdb"

_connections: dict[str, duckdb.DuckDBPyConnection] = {}
_connect_lock = threading.Lock()
_write_lock = threading.RLock()
_LOCK_PID = re.compile(r"\(PID (\d+)\)")
_paths: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, str] = weakref.WeakKeyDictionary()


class Topic(StrEnum):
    """A topic of data with its own version (a row of ``data_versions``, migration 0013).

    A write transaction names the topics of the tables it writes; a cache names the topics it reads.
    """

    VOTES = "votes"  # rounds, round items, ballots, check-ins
    FOLLOW_UP = "follow_up"  # actions, progress points and withdrawals, solutions, decisions, reviews
    DIAGNOSIS = "diagnosis"  # findings, contributions, challenges, objective weights, barometer
    PEOPLE = "people"  # participants, accounts
    SETTINGS = "settings"  # settings, seminar, objectives, workshops


def default_path() -> Path:
    """Return the database path: ``LABO_DB`` when set, else ``data/labo.duckdb``."""
    return Path(os.environ.get("LABO_DB") or DEFAULT_DB)


def open_database(path: str | os.PathLike[str], *, migrate: bool = True) -> duckdb.DuckDBPyConnection:
    """Open a new read-write connection (time zone UTC), translating a lock held elsewhere into
    DatabaseLocked."""
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
    if migrate:
        apply_migrations(con)
    return con


def connect(path: str | os.PathLike[str] | None = None) -> duckdb.DuckDBPyConnection:
    """Return this process's shared connection to ``path`` (opened and migrated on first use)."""
    key = str(Path(path or default_path()).resolve())
    with _connect_lock:
        con = _connections.get(key)
        if con is None:
            con = open_database(key)
            _connections[key] = con
        return con


def close(path: str | os.PathLike[str] | None = None) -> None:
    """Close the shared connection to ``path`` (all of them when ``path`` is None)."""
    with _connect_lock:
        keys = list(_connections) if path is None else [str(Path(path).resolve())]
        for key in keys:
            con = _connections.pop(key, None)
            if con is not None:
                con.close()


def migration_files() -> list[tuple[str, str]]:
    """Return (name, SQL) of every migration, in order."""
    folder = resources.files("labo_dash") / "migrations"
    names = sorted(p.name for p in folder.iterdir() if re.match(r"^\d{4}_.*\.sql$", p.name))
    return [(name.removesuffix(".sql"), (folder / name).read_text(encoding="utf-8")) for name in names]


def applied_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Return the names of the migrations already applied."""
    cur = con.cursor()
    cur.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    return [row[0] for row in cur.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()]


def pending_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Return the names of the migrations not applied yet."""
    done = set(applied_migrations(con))
    return [name for name, _ in migration_files() if name not in done]


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply each pending migration in its own transaction; return the names applied."""
    done = set(applied_migrations(con))
    if done and any(name not in done for name, _ in migration_files()):
        from labo_dash import backup  # a backup before migrating a database that already has a schema

        backup.snapshot(con, "avant-migration")
    applied = []
    with _write_lock:
        for name, sql in migration_files():
            if name in done:
                continue
            cur = con.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                cur.execute(sql)
                cur.execute("INSERT INTO schema_migrations (name) VALUES (?)", [name])
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise
            applied.append(name)
    return applied


def write_lock() -> threading.RLock:
    """Return the process-wide lock that serialises writes (held by transactions and backups)."""
    return _write_lock


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection, *topics: Topic) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a cursor inside one transaction: committed on success, rolled back on any error.

    Before committing, the version of each of ``topics`` (every topic when none is named: the safe
    default) is bumped in the same transaction, so a rolled back write bumps nothing and every process
    that opens the file sees the new versions with the new data. A bumped version is at least the
    transaction's instant in microseconds since 1970 (UTC): a database restored from an older backup never
    reuses a version that a cache already holds for other data.
    """
    bumped = [str(topic) for topic in dict.fromkeys(Topic(t) for t in topics or Topic)]
    with _write_lock:
        cur = con.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
            cur.execute(
                "UPDATE data_versions SET version = greatest(version + 1, epoch_us(current_timestamp)) "
                "WHERE list_contains(?, topic)",
                [bumped],
            )
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        else:
            cur.execute("COMMIT")
        finally:
            cur.close()


def versions(con: duckdb.DuckDBPyConnection, *topics: Topic) -> tuple[int, ...]:
    """Return the versions of ``topics`` (of every topic, in :class:`Topic` order, when none is named),
    read in one statement. A version only grows; it changes with every committed write of its topic."""
    cur = con.cursor()
    try:
        rows = dict(cur.execute("SELECT topic, version FROM data_versions").fetchall())
    finally:
        cur.close()
    return tuple(rows[str(topic)] for topic in topics or Topic)


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


def query(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | tuple[Any, ...] = ()
) -> list[dict[str, Any]]:
    """Run a read query on a fresh cursor and return its rows as dictionaries."""
    cur = con.cursor()
    try:
        cur.execute(sql, list(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        cur.close()


def query_df(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | tuple[Any, ...] = ()):
    """Run a read query on a fresh cursor and return a pandas DataFrame."""
    cur = con.cursor()
    try:
        return cur.execute(sql, list(params)).df()
    finally:
        cur.close()


def audit(
    cur: duckdb.DuckDBPyConnection,
    actor: Any,
    entity: str,
    entity_id: int | None,
    operation: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Record one edit in the audit log (inside the caller's transaction), stamped by the app's clock
    (:func:`labo_dash.clock.now`, stored in UTC)."""
    from labo_dash import clock  # clock reads the settings, which use this module

    cur.execute(
        "INSERT INTO audit_log (actor, role, entity, entity_id, operation, before, after, logged_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            actor.name,
            actor.role,
            entity,
            entity_id,
            operation,
            None if before is None else json.dumps(before, default=str, ensure_ascii=False),
            None if after is None else json.dumps(after, default=str, ensure_ascii=False),
            clock.stored_now(),
        ],
    )
