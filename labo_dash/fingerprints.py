"""The fingerprint of a database's tables: row counts and order-independent checksums, the same figures
for the same data on either engine. Backups record them (labo_dash.backup) and the copy between engines
compares them table by table (labo_dash.transfer)."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import duckdb
from sqlglot import exp

from labo_dash import postgres
from labo_dash.postgres import Connection, Cursor


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A table's row count and the order-independent checksum of its rows (:func:`table_fingerprints`)."""

    rows: int
    checksum: int


def _canonical(value: object) -> object:
    """One engine-independent JSON value for a database value (both drivers give the same Python types)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal):  # 45000.00 and 45000.0 are one amount
        return format(value.normalize(), "f")
    if isinstance(value, dt.date | dt.time):  # datetime included
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return str(value)


def _row_hash(names: list[str], row: tuple[Any, ...]) -> int:
    text = json.dumps({name: _canonical(value) for name, value in zip(names, row, strict=True)},
                      sort_keys=True, ensure_ascii=False)
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def table_names(cur: Cursor) -> list[str]:
    """Return the names of the tables (not views) of the database's schema, sorted; ``cur`` is a cursor of
    either engine."""
    rows = cur.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_type = 'BASE TABLE' ORDER BY table_name"
    ).fetchall()
    return [row[0] for row in rows]


def whole_table(name: str) -> str:
    """``SELECT * FROM "name"``: a table's name cannot be a ``?`` parameter, so sqlglot builds the statement
    and quotes the name (a ``"`` inside it doubled); no value is ever put in the text."""
    return exp.select("*").from_(exp.table_(name, quoted=True)).sql(dialect="duckdb")


def fingerprints(cur: Cursor) -> dict[str, Fingerprint]:
    """Return, for every table, its row count and the XOR of its rows' 64-bit BLAKE2b hashes (each row as
    JSON, by column name, values in one text form: same data, same figures on both engines).

    ``cur`` is a cursor of either engine: inside a transaction, it reads that transaction's state.
    """
    result = {}
    for name in table_names(cur):
        cur.execute(whole_table(name))
        columns = [d[0] for d in cur.description or ()]
        rows = cur.fetchall()
        checksum = 0
        for row in rows:
            checksum ^= _row_hash(columns, row)
        result[name] = Fingerprint(len(rows), checksum)
    return result


def table_fingerprints(con: Connection) -> dict[str, Fingerprint]:
    """Return every table's :class:`Fingerprint` (``con``: a DuckDB or PostgreSQL connection), read in one
    consistent state of the database."""
    with reading(con) as cur:
        return fingerprints(cur)


def legacy_fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, Fingerprint]:
    """Fingerprints as DuckDB backups recorded them before issue 17 (``bit_xor(hash(row))``)."""
    cur = con.cursor()
    result = {}
    for name in table_names(cur):
        count, checksum = cur.execute(
            "SELECT count(*), bit_xor(hash(r)) FROM query_table(?) r", [name]
        ).fetchall()[0]
        result[name] = Fingerprint(int(count), int(checksum or 0))
    return result


@contextmanager
def reading(con: Connection) -> Iterator[Cursor]:
    """Yield a cursor inside a read transaction (REPEATABLE READ on PostgreSQL, a DuckDB transaction's
    snapshot otherwise): every statement sees one committed state. Rolled back at the end."""
    cur = con.cursor()
    cur.execute("BEGIN TRANSACTION")
    try:
        if isinstance(con, postgres.PgConnection):
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield cur
    finally:
        cur.execute("ROLLBACK")
        cur.close()
