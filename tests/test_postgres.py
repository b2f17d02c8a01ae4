"""The DuckDB → PostgreSQL translation (labo_dash/postgres.py): each rewrite, then on a real PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg
import pytest

from labo_dash import db, dialect, postgres


@pytest.mark.parametrize(
    ("duckdb_sql", "postgres_sql"),
    [
        ("SELECT a FROM t WHERE b = ? AND c LIKE '%?%' AND d = ?",
         "SELECT a FROM t WHERE b = $1 AND c LIKE '%?%' AND d = $2"),
        ("SELECT unnest(?::DATE[]) AS d", "SELECT UNNEST(CAST($1 AS DATE[])) AS d"),
        ("SELECT k, count(*) AS n, x + 1 AS y FROM t GROUP BY ALL",
         "SELECT k, COUNT(*) AS n, x + 1 AS y FROM t GROUP BY k, x + 1"),
        ("SELECT * FROM (SELECT 1 AS a) WHERE a = 1", "SELECT * FROM (SELECT 1 AS a) AS _from"),
        ("SELECT 1 WHERE ? IS NULL OR x = ?", "SELECT 1 WHERE CAST($1 AS TEXT) IS NULL OR x = $2"),
        ("SELECT 1 FROM t GROUP BY y HAVING list_contains(list(x), ?)", "$1 = ANY(ARRAY_AGG(x))"),
        ("SELECT len(?::VARCHAR[])", "SELECT CARDINALITY(CAST($1 AS TEXT[]))"),
        ("SELECT coalesce(list(x), []) FROM t", "SELECT COALESCE(ARRAY_AGG(x), '{}') FROM t"),
        ("SELECT avg(x) FROM t", "SELECT CAST(AVG(x) AS DOUBLE PRECISION) FROM t"),
        ("SELECT epoch_us(current_timestamp)",
         "SELECT CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000000 AS BIGINT)"),
    ],
)
def test_each_rewrite(duckdb_sql, postgres_sql):
    assert postgres_sql in dialect.translate(duckdb_sql)


def test_a_columnwise_insert_casts_each_bare_unnest_to_its_columns_array_type():
    sql = "INSERT INTO t (a, b, c) SELECT ?, unnest(?), unnest(?::INTEGER[])"
    assert dialect.columnwise_insert(sql) == ("t", ("a", "b", "c"))
    assert dialect.translate(sql, ("integer", "character varying", "date")) == (
        "INSERT INTO t (a, b, c) SELECT $1, UNNEST(CAST($2 AS VARCHAR[])), UNNEST(CAST($3 AS INT[]))")
    for other in ("SELECT unnest(?)", "INSERT INTO t SELECT unnest(?)", "INSERT INTO t (a) VALUES (?)"):
        assert dialect.columnwise_insert(other) is None


def test_a_statement_is_translated_once_per_process():
    dialect.translate.cache_clear()
    for _ in range(3):
        dialect.translate("SELECT ? AS once")
    assert dialect.translate.cache_info().misses == 1


def test_urls_name_postgresql_and_anything_else_a_file():
    assert postgres.is_url("postgresql://u:p@h:5432/labo") and postgres.is_url("postgres://h/labo")
    assert not postgres.is_url("data/labo.duckdb") and not postgres.is_url(None)


@pytest.mark.postgres
def test_values_come_back_as_duckdb_gives_them(pg_databases, pg_templates):
    """Types on the way back: the same Python values and DataFrame dtypes on both engines."""
    url = pg_databases.copy(pg_templates["fresh"])
    con = db.open_database(url)
    sql = ("SELECT 1 AS i, CAST(2.5 AS DOUBLE) AS f, CAST(12.30 AS DECIMAL(12, 2)) AS budget, "
           "avg(3) AS mean, "
           "DATE '2026-11-30' AS day, TIMESTAMP '2026-11-30 08:00:00' AS at, 'é' AS t, "
           "CAST('{\"a\": 1}' AS JSON) AS j, [1, 2] AS l, strip_accents('Élodie Gérard') AS plain")
    try:
        row = db.query(con, sql)[0]
        frame = db.query_df(con, sql)
    finally:
        con.close()
        pg_databases.drop(url)
    assert row == {"i": 1, "f": 2.5, "budget": Decimal("12.30"), "mean": 3.0, "day": dt.date(2026, 11, 30),
                   "at": dt.datetime(2026, 11, 30, 8), "t": "é", "j": '{"a": 1}', "l": [1, 2],
                   "plain": "Elodie Gerard"}
    duck = db.open_database(":memory:", migrate=False)
    expected = duck.execute(sql).df()
    duck.close()
    assert list(frame.dtypes.astype(str)) == list(expected.dtypes.astype(str))


@pytest.mark.postgres
def test_empty_and_text_lists_have_a_type(pg_databases, pg_templates):
    url = pg_databases.copy(pg_templates["fresh"])
    con = db.open_database(url)
    try:
        assert db.query(con, "SELECT count(*) AS n FROM unnest(?) AS u(x)", [[]]) == [{"n": 0}]
        assert db.query(con, "SELECT list_contains(?, 'b') AS found", [["a", "b"]]) == [{"found": True}]
    finally:
        con.close()
        pg_databases.drop(url)


@pytest.mark.postgres
def test_reads_inside_a_transaction_never_wait_for_a_second_connection(pg_databases, pg_templates):
    """A pool of one: a read through another cursor in a transaction's body runs on its connection."""
    url = pg_databases.copy(pg_templates["fresh"])
    con = postgres.PgConnection(url, size=1)
    try:
        with db.transaction(con, db.Topic.SETTINGS) as cur:
            cur.execute("UPDATE seminars SET venue = ? WHERE id = 1", ["Lyon"])
            assert db.query(con, "SELECT venue FROM seminars WHERE id = 1") == [{"venue": "Lyon"}]
        assert db.query(con, "SELECT venue FROM seminars WHERE id = 1") == [{"venue": "Lyon"}]
    finally:
        con.close()
        pg_databases.drop(url)


def test_a_write_rolled_back_by_a_serialisation_failure_or_a_deadlock_is_retried():
    calls = []

    @db.retried
    def write(fails: int) -> str:
        calls.append(fails)
        if len(calls) <= fails:
            error = [psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected][len(calls) > 1]
            raise error()
        return "écrit"

    assert write(2) == "écrit" and len(calls) == 3
    calls.clear()
    with pytest.raises(psycopg.errors.DeadlockDetected):
        write(5)
    assert len(calls) == 3  # three attempts in all, then the last failure is raised


@pytest.mark.postgres
def test_a_column_of_nulls_in_a_column_wise_insert_takes_its_columns_type(pg_databases, pg_templates):
    """`INSERT ... SELECT unnest(?), ...` with a list of NULLs: PostgreSQL gets the column's array type."""
    url = pg_databases.copy(pg_templates["fresh"])
    con = db.open_database(url)
    try:
        with db.transaction(con, db.Topic.DIAGNOSIS) as cur:
            cur.execute(
                "INSERT INTO challenges (seminar_id, workshop_id, title, description, deleted_at) "
                "SELECT ?, unnest(?), unnest(?), unnest(?), unnest(?)",
                [1, [None, None], ["Un", "Deux"], [None, None], [None, None]],
            )
        rows = db.query(con, "SELECT title, workshop_id, description FROM challenges ORDER BY id")
    finally:
        con.close()
        pg_databases.drop(url)
    assert rows == [{"title": "Un", "workshop_id": None, "description": None},
                    {"title": "Deux", "workshop_id": None, "description": None}]
