"""How to give PostgreSQL the features' SQL: translated by sqlglot (cached) or written in the shared subset?

Three real queries of the app, on the demo (seed 42) built on both engines: the barometer's distribution
(GROUP BY ALL, a list literal), the vote counts (QUALIFY, GROUP BY ALL) and the support by défi (a long CTE
chain). For each: the cost of translating it (first time, then from the cache), and its median run time on
PostgreSQL and on DuckDB, as translated and as hand-written in the subset both engines share. The choice and
its reasons are in docs/architecture.md.

    .venv/bin/python bench/bench_dialect.py
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from labo_dash import barometer, db, dialect, postgres, results, signature
from labo_dash.demo import build_demo
from tests.pg_cluster import Cluster

RUNS = 30

BAROMETER_SHARED = """
SELECT o.number, o.short_label, s.score, count(r.id) AS ratings
FROM objectives o
CROSS JOIN (SELECT 0 AS score UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
            UNION ALL SELECT 5) s
LEFT JOIN barometer_ratings r ON r.objective_id = o.id AND coalesce(r.score, 0) = s.score
     AND (CAST(? AS VARCHAR) IS NULL OR r.participant_kind = ?)
     AND (CAST(? AS VARCHAR) IS NULL OR r.territory = ?)
WHERE o.seminar_id = ?
GROUP BY o.number, o.short_label, s.score ORDER BY o.number, s.score
"""

COUNTS_SHARED = """
WITH current AS (
    SELECT id, participant_id FROM (
        SELECT id, participant_id, row_number() OVER (PARTITION BY participant_id ORDER BY id DESC) AS recency
        FROM ballots WHERE round_id = ?
    ) ranked WHERE recency = 1
)
SELECT p.kind, e.item_id, e.value, count(*) AS n, count(*) FILTER (WHERE e.contribute) AS volunteers
FROM current c JOIN participants p ON p.id = c.participant_id JOIN ballot_entries e ON e.ballot_id = c.id
GROUP BY p.kind, e.item_id, e.value
"""


def _cases(con: db.Connection) -> list[tuple[str, str, str, list]]:
    """(name, the app's DuckDB SQL, the shared-subset SQL, parameters)."""
    found = signature.support_round(con)
    assert found is not None, "the demo has a support round"
    round_id, dates = found.id, [dt.date(2026, 11, 30)]
    return [
        ("baromètre (GROUP BY ALL)", _sql_of_distribution(), BAROMETER_SHARED, [None, None, None, None, 1]),
        ("votes (QUALIFY)", results._COUNTS, COUNTS_SHARED, [round_id]),
        ("soutien par défi (CTE)", signature.SUPPORT_BY_CHALLENGE_SQL, signature.SUPPORT_BY_CHALLENGE_SQL,
         [round_id, dates]),
    ]


def _sql_of_distribution() -> str:
    """The barometer's query as the app runs it (read from its source, one text)."""
    source = Path(barometer.__file__).read_text(encoding="utf-8")
    start = source.index('"""\n        SELECT o.number, o.short_label')
    return source[start + 3:source.index('"""', start + 3)]


def _median_ms(run: Callable[[], object]) -> float:
    for _ in range(3):  # warm-up
        run()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _untranslated(pg: postgres.PgConnection, sql: str, params: list) -> Callable[[], object]:
    """Run ``sql`` on PostgreSQL as written (only ``?`` numbered ``$n``), as the shared subset would."""
    numbered = dialect._numbered(sql)

    def run() -> object:
        with pg.pool.connection() as conn, psycopg.RawCursor(conn) as cur:
            return cur.execute(numbered, params).fetchall()
    return run


def _translation_ms(sql: str) -> tuple[float, float]:
    dialect.translate.cache_clear()
    start = time.perf_counter()
    dialect.translate(sql)
    first = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(1000):
        dialect.translate(sql)
    return first * 1000, (time.perf_counter() - start)  # ms; µs per cached call (1000 calls, in s × 1000)


def main() -> None:
    cluster = Cluster()
    folder = Path(tempfile.mkdtemp(prefix="bench-dialect-"))
    try:
        with psycopg.connect(cluster.url(), autocommit=True) as admin:
            admin.execute("CREATE DATABASE bench")
        duck = db.open_database(folder / "demo.duckdb")
        build_demo(duck, seed=42)
        pg = db.open_database(cluster.url("bench"))
        build_demo(pg, seed=42)
        rows = []
        for name, app_sql, shared_sql, params in _cases(duck):
            first, cached = _translation_ms(app_sql)
            rows.append((name, first, cached * 1000,
                         _median_ms(partial(db.query, pg, app_sql, params)),
                         _median_ms(_untranslated(pg, shared_sql, params)),
                         _median_ms(partial(db.query, duck, app_sql, params)),
                         _median_ms(partial(db.query, duck, shared_sql, params))))
        pg.close()
        duck.close()
    finally:
        cluster.stop()
    header = ("requête", "traduction 1re (ms)", "traduction en cache (µs)", "PG traduite (ms)",
              "PG sous-ensemble, non traduite (ms)", "DuckDB d'origine (ms)", "DuckDB sous-ensemble (ms)")
    print(" | ".join(header))
    for name, *figures in rows:
        print(" | ".join([name] + [f"{f:.2f}" for f in figures]))


if __name__ == "__main__":
    main()
