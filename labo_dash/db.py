"""The connection (a DuckDB file or a PostgreSQL database), the numbered migrations and transactions.

``LABO_DB`` is a DuckDB file path (the default) or a ``postgresql://`` URL (labo_dash.postgres, which owns
every difference between the engines). One connection per process and per database: a DuckDB connection
(DuckDB allows a single writer process) or a pool of PostgreSQL connections shared by any number of
processes. Every caller takes its own ``cursor()``.

Writes go through :func:`transaction`: its first statement bumps the version of each :class:`Topic` it
names (table ``data_versions``), which on PostgreSQL locks those rows until the commit, so the writers of
one topic follow each other, in every process; DuckDB's single process also takes a process-wide lock.
Page caches are keyed by these versions (:func:`versions`, ``labo_dash.ui.cache.by_version``), read from
the database, so one process sees the writes of another.
"""

from __future__ import annotations

import functools
import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from labo_dash import backup, config, dbfile, instant, postgres
from labo_dash.dbfile import applied_migrations as applied_migrations
from labo_dash.dbfile import open_file
from labo_dash.dbfile import write_lock as write_lock
from labo_dash.errors import NotFound
from labo_dash.postgres import Connection as Connection
from labo_dash.postgres import Cursor as Cursor

P = ParamSpec("P")
R = TypeVar("R")
_connections: dict[str, Connection] = {}
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


def default_path() -> Path | str:
    """Return the database: ``LABO_DB`` when set (a path, or a PostgreSQL URL), else ``data/labo.duckdb``
    (labo_dash.config)."""
    return config.current().database


def _key(target: str | os.PathLike[str]) -> str:
    """The name of a database: its URL, or its file's resolved path."""
    return str(target) if postgres.is_url(target) else str(Path(target).resolve())


def open_database(target: str | os.PathLike[str], *, migrate: bool = True) -> Connection:
    """Open a new connection to ``target`` (a DuckDB file's path or a PostgreSQL URL; time zone UTC) and
    apply the pending migrations (``migrate``).

    Raises DatabaseLocked while another process holds a DuckDB file (labo_dash.dbfile.open_file),
    LaboError (French) when the database cannot be reached.
    """
    con: Connection = postgres.connect(str(target)) if postgres.is_url(target) else open_file(target)
    if migrate:
        apply_migrations(con)
    return con


def connect(target: str | os.PathLike[str] | None = None) -> Connection:
    """Return this process's shared connection to ``target`` (opened and migrated on first use)."""
    key = _key(target or default_path())
    with _connect_lock:
        con = _connections.get(key)
        if con is None:
            con = open_database(key)
            _connections[key] = con
        return con


def close(target: str | os.PathLike[str] | None = None) -> None:
    """Close the shared connection to ``target`` (all of them when ``target`` is None)."""
    with _connect_lock:
        keys = list(_connections) if target is None else [_key(target)]
        for key in keys:
            con = _connections.pop(key, None)
            if con is not None:
                con.close()


def database_path(con: Connection) -> str:
    """Return the name of the database behind ``con``: a PostgreSQL URL or a DuckDB file's resolved path."""
    return con.url if isinstance(con, postgres.PgConnection) else dbfile.database_path(con)


def migration_files() -> list[tuple[str, str]]:
    """Return (name, SQL) of every migration, in order."""
    folder = resources.files("labo_dash") / "migrations"
    names = sorted(p.name for p in folder.iterdir() if re.match(r"^\d{4}_.*\.sql$", p.name))
    return [(name.removesuffix(".sql"), (folder / name).read_text(encoding="utf-8")) for name in names]


def pending_migrations(con: Connection) -> list[str]:
    """Return the names of the migrations not applied yet."""
    done = set(applied_migrations(con))
    return [name for name, _ in migration_files() if name not in done]


