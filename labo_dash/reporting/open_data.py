"""The open-data export: one CSV and one Parquet file per table, with a data dictionary.

Open data leaves out personal data: participants lose their name, structure, e-mail and code;
individual ballots become aggregated totals (``ballot_totals``); actions, updates and decisions lose the
names of people; the audit log and the settings stay private; rehearsal and archived rounds are left out
(with their items and ballots). Each exported file is one fixed query
below; every column is described in ``open_data_dictionary.csv`` (French), which a test keeps complete.

Withdrawn progress points (labo_dash.corrections) are left out: ``progress_updates`` publishes the view
``progress_points``, so that anyone replaying the history from the files finds the app's figures; the
withdrawals themselves (reasons written by people, their names) stay private.
"""

from __future__ import annotations

import csv
import io
import zipfile
from importlib import resources
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from labo_dash import clock, db
from labo_dash.imports import spreadsheet

# Rounds published: rehearsals (« tours d'essai ») and archived rounds never are (domain brief §4).
_PUBLISHED = "NOT coalesce(rehearsal, false) AND archived_at IS NULL"
# Vote totals published: closed rounds whose results are public (live, or hidden then revealed): a hidden
# round's totals stay private until the reveal, and an open round's until its close.
_RESULTS_PUBLIC = f"{_PUBLISHED} AND status = 'closed' AND (results_visibility = 'live' OR revealed)"

# file name -> query (fixed text, no value in it); ORDER BY keeps files stable from one export to the next.
EXPORTS: dict[str, str] = {
    "seminars": "SELECT id, slug, title, subtitle, organiser, funder, study, description, held_on, venue, "
    "created_at FROM seminars ORDER BY id",
    "objectives": "SELECT id, seminar_id, number, title, short_label FROM objectives ORDER BY id",
    "programme_slots": "SELECT id, seminar_id, position, starts_at, ends_at, title, details "
    "FROM programme_slots ORDER BY id",
    "workshops": "SELECT id, seminar_id, session, number, title, question FROM workshops ORDER BY id",
    "participants": "SELECT seminar_id, kind, territory, self_registered FROM participants "
    "ORDER BY seminar_id, kind, territory, self_registered",
    "findings": "SELECT id, seminar_id, workshop_id, kind, text, group_label, participant_kind, merged_into, "
    "created_at FROM findings WHERE deleted_at IS NULL ORDER BY id",
    "finding_objectives": "SELECT fo.finding_id, fo.objective_id FROM finding_objectives fo "
    "JOIN findings f ON f.id = fo.finding_id WHERE f.deleted_at IS NULL ORDER BY 1, 2",
    "challenges": "SELECT id, seminar_id, workshop_id, title, description, selected, created_at "
    "FROM challenges WHERE deleted_at IS NULL ORDER BY id",
    "challenge_objectives": "SELECT co.challenge_id, co.objective_id, co.weight FROM challenge_objectives co "
    "JOIN challenges c ON c.id = co.challenge_id WHERE c.deleted_at IS NULL ORDER BY 1, 2",
    "challenge_findings": "SELECT cf.challenge_id, cf.finding_id FROM challenge_findings cf "
    "JOIN challenges c ON c.id = cf.challenge_id WHERE c.deleted_at IS NULL ORDER BY 1, 2",
    "solutions": "SELECT id, seminar_id, challenge_id, workshop_id, title, description, created_at "
    "FROM solutions WHERE deleted_at IS NULL ORDER BY id",
    "rounds": "SELECT id, seminar_id, title, target, method, dots_per_voter, max_per_item, grade_scale, "
    f"status, opened_at, closed_at FROM rounds WHERE {_PUBLISHED} ORDER BY id",
    "round_items": "SELECT round_id, item_id, position FROM round_items "
    f"WHERE round_id IN (SELECT id FROM rounds WHERE {_PUBLISHED}) ORDER BY round_id, position",
    "ballot_totals": f"""
        WITH current_ballots AS (
            SELECT id, round_id FROM ballots WHERE round_id IN (SELECT id FROM rounds WHERE {_RESULTS_PUBLIC})
            QUALIFY row_number() OVER (PARTITION BY round_id, participant_id
                                       ORDER BY submitted_at DESC, id DESC) = 1
        )
        SELECT b.round_id, e.item_id, e.value, count(*) AS voters,
               count(*) FILTER (WHERE e.contribute) AS contributors
        FROM current_ballots b JOIN ballot_entries e ON e.ballot_id = b.id
        GROUP BY b.round_id, e.item_id, e.value ORDER BY 1, 2, 3
    """,
    "barometer_ratings": "SELECT id, seminar_id, participant_kind, territory, objective_id, score, "
    "created_at FROM barometer_ratings ORDER BY id",
    "actions": "SELECT id, solution_id, title, description, pilot_structure, contributors, funders, "
    "budget_planned, budget_secured, start_date, due_date, next_step, weight, created_at "
    "FROM actions ORDER BY id",
    "progress_updates": "SELECT id, action_id, reported_on, status, progress, comment, evidence_url, "
    "recorded_at FROM progress_points ORDER BY id",
    "reviews": "SELECT id, seminar_id, month, held_on, notes, created_at FROM reviews ORDER BY id",
    "decisions": "SELECT id, review_id, action_id, text, due_date, created_at FROM decisions ORDER BY id",
}

