"""Import of findings and défis from the CSV and Excel files scribes produce, and their templates.

Findings columns: ``atelier`` (number or title), ``type`` (frein / levier / constat), ``texte``,
``objectifs`` (numbers or titles, several separated by commas), optional ``groupe`` and ``type de
participant``. Défis columns: ``titre``, optional ``description``, ``atelier``, ``constats`` (finding
numbers) and one column per objective (``objectif 1`` ... ``objectif 5``) holding its weight in %
(« 40 », « 40,5 % », or a cell formatted as a percentage, read by :func:`labo_dash.parsing.parse_percent`).
In a workbook, the sheet of the template (« Constats », « Défis ») is read, else the active visible one.
:func:`parse_findings` / :func:`parse_challenges` check every row (and duplicates, in the file and
against the database) and return an :class:`~labo_dash.imports.tables.Preview` (rows and the sheet read), or
raise one ImportRejected listing each bad line; the ``import_*`` functions write all rows in one
transaction, or nothing.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from labo_dash import backup, challenges, db, diagnosis, french, seminar
from labo_dash.access import Actor, Permission, require
from labo_dash.errors import ValidationError
from labo_dash.french import FINDING_KINDS, PARTICIPANT_KINDS
from labo_dash.imports import (
    Preview,
    Row,
    Table,
    check_rows,
    header_key,
    read_table,
    template_csv,
    template_xlsx,
)
from labo_dash.parsing import NumberError, parse_percent

FINDINGS_SHEET, CHALLENGES_SHEET = "Constats", "Défis"  # the templates' sheets, read first in a workbook
FINDING_COLUMNS = ["atelier", "type", "texte", "objectifs"]
FINDING_OPTIONAL = ["groupe", "type de participant"]
FINDING_EXAMPLES = [
    ["1", "frein", "Les appels à projets mettent les structures en concurrence", "1, 3", "Table 2", "PTCE"],
    ["Atelier 2 : financement", "levier", "Un fonds territorial mutualisé entre financeurs",
     "Financer l'accompagnement des coopérations", "Table 1", "Financeur"],
    ["3", "constat", "Le métier d'animateur·ice de coopération n'est pas reconnu", "4", "", ""],
]
CHALLENGE_COLUMNS = ["titre"]
CHALLENGE_OPTIONAL = ["description", "atelier", "constats"]
_KINDS = {header_key(k): k for k in FINDING_KINDS} | {header_key(k + "s"): k for k in FINDING_KINDS}
_SPLIT = re.compile(r"\s*[,;/+]\s*")
_ALLOCATE = {
    "findings": "SELECT nextval('seq_findings') AS id FROM range(?)",
    "challenges": "SELECT nextval('seq_challenges') AS id FROM range(?)",
}


def _allocate(cur: db.Cursor, table: str, n: int) -> list[int]:
    """Draw ``n`` new ids for ``table`` (so that one statement can insert rows and their links)."""
    return sorted(row[0] for row in cur.execute(_ALLOCATE[table], [n]).fetchall())


def _lookups(con: db.Connection, seminar_id: int) -> dict[str, dict[str, Any]]:
    """Return the keys by which a file may name each workshop, objective and participant type."""
    workshops: dict[str, Any] = {}
    for w in seminar.workshops(con, seminar_id, diagnosis.SESSION):
        for name in (str(w.number), f"atelier {w.number}", w.title, w.title.split(":")[-1],
                     w.question or ""):
            workshops.setdefault(header_key(name), w.id)
    objectives: dict[str, Any] = {}
    for o in seminar.objectives(con, seminar_id):
        for name in (str(o.number), f"objectif {o.number}", o.title, o.short_label):
            objectives.setdefault(header_key(name), o.id)
    kinds = {header_key(code): code for code in PARTICIPANT_KINDS}
    kinds |= {header_key(label): code for code, label in PARTICIPANT_KINDS.items()}
    return {"workshops": workshops, "objectives": objectives, "kinds": kinds}


def _finding_row(con: db.Connection, row: Row, names: dict[str, dict[str, Any]],
                 seminar_id: int) -> dict[str, Any]:
    """Resolve and validate one findings row, or raise ValidationError with its reasons."""
    problems = []
    workshop_id = names["workshops"].get(header_key(row["atelier"]))
    if workshop_id is None:
        problems.append(f"atelier inconnu « {row['atelier']} » (attendu : 1, 2, 3 ou le titre de l'atelier)")
    kind = _KINDS.get(header_key(row["type"]))
    if kind is None:
        problems.append(f"type inconnu « {row['type']} » (attendu : frein, levier ou constat)")
    objective_ids = []
    for token in filter(None, _SPLIT.split(row["objectifs"].strip())):
        objective_id = names["objectives"].get(header_key(token))
        if objective_id is None:
            problems.append(f"objectif inconnu « {token} » (attendu : un numéro de 1 à 5 ou le titre)")
        else:
            objective_ids.append(objective_id)
    participant_kind = None
    if row["type de participant"]:
        participant_kind = names["kinds"].get(header_key(row["type de participant"]))
        if participant_kind is None:
            problems.append(
                f"type de participant inconnu « {row['type de participant']} » (attendu : "
                + ", ".join(PARTICIPANT_KINDS.values()) + ")"
            )
    if problems:
        raise ValidationError("ligne refusée", {str(i): p for i, p in enumerate(problems)})
    return diagnosis.validate_finding(
        con, seminar_id=seminar_id, workshop_id=workshop_id, kind=kind, text=row["texte"],
        objective_ids=objective_ids, group_label=row["groupe"], participant_kind=participant_kind,
    )


def parse_findings(
    con: db.Connection, data: bytes, filename: str = "", seminar_id: int = seminar.DEFAULT_SEMINAR
) -> Preview:
    """Return the findings a file would add (with their line), or raise ImportRejected listing bad lines."""
    table = read_table(data, filename, required=FINDING_COLUMNS, optional=FINDING_OPTIONAL,
                       sheet=FINDINGS_SHEET)
    names = _lookups(con, seminar_id)
    existing = {
        (f.workshop_id, f.kind, header_key(f.text)): f.id
        for f in diagnosis.list_findings(con, seminar_id)
    }
    parsed, bad = check_rows(
        table, lambda row: _finding_row(con, row, names, seminar_id),
        key=lambda values: (values["workshop_id"], values["kind"], header_key(values["text"])),
        duplicate=lambda values, line: f"doublon de la ligne {line} (même atelier, type et texte)",
        stored=lambda values, key: (f"déjà présent dans la base (constat n° {existing[key]})"
                                    if key in existing else None),
    )
    return _preview(table, parsed, bad, "aucun constat n'a été importé")


def _preview(table: Table, parsed: list[dict[str, Any]], bad: list[tuple[int, str]], nothing: str) -> Preview:
    """Return the Preview of the checked rows, or raise ImportRejected listing every bad line."""
    if bad:
        raise table.rejected(
            f"{french.plural(len(bad), 'ligne refusée', 'lignes refusées')} sur {len(table.rows)} : "
            f"{nothing}. Corrigez le fichier et importez-le de nouveau.",
            bad,
        )
    return Preview(parsed, table.source)


def _insert_findings(
    cur: db.Cursor, ids: list[int], rows: list[dict[str, Any]], seminar_id: int
) -> None:
    columns = ["workshop_id", "kind", "text", "group_label", "participant_kind"]
    cur.execute(
        "INSERT INTO findings (id, seminar_id, workshop_id, kind, text, group_label, participant_kind) "
        "SELECT unnest(?), ?, unnest(?), unnest(?), unnest(?), unnest(?), unnest(?)",
        [ids, seminar_id, *[[r[c] for r in rows] for c in columns]],
    )
    links = [(i, o) for i, r in zip(ids, rows, strict=True) for o in r["objective_ids"]]
    cur.execute(
        "INSERT INTO finding_objectives (finding_id, objective_id) SELECT unnest(?), unnest(?)",
        [[i for i, _ in links], [o for _, o in links]],
    )


def _import(
    con: db.Connection, actor: Actor, table: str, data: bytes, filename: str, seminar_id: int
) -> list[int]:
    """Check a file's rows for ``table`` ("findings" or "challenges"), then write them all with their
    links in one transaction after the pre-import backup, audited; return the new ids."""
    require(actor, Permission.DIAGNOSIS_WRITE)
    parse, insert, entity = _IMPORTERS[table]
    rows = parse(con, data, filename, seminar_id).rows
    backup.before_import(con)
    with db.transaction(con, db.Topic.DIAGNOSIS) as cur:
        ids = _allocate(cur, table, len(rows))
        insert(cur, ids, rows, seminar_id)
        db.audit(cur, actor, entity, None, "import", None, {"file": filename, "ids": ids})
    return ids


def _weight_columns(con: db.Connection, seminar_id: int) -> dict[str, int]:
    """Return the défis file's weight column names ("objectif 1", ...) and their objective ids."""
    return {f"objectif {o.number}": o.id for o in seminar.objectives(con, seminar_id)}