def apply_migrations(con: Connection) -> list[str]:
    """Apply each pending migration in its own transaction; return the names applied.

    The same files build both engines (labo_dash.postgres translates them). On PostgreSQL an advisory lock
    makes processes starting together apply them once; a DuckDB file is copied first (labo_dash.backup)
    when it already has a schema.
    """
    with _migrating(con):
        con.cursor().execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
        )
        done = set(applied_migrations(con))
        if done and any(name not in done for name, _ in migration_files()):
            backup.snapshot(con, "avant-migration")  # a database that already has a schema
        applied = []
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
            finally:
                cur.close()
            applied.append(name)
        return applied


def _migrating(con: Connection) -> AbstractContextManager[object]:
    """The lock held while migrating: PostgreSQL's advisory lock, or this process's write lock."""
    return postgres.migration_lock(con) if isinstance(con, postgres.PgConnection) else write_lock()


@contextmanager
def transaction(con: Connection, *topics: Topic) -> Iterator[Cursor]:
    """Yield a cursor inside one transaction: committed on success, rolled back on any error.

    Its first statement bumps the version of each of ``topics`` (every topic when none is named: the safe
    default), one row at a time in a fixed order: on PostgreSQL this holds the rows' locks until the end, so
    two transactions on one topic follow each other whatever process runs them, and a second ballot of a
    participant sees the first; DuckDB's one process serialises writes with its write lock. A rolled back
    write bumps nothing, and every process sees the new versions with the new data. A bumped version is at
    least the transaction's instant in microseconds since 1970 (UTC): a database restored from an older
    backup never reuses a version that a cache already holds for other data.
    """
    bumped = sorted(str(topic) for topic in dict.fromkeys(Topic(t) for t in topics or Topic))
    with nullcontext() if isinstance(con, postgres.PgConnection) else write_lock():
        cur = con.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            for topic in bumped:
                cur.execute(
                    "UPDATE data_versions SET version = greatest(version + 1, epoch_us(current_timestamp)) "
                    "WHERE topic = ?",
                    [topic],
                )
            yield cur
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        else:
            cur.execute("COMMIT")
        finally:
            cur.close()


def retried(write: Callable[P, R], attempts: int = 3) -> Callable[P, R]:
    """Wrap a write function (one :func:`transaction` per call) so that PostgreSQL's serialisation failures
    and deadlocks, which roll the transaction back, are retried (``attempts`` in all) before they are
    raised. Topic locks taken in a fixed order make them rare; DuckDB's single process never has them."""

    @functools.wraps(write)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(1, attempts + 1):
            try:
                return write(*args, **kwargs)
            except postgres.RETRYABLE:
                if attempt == attempts:
                    raise
        raise AssertionError("unreachable")

    return run


def versions(con: Connection, *topics: Topic) -> tuple[int, ...]:
    """Return the versions of ``topics`` (of every topic, in :class:`Topic` order, when none is named),
    read in one statement. A version only grows; it changes with every committed write of its topic."""
    cur = con.cursor()
    try:
        rows = dict(cur.execute("SELECT topic, version FROM data_versions").fetchall())
    finally:
        cur.close()
    return tuple(rows[str(topic)] for topic in topics or Topic)


def query(
    con: Connection, sql: str, params: list[Any] | tuple[Any, ...] = ()
) -> list[dict[str, Any]]:
    """Run a read query on a fresh cursor and return its rows as dictionaries."""
    cur = con.cursor()
    try:
        cur.execute(sql, list(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        cur.close()


def query_one(
    con: Connection, sql: str, params: list[Any] | tuple[Any, ...], missing: str
) -> dict[str, Any]:
    """Run a read query for one record and return its first row as a dictionary; raise NotFound with the
    French message ``missing`` when there is none."""
    rows = query(con, sql, params)
    if not rows:
        raise NotFound(missing)
    return rows[0]


def query_df(con: Connection, sql: str, params: list[Any] | tuple[Any, ...] = ()):
    """Run a read query on a fresh cursor and return a pandas DataFrame."""
    cur = con.cursor()
    try:
        return cur.execute(sql, list(params)).df()
    finally:
        cur.close()


def audit(
    cur: Cursor,
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
