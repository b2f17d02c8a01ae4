"""The command line: ``python -m labo_dash COMMAND ...`` (French messages, non-zero exit on refusal)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from labo_dash import db
from labo_dash.errors import ImportRejected, LaboError

_FRENCH = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "affiche cette aide et quitte",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (possibles : %(choices)s)",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s attendu) : %(value)r",
    "expected one argument": "une valeur est attendue",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
}
argparse._ = lambda text: _FRENCH.get(text, text)  # argparse looks up its messages through this name

Handler = Callable[[argparse.Namespace], int]


def _demo(args: argparse.Namespace) -> int:
    from labo_dash.demo import build_demo

    con = db.open_database(args.db)
    try:
        counts = build_demo(con, seed=args.seed)
    finally:
        con.close()
    summary = ", ".join(f"{table} : {n}" for table, n in counts.items())
    print(f"Démo créée dans {args.db} (graine {args.seed}). {summary}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="python -m labo_dash",
        description="Tableau de bord du séminaire du Labo de l'ESS : données de démo, imports, exports, "
        "sauvegardes.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE", required=True)

    demo = commands.add_parser("demo", help="crée une base de démonstration réaliste et reproductible")
    demo.add_argument("--db", default=str(db.default_path()), help="fichier DuckDB (défaut : LABO_DB ou data/labo.duckdb)")
    demo.add_argument("--seed", type=int, default=42, help="graine du tirage (défaut : 42)")
    demo.set_defaults(handler=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; print a French message and return non-zero when it is refused."""
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except ImportRejected as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    except LaboError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