def parse_challenges(
    con: db.Connection, data: bytes, filename: str = "", seminar_id: int = seminar.DEFAULT_SEMINAR
) -> Preview:
    """Return the défis a file would add (each with its line), or raise ImportRejected listing bad lines.

    Weights are percentages read exactly (Decimal, 0..100; a blank cell is 0) and passed as such to
    :func:`labo_dash.challenges.validate_challenge`, which checks that they total 100.
    """
    weight_columns = _weight_columns(con, seminar_id)
    table = read_table(
        data, filename, required=[*CHALLENGE_COLUMNS, *weight_columns], optional=CHALLENGE_OPTIONAL,
        sheet=CHALLENGES_SHEET,
    )
    names = _lookups(con, seminar_id)
    parsed, bad = check_rows(
        table, lambda row: _challenge_row(con, row, names, weight_columns, seminar_id),
        key=lambda values: header_key(values["title"]),
        duplicate=lambda values, line: f"doublon de la ligne {line} (même titre)",
        stored=lambda values, key: None,
    )
    return _preview(table, parsed, bad, "aucun défi n'a été importé")


def _challenge_row(
    con: db.Connection,
    row: Row,
    names: dict[str, dict[str, Any]],
    weight_columns: dict[str, int],
    seminar_id: int,
) -> dict[str, Any]:
    """Resolve and validate one défis row, or raise ValidationError with its reasons."""
    problems = []
    workshop_id = names["workshops"].get(header_key(row["atelier"])) if row["atelier"] else None
    if row["atelier"] and workshop_id is None:
        problems.append(f"atelier inconnu « {row['atelier']} »")
    weights: dict[int, Decimal] = {}
    for column, objective_id in weight_columns.items():
        try:
            weights[objective_id] = parse_percent(row[column], f"Pondération ({column})") or Decimal(0)
        except NumberError as exc:
            problems.append(str(exc))
    if not problems and sum(weights.values()) == 1:
        problems.append("les pondérations totalisent 1 : indiquez des pourcentages (total 100)")
    finding_ids = []
    for token in filter(None, _SPLIT.split(row["constats"].strip())):
        if token.lstrip("n°").strip().isdigit():
            finding_ids.append(int(token.lstrip("n°").strip()))
        else:
            problems.append(f"numéro de constat illisible « {token} »")
    if problems:
        raise ValidationError("ligne refusée", {str(i): p for i, p in enumerate(problems)})
    return asdict(challenges.validate_challenge(  # a row of the preview, with its line (check_rows)
        con, title=row["titre"], description=row["description"], workshop_id=workshop_id,
        weights=weights, finding_ids=finding_ids, seminar_id=seminar_id,
    ))


