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
    "invalid choice: %(value)r (choose from %(choices)s)":
        "choix invalide : %(value)r (possibles : %(choices)s)",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s attendu) : %(value)r",
    "expected one argument": "une valeur est attendue",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
}
argparse._ = lambda text: _FRENCH.get(text, text)  # argparse looks up its messages through this name

_TABLE_LABELS = {
    "participants": "participant·e·s", "findings": "constats",
    "finding_objectives": "liens constat-objectif", "challenges": "défis",
    "challenge_objectives": "poids défi-objectif", "challenge_findings": "sources des défis",
    "rounds": "tours de vote", "round_items": "éléments soumis au vote", "ballots": "bulletins",
    "ballot_entries": "lignes de bulletin", "workshops": "ateliers", "solutions": "solutions",
    "actions": "actions", "progress_updates": "points d'avancement", "progress_withdrawals": "points retirés",
    "reviews": "comités de pilotage", "decisions": "décisions", "barometer_ratings": "réponses au baromètre",
}

Handler = Callable[[argparse.Namespace], int]


def _demo(args: argparse.Namespace) -> int:
    from labo_dash.demo import build_demo

    con = db.open_database(args.db)
    try:
        counts = build_demo(con, seed=args.seed)
    finally:
        con.close()
    summary = ", ".join(f"{_TABLE_LABELS.get(table, table)} : {n}" for table, n in counts.items())
    print(f"Démo créée dans {args.db} (graine {args.seed}). {summary}")
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
    from labo_dash.export import write_open_data

    con = db.open_database(args.db)
    try:
        paths = write_open_data(con, args.to)
    finally:
        con.close()
    print(f"Données ouvertes écrites dans {args.to} : {len(paths)} fichiers (CSV, Parquet, dictionnaire).")
    return 0


def _report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from labo_dash import clock, french, report_pdf, report_xlsx, reports

    con = db.open_database(args.db)
    try:
        today = clock.today(con)
        month = reports.parse_month(args.month, today)
        report = reports.build_report(con, month, today)
    finally:
        con.close()
    render = report_pdf.report_pdf if args.format == "pdf" else report_xlsx.report_xlsx
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(render(report))
    print(f"Rapport mensuel de {french.month(month)} ({args.format.upper()}) écrit dans {out}.")
    return 0


