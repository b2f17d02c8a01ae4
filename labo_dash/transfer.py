"""Copying a seminar's data from one database to another: a DuckDB file to PostgreSQL, and back.

``python -m labo_dash copy --from PATH_OR_URL --to PATH_OR_URL`` (labo_dash.cli) runs :func:`copy_database`:

- both databases are opened and migrated (the same numbered migrations give both the same schema), and must
  record the same migrations;
- the source is read in one consistent state (labo_dash.fingerprints.reading);
- the target must hold no data: every table has exactly the rows the migrations put in a new base (the
  reference seminar, its objectives, workshops and programme); any other row (an edit leaves one in the audit
  log) refuses the copy, which then writes nothing;
- one transaction on the target (labo_dash.db.transaction, every topic's version bumped): the migrations'
  rows are deleted, every table's rows inserted in the order of the foreign keys, each id sequence set past
  the copied ids (the app inserts with ``nextval``), then every table is fingerprinted inside the
  transaction and compared with the source's (row count and checksum, labo_dash.fingerprints): any
  difference rolls the whole copy back.

``schema_migrations`` and ``data_versions`` are not copied: the target keeps its own record of its
migrations and its own versions, bumped by the copy.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlglot import exp

from labo_dash import db, fingerprints, postgres
from labo_dash.errors import LaboError
from labo_dash.fingerprints import Fingerprint

Place = str | os.PathLike[str]  # a DuckDB file's path or a PostgreSQL URL
SKIPPED = frozenset({"schema_migrations", "data_versions"})
_NEXTVAL = re.compile(r"nextval\('([A-Za-z_][A-Za-z0-9_]*)'")
_FOREIGN_KEYS = (
    "SELECT k.table_name AS child, u.table_name AS parent FROM information_schema.referential_constraints r "
    "JOIN information_schema.table_constraints k ON k.constraint_name = r.constraint_name "
    "AND k.constraint_schema = r.constraint_schema "
    "JOIN information_schema.table_constraints u ON u.constraint_name = r.unique_constraint_name "
    "AND u.constraint_schema = r.unique_constraint_schema "
    "WHERE k.table_schema = current_schema()"
)
_PRIMARY_KEYS = (
    "SELECT tc.table_name, k.column_name FROM information_schema.table_constraints tc "
    "JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name "
    "AND k.constraint_schema = tc.constraint_schema AND k.table_name = tc.table_name "
    "WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema() "
    "ORDER BY tc.table_name, k.ordinal_position"
)
_SEQUENCES = (
    "SELECT table_name, column_name, column_default FROM information_schema.columns "
    "WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'"
)


@dataclass(frozen=True, slots=True)
class Copied:
    """What a copy did: the name of each database (a URL without its password, or a file's path) and, for
    every table copied, its fingerprint, found equal on both sides."""

    source: str
    target: str
    tables: dict[str, Fingerprint]

    @property
    def rows(self) -> int:
        """Rows copied, over every table."""
        return sum(f.rows for f in self.tables.values())


def _name(target: Place) -> str:
    """A database's name for messages: a URL without its password, or a file's path."""
    return postgres.safe_url(str(target)) if postgres.is_url(target) else str(target)


def _same(a: Place, b: Place) -> bool:
    """Tell whether ``a`` and ``b`` name one database (the same URL, or the same file)."""
    if postgres.is_url(a) or postgres.is_url(b):
        return str(a) == str(b)
    return Path(str(a)).resolve() == Path(str(b)).resolve()


def copy_database(source: Place, target: Place) -> Copied:
    """Copy every table of ``source`` into ``target`` (each a DuckDB file's path or a PostgreSQL URL) in one
    transaction on the target, verified table by table; return what was copied.

    Raises LaboError (French), writing nothing (a DuckDB file the copy created is removed), when both name
    the same database, when their migrations differ, when the target holds data, when a copied row takes a
    unique value a row seeded by the target's migrations still holds, or when a copied table's fingerprint
    differs from the source's; DatabaseLocked while another process holds a DuckDB file.
    """
    if _same(source, target):
        raise LaboError("Copie refusée : la source et la destination sont la même base.")
    new_file = None if postgres.is_url(target) or Path(target).exists() else Path(target)
    src = db.open_database(source)
    try:
        dst = db.open_database(target)
        try:
            tables = _copy(src, dst, _name(target))
        finally:
            dst.close()
    except BaseException:
        if new_file is not None:  # a DuckDB file this copy created: nothing of it stays
            for path in (new_file, new_file.with_name(new_file.name + ".wal")):
                path.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    return Copied(_name(source), _name(target), tables)


def _copy(src: db.Connection, dst: db.Connection, target: str) -> dict[str, Fingerprint]:
    if db.applied_migrations(src) != db.applied_migrations(dst):
        raise LaboError(
            "Copie refusée, rien n'a été écrit : la source et la destination n'ont pas les mêmes migrations "
            "(mettez d'abord l'application à jour au même niveau)."
        )
    _refuse_data(dst, target)
    with fingerprints.reading(src) as read:
        expected = {t: f for t, f in fingerprints.fingerprints(read).items() if t not in SKIPPED}
        order = _ordered(read, list(expected))
        contents = {}
        for table in order:
            read.execute(fingerprints.whole_table(table))
            contents[table] = ([d[0] for d in read.description or ()], read.fetchall())
    with db.transaction(dst) as cur:
        keys = _primary_keys(cur)
        leftovers = {}
        for table in order:
            try:
                leftovers[table] = _merge(cur, table, keys[table], *contents[table])
            except postgres.CONSTRAINT_VIOLATIONS as exc:
                raise LaboError(
                    f"Copie annulée, rien n'a été écrit : une ligne de la table « {table} » de la source "
                    "porte une valeur unique qu'une autre ligne de la destination, créée par ses migrations, "
                    "porte encore (des données de référence renumérotées dans la source ?)."
                ) from exc
        for table in reversed(order):
            if leftovers[table]:
                delete = exp.delete(exp.table_(table, quoted=True), where=_by(keys[table]))
                cur.executemany(delete.sql(dialect="duckdb"), leftovers[table])
        _advance_sequences(cur, postgres.is_url(db.database_path(dst)))
        found = {t: f for t, f in fingerprints.fingerprints(cur).items() if t not in SKIPPED}
        different = sorted(t for t in expected if found.get(t) != expected[t])
        if different or set(found) != set(expected):
            raise LaboError(
                "Copie annulée, rien n'a été écrit : les tables copiées ne correspondent pas à la source "
                f"({', '.join(different or sorted(set(found) ^ set(expected)))})."
            )
    return expected


def _primary_keys(cur: Any) -> dict[str, list[str]]:
    """Every table's primary key columns, in order (every table of the schema has one)."""
    keys: dict[str, list[str]] = {}
    for table, column in cur.execute(_PRIMARY_KEYS).fetchall():
        keys.setdefault(table, []).append(column)
    return keys


def _merge(cur: Any, table: str, key: list[str], columns: list[str], rows: list[tuple[Any, ...]]
           ) -> list[tuple[Any, ...]]:
    """Write the source's ``rows`` into ``table`` by primary key: a row the migrations already wrote with
    that key gets the source's values (only the columns that differ), any other row is inserted. Returns
    the keys of the target's rows the source does not have (deleted by the caller, children first).

    Updating rather than deleting then inserting a seeded row: DuckDB refuses, within one transaction, to
    delete or re-key a row that other rows reference (its foreign key limitations).
    """
    cur.execute(fingerprints.whole_table(table))
    names = [d[0] for d in cur.description]
    existing = {tuple(row[names.index(c)] for c in key): dict(zip(names, row, strict=True))
                for row in cur.fetchall()}
    inserts = []
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        old = existing.pop(tuple(values[c] for c in key), None)
        if old is None:
            inserts.append(row)
            continue
        changed = [c for c in columns if old[c] != values[c]]
        if changed:
            sets: dict[str, object] = {exp.column(c, quoted=True).sql(): exp.Placeholder() for c in changed}
            update = exp.update(exp.table_(table, quoted=True), sets, where=_by(key))
            cur.execute(update.sql(dialect="duckdb"), [values[c] for c in changed] + [values[c] for c in key])
    if inserts:
        insert = exp.insert(exp.values([tuple(exp.Placeholder() for _ in columns)]),
                            exp.table_(table, quoted=True),
                            columns=[exp.to_identifier(c, quoted=True) for c in columns])
        cur.executemany(insert.sql(dialect="duckdb"), inserts)
    return list(existing)


def _by(key: list[str]) -> exp.Condition:
    """``"a" = ? AND "b" = ?`` over a primary key's columns (sqlglot quotes the names; values are bound)."""
    return exp.and_(*[exp.column(c, quoted=True).eq(exp.Placeholder()) for c in key])


def _refuse_data(dst: db.Connection, target: str) -> None:
    """Refuse a target with rows other than those its migrations wrote (counted in a new in-memory base)."""
    fresh = db.open_database(":memory:")
    try:
        seeded = {t: f.rows for t, f in fingerprints.table_fingerprints(fresh).items()}
    finally:
        fresh.close()
    found = fingerprints.table_fingerprints(dst)
    held = sorted(t for t, f in found.items() if t not in SKIPPED and f.rows != seeded.get(t, 0))
    if held:
        raise LaboError(
            f"Copie refusée, rien n'a été écrit : la destination « {target} » contient déjà des données "
            f"(tables {', '.join(held)}). Copiez vers une base neuve."
        )


def _ordered(cur: Any, tables: list[str]) -> list[str]:
    """``tables`` sorted so that every table comes after the tables its foreign keys reference."""
    parents: dict[str, set[str]] = {t: set() for t in tables}
    for child, parent in cur.execute(_FOREIGN_KEYS).fetchall():
        if child in parents and parent != child:
            parents[child].add(parent)
    order: list[str] = []
    while len(order) < len(tables):
        ready = sorted(t for t in tables if t not in order and parents[t] <= set(order))
        if not ready:
            raise LaboError("Copie refusée : les clés étrangères des tables forment un cycle.")
        order += ready
    return order


def _advance_sequences(cur: Any, on_postgres: bool) -> None:
    """Set every id sequence past the largest copied id, so that the next ``nextval`` gives a new id.

    PostgreSQL: ``setval``. DuckDB has no ``setval``: the sequence is drawn until it reaches that id.
    """
    for table, column, default in cur.execute(_SEQUENCES).fetchall():
        match = _NEXTVAL.search(default)
        if match is None:
            continue
        sequence = match.group(1)
        largest_id = exp.select(exp.func("max", exp.column(column, quoted=True))).from_(
            exp.table_(table, quoted=True))
        (largest,) = cur.execute(largest_id.sql(dialect="duckdb")).fetchone()
        if largest is None:
            continue
        if on_postgres:
            cur.execute("SELECT setval(?, ?)", [sequence, largest])
            continue
        (last,) = cur.execute(
            "SELECT coalesce(last_value, start_value - 1) FROM duckdb_sequences() WHERE sequence_name = ?",
            [sequence],
        ).fetchone()
        if largest > last:
            cur.execute("SELECT count(nextval(?)) FROM range(?)", [sequence, largest - last])
