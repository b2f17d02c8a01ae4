"""Every import of an accepted file is preceded by a verified backup; a refused file takes none."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from labo_dash import access, backup, clock, participants
from labo_dash.errors import ImportRejected, LaboError
from labo_dash.imports import actions as actions_import
from labo_dash.imports import diagnosis as diagnosis_import
from labo_dash.reporting import monthly
from labo_dash.reporting.workbook import report_xlsx
from tests.conftest import hold_database

ROOT = Path(__file__).resolve().parents[1]

FINDINGS_OK = "atelier;type;texte;objectifs\n1;frein;Un constat importé pour la sauvegarde;1, 3\n"
FINDINGS_BAD = "atelier;type;texte;objectifs\n9;frein;Atelier inconnu;1\n"
CHALLENGES_OK = (
    "titre;objectif 1;objectif 2;objectif 3;objectif 4;objectif 5\n"
    "Un défi importé pour la sauvegarde;50;50;;;\n"
)
CHALLENGES_BAD = "titre;objectif 1;objectif 2;objectif 3;objectif 4;objectif 5\nDéfi mal pondéré;50;;;;\n"
PARTICIPANTS_OK = "nom;structure;type de participant;territoire\nNina Sauvegarde;Coop Test;PTCE;Bretagne\n"
PARTICIPANTS_BAD = "nom;structure;type de participant;territoire\nNina Sauvegarde;Coop;martien;Bretagne\n"

IMPORTERS = {
    "findings": (diagnosis_import.import_findings, FINDINGS_OK, FINDINGS_BAD, "findings"),
    "challenges": (diagnosis_import.import_challenges, CHALLENGES_OK, CHALLENGES_BAD, "challenges"),
    "participants": (participants.import_participants, PARTICIPANTS_OK, PARTICIPANTS_BAD, "participants"),
}


TODAY = clock.now().astimezone(ZoneInfo("Europe/Paris")).date()  # the seminar's date (default zone)


def actions_file(con, title: str, progress: object) -> bytes:
    """Return this month's actions workbook with the first action retitled and its % set."""
    exported = report_xlsx(monthly.build_report(con, TODAY.replace(day=1), TODAY))
    book = openpyxl.load_workbook(io.BytesIO(exported))
    sheet = book["Actions"]
    headers = [c.value for c in sheet[1]]
    sheet.cell(2, headers.index("Action") + 1).value = title
    sheet.cell(2, headers.index("Avancement (%)") + 1).value = progress
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.slow
def test_accepted_actions_import_is_preceded_by_a_backup(con, saves):
    before = backup.table_fingerprints(con)
    actions_import.apply_import(con, access.SYSTEM, actions_file(con, "Intitulé revu", None), "a.xlsx", TODAY)
    assert backup.table_fingerprints(con)["actions"] != before["actions"]
    (folder,) = backup.list_backups(saves)
    assert folder.name.endswith("-avant-import") and backup.verify(folder).tables == before


def test_refused_actions_import_takes_no_backup(con, saves):
    before = backup.table_fingerprints(con)
    with pytest.raises(ImportRejected):
        actions_import.apply_import(con, access.SYSTEM, actions_file(con, "x", "beaucoup"), "a.xlsx", TODAY)
    assert backup.list_backups(saves) == [] and backup.table_fingerprints(con) == before


@pytest.fixture
def saves(monkeypatch, tmp_path):
    folder = tmp_path / "saves"
    monkeypatch.setenv("LABO_BACKUP_DIR", str(folder))
    return folder


@pytest.mark.parametrize("kind", IMPORTERS)
def test_accepted_import_is_preceded_by_a_backup_of_the_state_before(kind, con, saves):
    importer, good, _, table = IMPORTERS[kind]
    before = backup.table_fingerprints(con)
    importer(con, access.SYSTEM, good.encode("utf-8"), f"{kind}.csv")
    after = backup.table_fingerprints(con)
    assert after[table].rows == before[table].rows + 1
    (folder,) = backup.list_backups(saves)
    assert folder.name.endswith("-avant-import")
    assert backup.verify(folder).tables == before  # the backup holds the database as it was


@pytest.mark.parametrize("kind", IMPORTERS)
def test_refused_file_takes_no_backup_and_writes_nothing(kind, con, saves):
    importer, _, bad, _ = IMPORTERS[kind]
    before = backup.table_fingerprints(con)
    with pytest.raises(ImportRejected):
        importer(con, access.SYSTEM, bad.encode("utf-8"), f"{kind}.csv")
    assert backup.list_backups(saves) == []
    assert backup.table_fingerprints(con) == before


def test_import_is_refused_in_french_when_the_backup_cannot_be_written(con, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the backup folder should go")
    monkeypatch.setenv("LABO_BACKUP_DIR", str(blocker / "saves"))
    before = backup.table_fingerprints(con)
    with pytest.raises(LaboError, match="sauvegarde automatique avant l'import a échoué"):
        diagnosis_import.import_findings(con, access.SYSTEM, FINDINGS_OK.encode("utf-8"), "constats.csv")
    assert backup.table_fingerprints(con) == before


@pytest.mark.duckdb_only
def test_command_line_backup_while_the_app_holds_the_file_says_what_to_do(demo_db, tmp_path):
    with hold_database(demo_db) as pid:
        cli = subprocess.run(
            [sys.executable, "-m", "labo_dash", "backup", "--db", str(demo_db), "--to", str(tmp_path / "s")],
            capture_output=True, text=True, cwd=ROOT,
        )
    assert cli.returncode == 1 and f"PID {pid}" in cli.stderr
    assert "Sauvegarde refusée" in cli.stderr and "chaque jour et avant chaque import" in cli.stderr
    assert not (tmp_path / "s").exists()
