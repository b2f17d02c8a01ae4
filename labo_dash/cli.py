"""The command line: ``python -m labo_dash COMMAND ...`` (French messages, non-zero exit on refusal)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from labo_dash import config, db, postgres
from labo_dash.errors import ImportRejected, LaboError

_FRENCH = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "affiche cette aide et quitte",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "choix invalide : %(value)r (possibles : %(choices)s)",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s attendu) : %(value)r",
    "expected one argument": "une valeur est attendue",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
}
# argparse looks up its messages through its module-level name ``_`` (gettext without a catalogue).
vars(argparse)["_"] = lambda text: _FRENCH.get(text, text)

_TABLE_LABELS = {
    "participants": "participant·e·s", "findings": "constats",
    "finding_objectives": "liens constat-objectif", "challenges": "défis",
    "challenge_objectives": "poids défi-objectif", "challenge_findings": "sources des défis",
    "rounds": "tours de vote", "round_items": "éléments soumis au vote", "ballots": "bulletins",
    "ballot_entries": "lignes de bulletin", "workshops": "ateliers", "solutions": "solutions",
    "actions": "actions", "progress_updates": "points d'avancement", "progress_withdrawals": "points retirés",
    "reviews": "comités de pilotage", "decisions": "décisions", "barometer_ratings": "réponses au baromètre",
    "seminars": "séminaires", "objectives": "objectifs", "programme_slots": "créneaux du programme",
    "settings": "réglages", "audit_log": "journal des modifications", "contributions": "contributions",
}

Handler = Callable[[argparse.Namespace], int]


def _demo(args: argparse.Namespace) -> int:
    from labo_dash.demo import build_demo

    with db.open_database(args.db) as con:
        counts = build_demo(con, seed=args.seed)
    summary = ", ".join(f"{_TABLE_LABELS.get(table, table)} : {n}" for table, n in counts.items())
    print(f"Démo créée dans {shown(args.db)} (graine {args.seed}). {summary}")
    return 0


def _passcode_hash(args: argparse.Namespace) -> int:
    import getpass

    from labo_dash.auth import hash_passcode

    if sys.stdin.isatty():
        passcode = getpass.getpass("Code d'accès : ")
        if getpass.getpass("Le même code, pour confirmer : ") != passcode:
            print("Erreur : les deux saisies diffèrent, rien n'a été produit.", file=sys.stderr)
            return 1
    else:
        passcode = sys.stdin.readline().rstrip("\r\n")
    print(hash_passcode(passcode))
    return 0


def _export(args: argparse.Namespace) -> int:
    from labo_dash.reporting.open_data import write_open_data

    with db.open_database(args.db) as con:
        paths = write_open_data(con, args.to)
    print(f"Données ouvertes écrites dans {args.to} : {len(paths)} fichiers (CSV, Parquet, dictionnaire).")
    return 0


def _report(args: argparse.Namespace) -> int:

    from labo_dash import clock, french
    from labo_dash.reporting import monthly
    from labo_dash.reporting.pdf import report_pdf
    from labo_dash.reporting.workbook import report_xlsx

    with db.open_database(args.db) as con:
        today = clock.today(con)
        month = monthly.parse_month(args.month, today)
        report = monthly.build_report(con, month, today)
    render = report_pdf if args.format == "pdf" else report_xlsx
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(render(report))
    print(f"Rapport mensuel {french.of_month(month)} ({args.format.upper()}) écrit dans {out}.")
    return 0


def _import(args: argparse.Namespace) -> int:

    from labo_dash import access, clock, french, participants
    from labo_dash.imports import Preview
    from labo_dash.imports import actions as actions_import
    from labo_dash.imports import diagnosis as diagnosis_import

    # The reader gives the preview's source (the sheet read), the importer writes.
    Reader = Callable[..., Preview]
    Importer = Callable[..., Sequence[object]]
    importers: dict[str, tuple[Reader, Importer, tuple[str, str]]] = {
        "findings": (diagnosis_import.parse_findings, diagnosis_import.import_findings,
                     ("constat importé", "constats importés")),
        "challenges": (diagnosis_import.parse_challenges, diagnosis_import.import_challenges,
                       ("défi importé", "défis importés")),
        "participants": (participants.read_participants, participants.import_participants,
                         ("participant·e inscrit·e, avec un code,",
                          "participant·e·s inscrit·e·s, avec un code,")),
    }
    path = Path(args.file)
    if not path.is_file():
        raise LaboError(f"Le fichier « {path} » est introuvable.")
    with db.open_database(args.db) as con:
        if args.what == "actions":
            actor = access.Actor(access.ORGANISER, args.by)
            plan = actions_import.apply_import(con, actor, path.read_bytes(), path.name, clock.today(con))
            edited = sum(1 for change in plan.changes if change.fields)
            added = sum(1 for change in plan.changes if change.update) + len(plan.updates)
            edited_text = french.plural(edited, "fiche d'action modifiée", "fiches d'action modifiées")
            added_text = french.plural(added, "point d'avancement ajouté", "points d'avancement ajoutés")
            print(f"{edited_text} et {added_text} depuis {path.name} ({plan.source}) dans {shown(args.db)}.")
            return 0
        reader, importer, noun = importers[args.what]
        data = path.read_bytes()
        source = reader(con, data, path.name).source
        created = importer(con, access.SYSTEM, data, path.name)
    print(f"{french.plural(len(created), *noun)} depuis {path.name} ({source}) dans {shown(args.db)}.")
    if args.what == "participants":
        print(f"Badges à imprimer : python -m labo_dash badges --db {shown(args.db)} --out badges.pdf")
    return 0


def _badges(args: argparse.Namespace) -> int:

    from labo_dash import french, participants, seminar
    from labo_dash.reporting import badges

    with db.open_database(args.db) as con:
        people = participants.list_participants(con).to_dict("records")
        title = seminar.get_seminar(con).title
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(badges.badges_pdf(people, title, args.base_url))
    with_code = sum(1 for person in people if person.get("code"))
    written = french.plural(with_code, "badge écrit", "badges écrits")
    print(f"{written} dans {out} (liens vers {badges.vote_link(base=args.base_url)}).")
    return 0


def _backup(args: argparse.Namespace) -> int:

    from labo_dash import backup
    from labo_dash.errors import DatabaseLocked

    try:
        con = db.open_database(args.db, migrate=False)
    except DatabaseLocked as exc:
        refused = ("Sauvegarde refusée, rien n'a été copié : pendant qu'elle tourne, l'application prend "
                   "elle-même une sauvegarde chaque jour et avant chaque import (dossier LABO_BACKUP_DIR).")
        raise DatabaseLocked(exc.path, exc.pid, refused=refused) from None
    with con:
        folder = backup.snapshot(con, "manuelle", to=Path(args.to))
    print(f"Sauvegarde de {shown(args.db)} enregistrée dans {folder}.")
    return 0


def _restore(args: argparse.Namespace) -> int:

    from labo_dash import backup

    safety = backup.restore(args.db, Path(args.source))
    print(f"Base {shown(args.db)} restaurée depuis {args.source}.")
    if safety:
        print(f"L'ancienne version a d'abord été sauvegardée dans {safety}.")
    return 0


def _copy(args: argparse.Namespace) -> int:
    from labo_dash import french, transfer

    copied = transfer.copy_database(args.source, args.target)
    tables = french.plural(len(copied.tables), "table", "tables")
    print(f"Copie vérifiée de {copied.source} vers {copied.target} : {french.number(copied.rows)} lignes "
          f"dans {tables}, chacune avec le même nombre de lignes et la même somme de contrôle des deux "
          "côtés.")
    rows = [(name if _TABLE_LABELS.get(name, name) == name else f"{_TABLE_LABELS[name]} ({name})",
             french.number(fingerprint.rows), f"{fingerprint.checksum:016x}")
            for name, fingerprint in copied.tables.items()]
    width = max(len(row[0]) for row in [("Table", "", ""), *rows])
    print(f"{'Table'.ljust(width)}  {'Lignes':>8}  Somme de contrôle")
    for label, count, checksum in rows:
        print(f"{label.ljust(width)}  {count:>8}  {checksum}")
    return 0


_DB_HELP = "fichier DuckDB ou adresse postgresql://… (défaut : LABO_DB ou data/labo.duckdb)"
_PLACE = "fichier DuckDB ou adresse postgresql://utilisateur:motdepasse@serveur:5432/base"
_IMPORTS = {
    "findings": "constats des ateliers du matin (atelier ; type ; texte ; objectifs ; ...)",
    "challenges": "défis (titre ; description ; atelier ; objectif 1 … objectif 5 en %% ; constats)",
    "participants": "participant·e·s (nom ; structure ; type de participant ; territoire ; email), "
                    "chacun·e reçoit un code personnel",
    "actions": "actions et points d'avancement depuis le classeur Excel exporté de /actions, modifié "
               "(mise à jour par n° d'action)",
}
# Each command: (name, help, handler, its own arguments as (flags, add_argument's keywords)); every
# command but passcode-hash and copy also takes --db.
_Argument = tuple[tuple[str, ...], dict[str, object]]
_COMMANDS: list[tuple[str, str, Handler, list[_Argument]]] = [
    ("demo", "crée une base de démonstration réaliste et reproductible", _demo, [
        (("--seed",), {"type": int, "default": 42, "help": "graine du tirage (défaut : 42)"})]),
    ("passcode-hash", "lit un code d'accès (saisi, ou sur l'entrée standard) et affiche son empreinte "
     "salée, à mettre dans LABO_ORGANISATEUR_PASSCODE_HASH, LABO_PILOTAGE_PASSCODE_HASH ou "
     "LABO_PARTENAIRE_PASSCODE_HASH", _passcode_hash, []),
    ("export", "exporte les données ouvertes : un CSV et un Parquet par table, et un dictionnaire", _export, [
        (("--to",), {"required": True, "metavar": "DOSSIER", "help": "dossier où écrire les fichiers"})]),
    ("report", "écrit le rapport mensuel du comité de pilotage (PDF, Excel)", _report, [
        (("--month",), {"required": True, "metavar": "AAAA-MM", "help": "mois du rapport, ex. 2026-11"}),
        (("--format",), {"required": True, "choices": ["pdf", "xlsx"], "help": "pdf ou xlsx"}),
        (("--out",), {"required": True, "metavar": "FICHIER", "help": "fichier à écrire"})]),
    ("badges", "écrit la planche A4 des badges (nom, code, QR code) en PDF", _badges, [
        (("--out",), {"required": True, "metavar": "FICHIER", "help": "fichier PDF à écrire"}),
        (("--base-url",), {"default": None, "metavar": "URL",
                           "help": "adresse publique de l'application (défaut : LABO_BASE_URL)"})]),
    ("backup", "sauvegarde la base dans un nouveau dossier daté", _backup, [
        (("--to",), {"required": True, "help": "dossier où créer la sauvegarde"})]),
    ("restore", "remplace la base par une sauvegarde vérifiée du même moteur (un fichier DuckDB : refusé si "
     "l'application le tient)", _restore, [
        (("--from",), {"dest": "source", "required": True, "help": "dossier de la sauvegarde"})]),
    ("copy", "copie les données d'une base vers une base neuve (DuckDB vers PostgreSQL ou l'inverse), "
     "vérifiées table par table", _copy, [
        (("--from",), {"dest": "source", "required": True, "metavar": "SOURCE", "help": _PLACE}),
        (("--to",), {"dest": "target", "required": True, "metavar": "DESTINATION",
                     "help": f"{_PLACE} ; elle ne doit contenir aucune donnée"})]),
]


def _add_import(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    importing = commands.add_parser("import", help="importe un fichier CSV ou Excel (.xlsx)")
    kinds = importing.add_subparsers(dest="what", metavar="QUOI", required=True)
    for name, text in _IMPORTS.items():
        kind = kinds.add_parser(name, help=text)
        kind.add_argument("file", metavar="FICHIER", help="fichier .csv (séparateur ; ou ,) ou .xlsx")
        kind.add_argument("--db", default=None, help=_DB_HELP)
        if name == "actions":
            kind.add_argument(
                "--par", dest="by", default="import en ligne de commande", metavar="NOM",
                help="qui rapporte les points d'avancement (défaut : import en ligne de commande)",
            )
        kind.set_defaults(handler=_import)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every command (``--db`` None when not given: :func:`main` reads
    ``LABO_DB`` after parsing, so that ``--help`` works whatever the environment holds)."""
    parser = argparse.ArgumentParser(
        prog="python -m labo_dash",
        description="Tableau de bord du séminaire du Labo de l'ESS : données de démo, imports, exports, "
        "sauvegardes.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE", required=True)
    for name, text, handler, arguments in _COMMANDS:
        command = commands.add_parser(name, help=text)
        if name not in ("passcode-hash", "copy"):
            command.add_argument("--db", default=None, help=_DB_HELP)
        for flags, options in arguments:
            command.add_argument(*flags, **options)  # type: ignore[arg-type]  # typeshed lists each keyword
        command.set_defaults(handler=handler)
    _add_import(commands)
    return parser