# Tables that are not published, and why (a test checks that every table is exported or listed here).
PRIVATE_TABLES = {
    "ballots": "bulletins individuels : publiés seulement sous forme agrégée (ballot_totals)",
    "ballot_entries": "bulletins individuels : publiés seulement sous forme agrégée (ballot_totals)",
    "audit_log": "journal interne des modifications, avec le nom des personnes",
    "progress_withdrawals": "retraits de points d'avancement erronés, avec le nom des personnes : les "
    "points retirés ne sont pas publiés (progress_updates ne contient que les points valides)",
    "settings": "réglages internes de l'application",
    "contributions": "propositions nominatives des participant·e·s (celles acceptées sont dans findings "
    "et solutions)",
    "schema_migrations": "suivi technique du schéma",
    "data_versions": "suivi technique des versions des données (caches des pages)",
}

README = """Données ouvertes du séminaire « {title} »
Export du {date}.

Un fichier par table, en deux formats : CSV (UTF-8, séparateur virgule, dates au format AAAA-MM-JJ)
et Parquet. Le fichier dictionnaire.csv décrit chaque fichier et chaque colonne.
Les dates et heures (colonnes en _at) sont en temps universel (UTC) ; les dates seules (échéances,
dates des points...) sont des dates locales du séminaire, dans le fuseau {zone}.

Données personnelles : les noms, structures, courriels et codes des participant·e·s ne sont pas publiés,
ni les bulletins individuels (seulement leurs totaux, dans ballot_totals), ni le nom des personnes
pilotes ou rapporteuses des actions.

Points d'avancement : un point saisi par erreur n'est jamais effacé dans l'application, il y est retiré
avec une raison ; les points retirés ne sont pas publiés ici (progress_updates ne contient que les
points valides, ceux que comptent les avancements du tableau de bord).
"""


def descriptions() -> dict[tuple[str, str], str]:
    """Return the French description of every (file, column); column "" describes the file itself."""
    text = (resources.files("labo_dash.reporting") / "open_data_dictionary.csv").read_text(encoding="utf-8")
    return {(row["fichier"], row["colonne"]): row["description"] for row in csv.DictReader(io.StringIO(text))}


def open_data_tables(con: db.Connection) -> dict[str, pa.Table]:
    """Return every exported table as an Arrow table, by file name."""
    cur = con.cursor()
    try:
        return {name: cur.sql(sql).to_arrow_table() for name, sql in EXPORTS.items()}
    finally:
        cur.close()


def data_dictionary(tables: dict[str, pa.Table]) -> pa.Table:
    """Return the data dictionary: file, column, type and French description, one row per column."""
    notes = descriptions()
    rows = []
    for name, table in tables.items():
        rows.append({"fichier": name, "colonne": "", "type": "", "lignes": table.num_rows,
                     "description": notes.get((name, ""), "")})
        for column in table.schema:
            rows.append({"fichier": name, "colonne": column.name, "type": str(column.type), "lignes": None,
                         "description": notes.get((name, column.name), "")})
    return pa.Table.from_pylist(rows)


def _files(con: db.Connection) -> dict[str, bytes]:
    tables = open_data_tables(con)
    files: dict[str, bytes] = {}
    for name, table in {**tables, "dictionnaire": data_dictionary(tables)}.items():
        text, parquet = io.BytesIO(), io.BytesIO()
        pa_csv.write_csv(spreadsheet.csv_table(table), text)  # text never runs as a formula in Excel
        pq.write_table(table, parquet)
        files[f"{name}.csv"], files[f"{name}.parquet"] = text.getvalue(), parquet.getvalue()
    seminars = db.query(con, "SELECT title FROM seminars ORDER BY id LIMIT 1")
    title = seminars[0]["title"] if seminars else ""
    files["LISEZMOI.txt"] = README.format(
        title=title, date=clock.today(con).isoformat(), zone=clock.zone_name(con)
    ).encode("utf-8")
    return files


def write_open_data(con: db.Connection, folder: str | Path) -> list[Path]:
    """Write the open-data files into ``folder`` (created if needed); return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in _files(con).items():
        path = folder / name
        path.write_bytes(content)
        paths.append(path)
    return paths


def open_data_zip(con: db.Connection) -> bytes:
    """Return the open-data files as one ZIP archive (for a download button)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in _files(con).items():
            archive.writestr(f"donnees-ouvertes/{name}", content)
    return buffer.getvalue()