def _insert_challenges(
    cur: db.Cursor, ids: list[int], rows: list[dict[str, Any]], seminar_id: int
) -> None:
    cur.execute(
        "INSERT INTO challenges (id, seminar_id, workshop_id, title, description) "
        "SELECT unnest(?), ?, unnest(?), unnest(?), unnest(?)",
        [ids, seminar_id, *[[r[c] for r in rows] for c in ("workshop_id", "title", "description")]],
    )
    weights = [(i, o, w) for i, r in zip(ids, rows, strict=True) for o, w in r["weights"].items()]
    cur.execute(
        "INSERT INTO challenge_objectives (challenge_id, objective_id, weight) "
        "SELECT unnest(?), unnest(?), unnest(?)",
        [list(column) for column in zip(*weights, strict=True)],
    )
    links = [(i, f) for i, r in zip(ids, rows, strict=True) for f in r["finding_ids"]]
    cur.execute(
        "INSERT INTO challenge_findings (challenge_id, finding_id) SELECT unnest(?), unnest(?)",
        [[i for i, _ in links], [f for _, f in links]],
    )


# Each imported table: its file's reader, its rows' writer and the audit log's entity.
_IMPORTERS = {
    "findings": (parse_findings, _insert_findings, "finding"),
    "challenges": (parse_challenges, _insert_challenges, "challenge"),
}


def import_findings(con: db.Connection, actor: Actor, data: bytes, filename: str = "",
                    seminar_id: int = seminar.DEFAULT_SEMINAR) -> list[int]:
    """Import every finding of a file in one transaction (or none); return the new ids."""
    return _import(con, actor, "findings", data, filename, seminar_id)


def import_challenges(con: db.Connection, actor: Actor, data: bytes, filename: str = "",
                      seminar_id: int = seminar.DEFAULT_SEMINAR) -> list[int]:
    """Import every défi of a file in one transaction (or none); return the new ids."""
    return _import(con, actor, "challenges", data, filename, seminar_id)


def findings_template(file_format: str) -> bytes:
    """Return the findings template ("csv" or "xlsx") with example rows."""
    headers = [*FINDING_COLUMNS, *FINDING_OPTIONAL]
    if file_format == "xlsx":
        return template_xlsx(headers, FINDING_EXAMPLES, FINDINGS_SHEET)
    return template_csv(headers, FINDING_EXAMPLES)


def challenges_template(con: db.Connection, file_format: str,
                        seminar_id: int = seminar.DEFAULT_SEMINAR) -> bytes:
    """Return the défis template ("csv" or "xlsx"): one weight column per objective, an example row."""
    weight_columns = list(_weight_columns(con, seminar_id))
    headers = ["titre", "description", "atelier", *(f"{c} (%)" for c in weight_columns), "constats"]
    example_weights = {"objectif 2": "40", "objectif 3": "60"}
    example = ["Financer durablement l'animation des coopérations",
               "Passer de financements annuels par projet à un financement pluriannuel.", "2",
               *(example_weights.get(c, "") for c in weight_columns), ""]
    if file_format == "xlsx":
        return template_xlsx(headers, [example], CHALLENGES_SHEET)
    return template_csv(headers, [example])