_READ = frozenset({"export", "report", "badges", "backup", "copy"})  # commands that read an existing base


def _places(args: argparse.Namespace) -> None:
    """Check the databases the command names (``--db``, else ``LABO_DB``; ``copy``'s ``--from`` and ``--to``).

    Raises ConfigError (French) for an unreadable PostgreSQL URL, LaboError for a DuckDB file that does not
    exist when the command reads it (opening it would create an empty one).
    """
    if getattr(args, "db", "") is None:
        args.db = str(db.default_path())  # raises ConfigError (French) for a bad LABO_* variable
    options = {"db": "--db"}
    if args.command == "copy":
        options = {"source": "--from", "target": "--to"}
    for name, option in options.items():
        text = getattr(args, name, None)
        if text is None:
            continue
        place = config.parse_database(text, f"L'option {option}")
        reads = name == "source" or (name == "db" and args.command in _READ)
        if reads and isinstance(place, Path) and not place.exists():
            named = "option --db ou LABO_DB" if name == "db" else f"option {option}"
            raise LaboError(f"La base « {place} » n'existe pas ({named}) : rien n'a été fait. Vérifiez le "
                            "chemin du fichier DuckDB.")


def shown(place: str) -> str:
    """A database as the command line prints it: a PostgreSQL URL without its password."""
    return postgres.safe_url(place) if postgres.is_url(place) else place


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; print a French message and return non-zero when it is refused (a bad ``LABO_*``
    variable included)."""
    try:
        args = build_parser().parse_args(argv)
        _places(args)
        handler: Handler = args.handler
        return handler(args)
    except ImportRejected as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    except LaboError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
