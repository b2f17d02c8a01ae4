"""The features' SQL, written in DuckDB's dialect, in PostgreSQL's (sqlglot, one translation per statement).

``?`` placeholders become ``$1…$n`` so that a ``%`` in the SQL never needs escaping (psycopg's raw cursors).
Each rewrite of :func:`_rewrite` is one general rule with a case in tests/test_postgres.py; the choice and its
measurements are in docs/architecture.md. A statement with no faithful translation is written in the subset
both engines share instead.
"""

from __future__ import annotations

import functools
import itertools

import sqlglot
from sqlglot import exp
from sqlglot.tokens import TokenType

ACCENTED = "àâäáãåçéèêëíìîïñóòôöõúùûüýÿœæÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝŸ"
PLAIN = "aaaaaaceeeeiiiinooooouuuuyyœæAAAAAACEEEEIIIINOOOOOUUUUYY"
_ALIASES = itertools.count(1)  # names of unnamed subqueries in FROM


@functools.lru_cache(maxsize=4096)
def translate(sql: str, column_types: tuple[str, ...] = ()) -> str:
    """Return ``sql`` (DuckDB's dialect, ``?`` placeholders) in PostgreSQL's, with ``$n`` placeholders.

    ``column_types``: for a column-wise insert (:func:`columnwise_insert`), the PostgreSQL types of its
    columns in order (``integer``, ``character varying``…); each bare ``unnest(?)`` is then cast to its
    column's array type, since an empty list or a list of NULLs has no type of its own in PostgreSQL.
    Several statements separated by ``;`` stay several. Cached: a statement is translated once per process.
    """
    statements = sqlglot.parse(_numbered(sql), read="duckdb")
    return ";\n".join(
        _typed_unnests(tree, column_types).transform(_parameter).transform(_rewrite).sql(dialect="postgres")
        for tree in statements if tree is not None
    )


@functools.lru_cache(maxsize=256)
def columnwise_insert(sql: str) -> tuple[str, tuple[str, ...]] | None:
    """Return the table and columns of a column-wise insert (``INSERT INTO t (a, b) SELECT ?, unnest(?)``,
    one value or one list per column), or None for any other statement."""
    tree = sqlglot.parse_one(_numbered(sql), read="duckdb")
    select = tree.expression if isinstance(tree, exp.Insert) else None
    if not isinstance(tree.this, exp.Schema) or not isinstance(select, exp.Select) \
            or not any(isinstance(e, exp.Explode) for e in select.expressions):
        return None
    columns = tuple(column.name for column in tree.this.expressions)
    return (tree.this.this.name, columns) if len(columns) == len(select.expressions) else None


def _typed_unnests(tree: exp.Expr, column_types: tuple[str, ...]) -> exp.Expr:
    """Cast each bare ``unnest(?)`` of a column-wise insert to its column's array type."""
    if not column_types:
        return tree
    for expression, column_type in zip(tree.expression.expressions, column_types, strict=True):
        if isinstance(expression, exp.Explode) and isinstance(expression.this, exp.Placeholder):
            element = exp.DataType.build(column_type, dialect="postgres")
            array = exp.DataType(this=exp.DataType.Type.ARRAY, expressions=[element], nested=True)
            expression.set("this", exp.Cast(this=expression.this, to=array))
    return tree


def _numbered(sql: str) -> str:
    """Replace each ``?`` placeholder (outside strings and comments) by ``$1``, ``$2``… in textual order."""
    tokens = [t for t in sqlglot.tokenize(sql, read="duckdb")
              if (t.token_type, t.text) in {(TokenType.PLACEHOLDER, "?"), (TokenType.QDCOLON, "?::")}]
    out, last = [], 0
    for number, token in enumerate(tokens, start=1):  # `?::DATE` is one token: `$1::DATE`
        out += [sql[last:token.start], f"${number}", token.text[1:]]
        last = token.end + 1
    return "".join(out) + sql[last:]


def _rewrite(node: exp.Expression) -> exp.Expression:
    """What DuckDB accepts and PostgreSQL 15 does not, in PostgreSQL's terms (applied to every node)."""
    if isinstance(node, exp.Anonymous) and node.name.lower() == "epoch_us":
        seconds = exp.Extract(this=exp.Var(this="EPOCH"), expression=node.expressions[0])
        return exp.cast(exp.Mul(this=seconds, expression=exp.Literal.number(1_000_000)), "BIGINT")
    if isinstance(node, exp.Is) and _is_parameter(node.this):  # `? IS NULL`: a type to test
        return exp.Is(this=exp.cast(node.this.copy(), "TEXT"), expression=node.expression.copy())
    if isinstance(node, exp.Select) and isinstance(node.args.get("group"), exp.Group) \
            and node.args["group"].args.get("all"):  # GROUP BY ALL: every selected expression but aggregates
        keys = [e.unalias().copy() for e in node.expressions if not e.find(exp.AggFunc, exp.Window)]
        node.set("group", exp.Group(expressions=keys))
        return node
    if isinstance(node, exp.Subquery) and not node.alias and isinstance(node.parent, exp.From | exp.Join):
        node.set("alias", exp.TableAlias(this=exp.to_identifier(f"_from{next(_ALIASES)}")))
        return node  # PostgreSQL 15 wants a name for a subquery in FROM
    if isinstance(node, exp.Length) and isinstance(node.this, exp.Cast) and node.this.to.is_type("array"):
        return exp.Anonymous(this="CARDINALITY", expressions=[node.this.copy()])  # len(list)
    if isinstance(node, exp.Anonymous) and node.name.lower() == "strip_accents":
        return exp.Anonymous(this="TRANSLATE", expressions=[
            node.expressions[0].copy(), exp.Literal.string(ACCENTED), exp.Literal.string(PLAIN)])
    if isinstance(node, exp.Array) and not node.expressions and isinstance(node.parent, exp.Coalesce):
        return exp.Literal.string("{}")  # COALESCE(x, []): '{}' takes x's array type
    if isinstance(node, exp.ArrayContains) and _is_parameter(node.expression):  # list_contains(list, ?)
        return exp.EQ(this=node.expression.copy(), expression=exp.Any(this=exp.Paren(this=node.this.copy())))
    if isinstance(node, exp.Avg):  # DuckDB's avg is a DOUBLE; PostgreSQL's a numeric
        return exp.cast(node.copy(), "DOUBLE")
    return node


def _parameter(node: exp.Expression) -> exp.Expression:
    """``$n`` (numbered by :func:`_numbered`) as PostgreSQL writes it."""
    if isinstance(node, exp.Placeholder) and node.this is not None:
        return exp.Var(this=f"${node.this}")
    return node


def _is_parameter(node: exp.Expression) -> bool:
    return isinstance(node, exp.Var) and node.name.startswith("$")
