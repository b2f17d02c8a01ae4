"""PostgreSQL behind the same connection interface as DuckDB: the one module that knows the difference.

The features write one SQL text each, in DuckDB's dialect; each statement runs here as translated, once per
process, by :func:`labo_dash.dialect.translate`. The choice and its measurements are in docs/architecture.md.

:class:`PgConnection` mimics a DuckDB connection for what the app uses: ``cursor()``, ``execute()``,
``close()``; a :class:`PgCursor` mimics a DuckDB cursor (``execute``, ``executemany``, ``fetchone``,
``fetchall``, ``description``, ``df``, ``to_arrow_table``). Connections come from a psycopg pool,
in autocommit mode: a cursor holds one pooled connection from ``BEGIN TRANSACTION`` to ``COMMIT``/``ROLLBACK``
(labo_dash.db.transaction), and borrows one per statement otherwise. Every session runs in UTC, as DuckDB's.

A feature statement that fails on PostgreSQL (its test's ``[postgres]`` run shows the translated SQL as a
note): either add a general rule to :func:`labo_dash.dialect._rewrite` with a case in tests/test_postgres.py,
or write that statement in the subset both engines share (docs/architecture.md).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb
import pandas as pd
import psycopg
import pyarrow as pa
from psycopg import conninfo
from psycopg.adapt import Dumper
from psycopg.postgres import types as postgres_types
from psycopg.types.string import StrDumper, TextLoader
from psycopg_pool import ConnectionPool, PoolTimeout

from labo_dash import config, dialect
from labo_dash.errors import DatabaseUnreachable, LaboError

MIGRATION_LOCK = 4_242_017  # the advisory lock's key
CONNECT_TIMEOUT = 5  # seconds for the first connection to answer
OPEN_TIMEOUT = 10.0  # seconds to fill the pool, or to wait for a free pooled connection
POOL_SIZE = 8  # connections per process; a transaction holds one, a read borrows one per statement
_BEGIN = re.compile(r"^\s*BEGIN(\s+TRANSACTION)?\s*;?\s*$", re.IGNORECASE)
_END = re.compile(r"^\s*(COMMIT|ROLLBACK)\s*;?\s*$", re.IGNORECASE)


def is_url(target: object) -> bool:
    """Tell whether ``target`` names a PostgreSQL database (``postgresql://…`` or ``postgres://…``)."""
    return isinstance(target, str) and bool(config.POSTGRES_URL.match(target))


class _EmptyList(list):
    """An empty list parameter: PostgreSQL needs a type for it, where DuckDB does not."""


class _EmptyListDumper(Dumper):
    """Dump an empty list as an empty bigint[] (cast to the column's type on insert, like any integer)."""

    oid = postgres_types["int8"].array_oid

    def dump(self, obj: object) -> bytes:
        return b"{}"


def _configure(conn: psycopg.Connection) -> None:
    """JSON stays text, as DuckDB returns it; an empty list has a type."""
    for name in ("json", "jsonb"):
        conn.adapters.register_loader(name, TextLoader)
    conn.adapters.register_dumper(_EmptyList, _EmptyListDumper)


_column_types: dict[tuple[str, str], str] = {}  # the schema is the migrations', the same in every database


def _column_types_if_untyped(conn: psycopg.Connection, sql: str,
                             parameters: Sequence[Any]) -> tuple[str, ...]:
    """The types of a column-wise insert's columns when a list parameter has no type of its own (empty, or
    all NULLs); else none (see :func:`labo_dash.dialect.translate`)."""
    if not any(isinstance(v, list | tuple) and all(x is None for x in v) for v in parameters):
        return ()
    target = dialect.columnwise_insert(sql)
    if target is None:
        return ()
    table, columns = target
    return tuple(_column_type(conn, table, column) for column in columns)


def _column_type(conn: psycopg.Connection, table: str, column: str) -> str:
    """The SQL type of ``table.column`` (read once per process)."""
    if (table, column) not in _column_types:
        row = conn.execute(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = to_regclass(%s) AND attname = %s", [table, column]
        ).fetchone()
        if row is None:
            raise LaboError(f"Colonne inconnue : {table}.{column}")
        _column_types[table, column] = str(row[0])
    return _column_types[table, column]


class PgCursor:
    """A DuckDB-like cursor over the pool (results fetched in full at each statement).

    A statement run outside a transaction on a thread that is inside one (a read in the body of
    ``db.transaction`` through another cursor) runs on that transaction's connection: a thread never waits
    for a second pooled connection while it holds one, so a full pool cannot stall writers that wait for
    each other's row locks.
    """

    def __init__(self, owner: PgConnection) -> None:
        self._owner = owner
        self._pool = owner.pool
        self._held: psycopg.Connection | None = None
        self._rows: list[tuple[Any, ...]] = []
        self._at = 0
        self.description: list[tuple[Any, ...]] = []  # DB-API's, empty when a statement returns no rows
        self._types: list[int] = []

    def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> PgCursor:
        """Run one statement (DuckDB's dialect); a transaction keeps its connection until it ends."""
        if _BEGIN.match(sql):
            if self._held is None:
                self._held = self._pool.getconn()
                if getattr(self._owner.local, "transaction", None) is None:
                    self._owner.local.transaction = self._held
            self._held.execute("BEGIN")
            self._result(None)
            return self
        if self._held is not None:
            try:
                self._run(self._held, sql, parameters)
            finally:
                if _END.match(sql):
                    self._release()
            return self
        ongoing = getattr(self._owner.local, "transaction", None)
        if ongoing is not None:
            self._run(ongoing, sql, parameters)
            return self
        with self._pool.connection() as conn:
            self._run(conn, sql, parameters)
        return self

    def sql(self, query: str) -> PgCursor:
        """Run a query without parameters, as DuckDB's relation API does (``cur.sql(q).to_arrow_table()``,
        which DuckDB prefers to a DB-API result's Arrow output)."""
        return self.execute(query)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> PgCursor:
        """Run ``sql`` once per row of parameters."""
        for row in rows:
            self.execute(sql, row)
        return self

    def _run(self, conn: psycopg.Connection, sql: str, parameters: Sequence[Any] | None) -> None:
        values = [_EmptyList() if isinstance(v, list | tuple) and not v else v for v in parameters or ()]
        with psycopg.RawCursor(conn) as cur:
            if any(isinstance(v, list | tuple) and any(isinstance(x, str) for x in v) for v in values):
                cur.adapters.register_dumper(str, StrDumper)  # a list of texts is a text[], as in DuckDB
            statement = dialect.translate(sql, _column_types_if_untyped(conn, sql, parameters or ()))
            try:
                cur.execute(statement, values or None)
            except psycopg.Error as exc:
                exc.add_note(f"PostgreSQL statement (translated from DuckDB's):\n{statement}")
                raise
            self._result(cur)

    def _result(self, cur: psycopg.RawCursor | None) -> None:
        self._at = 0
        if cur is None or cur.description is None:
            self._rows, self.description, self._types = [], [], []
            return
        self._rows = cur.fetchall()
        self.description = [(c.name, c.type_code, None, None, c.precision, c.scale, None)
                            for c in cur.description]
        self._types = [c.type_code for c in cur.description]

    def fetchone(self) -> tuple[Any, ...] | None:
        """Return the next row, or None."""
        if self._at >= len(self._rows):
            return None
        self._at += 1
        return self._rows[self._at - 1]

    def fetchall(self) -> list[tuple[Any, ...]]:
        """Return the remaining rows."""
        rows, self._at = self._rows[self._at:], len(self._rows)
        return rows

    def to_arrow_table(self) -> pa.Table:
        """Return the remaining rows as an Arrow table (types as DuckDB would give them)."""
        names = [d[0] for d in self.description]
        rows = self.fetchall()
        arrays = []
        for i, (oid, description) in enumerate(zip(self._types, self.description, strict=True)):
            kind = _arrow_type(oid, description)
            values = [row[i] for row in rows]
            if kind == pa.float64():
                values = [None if v is None else float(v) for v in values]
            arrays.append(pa.array(values, type=kind))
        return pa.Table.from_arrays(arrays, names=names)

    def df(self) -> pd.DataFrame:
        """Return the remaining rows as a pandas DataFrame, converted as DuckDB converts its own results."""
        converter = getattr(_converters, "duckdb", None)
        if converter is None:  # one in-memory DuckDB per thread: a connection is not shared across threads
            converter = _converters.duckdb = duckdb.connect()
        return converter.from_arrow(self.to_arrow_table()).df()

    def close(self) -> None:
        """End the cursor: an unfinished transaction is rolled back."""
        if self._held is not None:
            try:
                self._held.execute("ROLLBACK")
            finally:
                self._release()

    def _release(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            if getattr(self._owner.local, "transaction", None) is held:
                self._owner.local.transaction = None
            self._pool.putconn(held)


_converters = threading.local()
_ARROW = {16: pa.bool_(), 20: pa.int64(), 21: pa.int16(), 23: pa.int32(), 700: pa.float32(),
          701: pa.float64(), 25: pa.string(), 1043: pa.string(), 1082: pa.date32(), 1083: pa.time64("us"),
          1114: pa.timestamp("us"), 1184: pa.timestamp("us", tz="UTC"), 114: pa.string(), 3802: pa.string()}


def _arrow_type(oid: int, description: tuple[Any, ...]) -> pa.DataType | None:
    """The Arrow type of a PostgreSQL column (None: inferred from the values)."""
    if oid == 1700:  # numeric: DuckDB's DECIMAL(p, s) when typed, else a DOUBLE
        precision, scale = description[4], description[5]
        return pa.decimal128(precision, scale) if precision else pa.float64()
    return _ARROW.get(oid)


class PgConnection:
    """A DuckDB-like connection to a PostgreSQL database, backed by a psycopg connection pool."""

    def __init__(self, url: str, *, size: int = POOL_SIZE) -> None:
        self.url = url
        self.pool = ConnectionPool(
            _conninfo(url), min_size=1, max_size=size, open=False, configure=_configure,
            kwargs={"autocommit": True, "options": "-c TimeZone=UTC"}, name="labo", timeout=OPEN_TIMEOUT,
        )
        self.pool.open(wait=True, timeout=OPEN_TIMEOUT)
        self.local = threading.local()  # the connection of the transaction a thread is in (PgCursor)

    def cursor(self) -> PgCursor:
        """Return a new cursor."""
        return PgCursor(self)

    def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> PgCursor:
        """Run one statement on a new cursor and return it."""
        return self.cursor().execute(sql, parameters)

    def close(self) -> None:
        """Close the pool (its connections)."""
        self.pool.close()

    def __enter__(self) -> PgConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the pool, as leaving ``with duckdb.connect(...)`` closes a DuckDB connection."""
        self.close()


RETRYABLE = (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected)


def connect(url: str) -> PgConnection:
    """Open a pool of connections to ``url``, after one direct attempt that says why it fails.

    Raises DatabaseUnreachable (French: the server does not answer, the database does not exist, the
    password is refused…) without starting the pool, whose retries would only repeat the error in English.
    """
    try:
        psycopg.connect(_conninfo(url), connect_timeout=CONNECT_TIMEOUT).close()
    except psycopg.Error as exc:
        raise DatabaseUnreachable(f"Impossible de joindre la base PostgreSQL « {safe_url(url)} » : "
                                  f"{_why(exc, url)}") from None
    try:
        return PgConnection(url)
    except (psycopg.Error, PoolTimeout):
        raise DatabaseUnreachable(f"Impossible d'ouvrir les connexions à la base PostgreSQL "
                                  f"« {safe_url(url)} » (le serveur est-il saturé ?).") from None


def _why(error: psycopg.Error, url: str) -> str:
    """The French reason of a failed connection (psycopg's messages are the server's, in English)."""
    parts = conninfo.conninfo_to_dict(_conninfo(url))
    text = str(error)
    where = f"{parts.get('host') or 'localhost'}:{parts.get('port') or 5432}"
    if "does not exist" in text and "database" in text:
        return f"la base « {parts.get('dbname')} » n'existe pas sur le serveur {where}."
    if "password authentication failed" in text or "no password supplied" in text:
        return f"le serveur {where} refuse l'utilisateur « {parts.get('user')} » ou son mot de passe."
    if "role" in text and "does not exist" in text:
        return f"l'utilisateur « {parts.get('user')} » n'existe pas sur le serveur {where}."
    if "timeout" in text.lower():
        return f"le serveur {where} ne répond pas (délai de {CONNECT_TIMEOUT} s dépassé)."
    return (f"le serveur {where} ne répond pas (arrêté, mauvais port, ou pare-feu ; "
            "vérifiez l'adresse dans LABO_DB ou --db).")


@contextmanager
def migration_lock(con: PgConnection) -> Iterator[None]:
    """Hold PostgreSQL's advisory lock of the migrations (one process migrates, the others wait)."""
    with con.pool.connection() as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK])
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])


def safe_url(url: str) -> str:
    """``url`` without its password (for messages and backup manifests)."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def _conninfo(url: str) -> str:
    """psycopg wants ``postgresql://``; ``postgres://`` is the common alias."""
    return re.sub(r"^postgres(ql)?://", "postgresql://", url, flags=re.IGNORECASE)


Connection = duckdb.DuckDBPyConnection | PgConnection  # either engine's connection (labo_dash.db)
Cursor = duckdb.DuckDBPyConnection | PgCursor  # either engine's cursor (DuckDB's is a connection object)
# either engine's unique, foreign key, check or not-null violation
CONSTRAINT_VIOLATIONS = (duckdb.IntegrityError, psycopg.errors.IntegrityError)
