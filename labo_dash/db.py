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
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from labo_dash import backup, config, instant
from labo_dash.dbfile import applied_migrations as applied_migrations
from labo_dash.dbfile import database_path as database_path
from labo_dash.dbfile import open_file
from labo_dash.dbfile import write_lock as write_lock

_connections: dict[str, duckdb.DuckDBPyConnection] = {}
_connect_lock = threading.Lock()


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
    """Return the database path: ``LABO_DB`` when set, else ``data/labo.duckdb`` (labo_dash.config)."""
    return config.current().db_path


def open_database(path: str | os.PathLike[str], *, migrate: bool = True) -> duckdb.DuckDBPyConnection:
    """Open a new read-write connection (time zone UTC) and apply the pending migrations (``migrate``).

    Raises DatabaseLocked while another process holds the file (labo_dash.dbfile.open_file).
    """
    con = open_file(path)
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


def pending_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Return the names of the migrations not applied yet."""
    done = set(applied_migrations(con))
    return [name for name, _ in migration_files() if name not in done]


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply each pending migration in its own transaction; return the names applied."""
    con.cursor().execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    done = set(applied_migrations(con))
    if done and any(name not in done for name, _ in migration_files()):
        backup.snapshot(con, "avant-migration")  # a database that already has a schema
    applied = []
    with write_lock():
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
    with write_lock():
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
    (:func:`labo_dash.instant.now`, stored in UTC)."""
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
            instant.stored_now(),
        ],
    )