def _import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from labo_dash import access, clock, french, participants
    from labo_dash.imports import actions as actions_import
    from labo_dash.imports import diagnosis as diagnosis_import

    importers = {  # the reader gives the preview's source (the sheet read), the importer writes
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
    con = db.open_database(args.db)
    try:
        if args.what == "actions":
            actor = access.Actor(access.ORGANISER, args.by)
            plan = actions_import.apply_import(con, actor, path.read_bytes(), path.name, clock.today(con))
            edited = sum(1 for change in plan.changes if change.fields)
            added = sum(1 for change in plan.changes if change.update) + len(plan.updates)
            edited_text = french.plural(edited, "fiche d'action modifiée", "fiches d'action modifiées")
            added_text = french.plural(added, "point d'avancement ajouté", "points d'avancement ajoutés")
            print(f"{edited_text} et {added_text} depuis {path.name} ({plan.source}) dans {args.db}.")
            return 0
        reader, importer, noun = importers[args.what]
        data = path.read_bytes()
        source = reader(con, data, path.name).source
        created = importer(con, access.SYSTEM, data, path.name)
    finally:
        con.close()
    print(f"{french.plural(len(created), *noun)} depuis {path.name} ({source}) dans {args.db}.")
    if args.what == "participants":
        print(f"Badges à imprimer : python -m labo_dash badges --db {args.db} --out badges.pdf")
    return 0


def _badges(args: argparse.Namespace) -> int:
    from pathlib import Path

    from labo_dash import badges, french, participants, seminar

    con = db.open_database(args.db)
    try:
        people = participants.list_participants(con).to_dict("records")
        title = seminar.get_seminar(con)["title"]
    finally:
        con.close()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(badges.badges_pdf(people, title, args.base_url))
    with_code = sum(1 for person in people if person.get("code"))
    written = french.plural(with_code, "badge écrit", "badges écrits")
    print(f"{written} dans {out} (liens vers {badges.vote_link(base=args.base_url)}).")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from labo_dash import backup
    from labo_dash.errors import DatabaseLocked

    try:
        con = db.open_database(args.db, migrate=False)
    except DatabaseLocked as exc:
        refused = ("Sauvegarde refusée, rien n'a été copié : pendant qu'elle tourne, l'application prend "
                   "elle-même une sauvegarde chaque jour et avant chaque import (dossier LABO_BACKUP_DIR).")
        raise DatabaseLocked(exc.path, exc.pid, refused=refused) from None
    try:
        folder = backup.snapshot(con, "manuelle", to=Path(args.to))
    finally:
        con.close()
    print(f"Sauvegarde de {args.db} enregistrée dans {folder}.")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from labo_dash import backup

    safety = backup.restore(Path(args.db), Path(args.source))
    print(f"Base {args.db} restaurée depuis {args.source}.")
    if safety:
        print(f"L'ancienne version a d'abord été sauvegardée dans {safety}.")
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
    demo.add_argument(
        "--db", default=str(db.default_path()), help="fichier DuckDB (défaut : LABO_DB ou data/labo.duckdb)"
    )
    demo.add_argument("--seed", type=int, default=42, help="graine du tirage (défaut : 42)")
    demo.set_defaults(handler=_demo)

    passcode = commands.add_parser(
        "passcode-hash",
        help="lit un code d'accès (saisi, ou sur l'entrée standard) et affiche son empreinte salée, à mettre "
        "dans LABO_ORGANISATEUR_PASSCODE_HASH, LABO_PILOTAGE_PASSCODE_HASH ou LABO_PARTENAIRE_PASSCODE_HASH",
    )
    passcode.set_defaults(handler=_passcode_hash)

    export = commands.add_parser(
        "export", help="exporte les données ouvertes : un CSV et un Parquet par table, et un dictionnaire"
    )
    export.add_argument("--db", default=str(db.default_path()), help="fichier DuckDB (défaut : LABO_DB)")
    export.add_argument("--to", required=True, metavar="DOSSIER", help="dossier où écrire les fichiers")
    export.set_defaults(handler=_export)

    report = commands.add_parser("report", help="écrit le rapport mensuel du comité de pilotage (PDF, Excel)")
    report.add_argument("--db", default=str(db.default_path()), help="fichier DuckDB (défaut : LABO_DB)")
    report.add_argument("--month", required=True, metavar="AAAA-MM", help="mois du rapport, ex. 2026-11")
    report.add_argument("--format", required=True, choices=["pdf", "xlsx"], help="pdf ou xlsx")
    report.add_argument("--out", required=True, metavar="FICHIER", help="fichier à écrire")
    report.set_defaults(handler=_report)

    importing = commands.add_parser("import", help="importe un fichier CSV ou Excel (.xlsx)")
    kinds = importing.add_subparsers(dest="what", metavar="QUOI", required=True)
    for name, text in [
        ("findings", "constats des ateliers du matin (atelier ; type ; texte ; objectifs ; ...)"),
        ("challenges", "défis (titre ; description ; atelier ; objectif 1 … objectif 5 en %% ; constats)"),
        ("participants", "participant·e·s (nom ; structure ; type de participant ; territoire ; email), "
                         "chacun·e reçoit un code personnel"),
        ("actions", "actions et points d'avancement depuis le classeur Excel exporté de /actions, modifié "
                    "(mise à jour par n° d'action)"),
    ]:
        kind = kinds.add_parser(name, help=text)
        kind.add_argument("file", metavar="FICHIER", help="fichier .csv (séparateur ; ou ,) ou .xlsx")
        kind.add_argument("--db", default=str(db.default_path()), help="fichier DuckDB (défaut : LABO_DB)")
        if name == "actions":
            kind.add_argument(
                "--par", dest="by", default="import en ligne de commande", metavar="NOM",
                help="qui rapporte les points d'avancement (défaut : import en ligne de commande)",
            )
        kind.set_defaults(handler=_import)

    badge = commands.add_parser("badges", help="écrit la planche A4 des badges (nom, code, QR code) en PDF")
    badge.add_argument("--db", default=str(db.default_path()), help="fichier DuckDB (défaut : LABO_DB)")
    badge.add_argument("--out", required=True, metavar="FICHIER", help="fichier PDF à écrire")
    badge.add_argument("--base-url", default=None, metavar="URL",
                       help="adresse publique de l'application (défaut : LABO_BASE_URL)")
    badge.set_defaults(handler=_badges)

    saving = commands.add_parser("backup", help="sauvegarde la base dans un nouveau dossier daté")
    saving.add_argument("--db", default=str(db.default_path()), help="fichier DuckDB à sauvegarder")
    saving.add_argument("--to", required=True, help="dossier où créer la sauvegarde")
    saving.set_defaults(handler=_backup)

    restoring = commands.add_parser(
        "restore", help="remplace la base par une sauvegarde vérifiée (refusé si l'application la tient)"
    )
    restoring.add_argument("--db", default=str(db.default_path()), help="fichier DuckDB à remplacer")
    restoring.add_argument("--from", dest="source", required=True, help="dossier de la sauvegarde")
    restoring.set_defaults(handler=_restore)
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
