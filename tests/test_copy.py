"""`python -m labo_dash copy`: a seminar's data from a DuckDB file to PostgreSQL and back, verified table by
table; a target that holds data is refused and keeps every row."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest

from labo_dash import backup, db, participants, seminar, transfer
from labo_dash.errors import LaboError
from labo_dash.reporting import open_data
from tests.actions_data import ORGANISER_ACTOR, TODAY
from tests.conftest import ROOT

pytestmark = pytest.mark.postgres  # every test needs the PostgreSQL cluster


@pytest.fixture
def new_pg(pg_databases, pg_templates) -> Iterator[str]:
    """A migrated PostgreSQL database without data (the migrations' reference seminar only)."""
    url = pg_databases.copy(pg_templates["fresh"])
    yield url
    pg_databases.drop(url)


@pytest.fixture
def demo_file(demo_template, tmp_path):
    """A private copy of the DuckDB demo (seed 42)."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_template, path)
    return path


def fingerprints(target) -> dict[str, backup.Fingerprint]:
    con = db.open_database(target)
    try:
        return {t: f for t, f in backup.table_fingerprints(con).items() if t not in transfer.SKIPPED}
    finally:
        con.close()


def figures_and_open_data(target):
    """What the app reads from a base: the home page's figures (the actions' included) and the open data."""
    con = db.open_database(target)
    try:
        tables = open_data.open_data_tables(con)
        return seminar.key_figures(con, TODAY), {name: table.to_pylist() for name, table in tables.items()}
    finally:
        con.close()


def test_the_demo_goes_to_postgresql_and_back_with_the_same_rows_and_figures(demo_file, new_pg, tmp_path):
    original = fingerprints(demo_file)
    there = transfer.copy_database(demo_file, new_pg)
    assert there.tables == original == fingerprints(new_pg)
    assert there.tables["participants"] == original["participants"] and there.rows > 2000
    back_path = tmp_path / "retour.duckdb"
    back = transfer.copy_database(new_pg, back_path)
    assert back.tables == original == fingerprints(back_path)

    figures, files = figures_and_open_data(demo_file)
    assert figures.participants == 80 and figures.actions.total == 30
    assert figures_and_open_data(new_pg) == (figures, files)
    assert figures_and_open_data(back_path) == (figures, files)


def test_the_copys_sequences_continue_after_the_copied_ids(demo_file, new_pg, tmp_path):
    back = tmp_path / "retour.duckdb"
    transfer.copy_database(demo_file, new_pg)
    transfer.copy_database(new_pg, back)
    for target in (new_pg, back):
        con = db.open_database(target)
        try:
            largest = db.query(con, "SELECT max(id) AS n FROM participants")[0]["n"]
            added = participants.register_participant(con, ORGANISER_ACTOR, {"name": "Après", "kind": "PTCE"})
            assert added.id == largest + 1 == 81
        finally:
            con.close()


def test_a_target_holding_data_is_refused_and_keeps_every_row(demo_file, pg_databases, pg_templates,
                                                               tmp_path):
    full_pg = pg_databases.copy(pg_templates["demo"])
    try:
        before = fingerprints(full_pg)
        with pytest.raises(LaboError, match=r"Copie refusée, rien n'a été écrit : .* contient déjà des"):
            transfer.copy_database(demo_file, full_pg)
        assert fingerprints(full_pg) == before
    finally:
        pg_databases.drop(full_pg)
    other_file = tmp_path / "autre.duckdb"
    shutil.copy(demo_file, other_file)
    before = fingerprints(other_file)
    with pytest.raises(LaboError, match="contient déjà des données"):
        transfer.copy_database(demo_file, other_file)
    assert fingerprints(other_file) == before
    with pytest.raises(LaboError, match="la même base"):
        transfer.copy_database(demo_file, str(demo_file))


def test_one_participant_added_after_the_migrations_is_data(demo_file, new_pg):
    con = db.open_database(new_pg)
    try:
        participants.register_participant(con, ORGANISER_ACTOR, {"name": "Déjà là", "kind": "PTCE"})
    finally:
        con.close()
    before = fingerprints(new_pg)
    with pytest.raises(LaboError, match=r"contient déjà des données \(tables audit_log, participants\)"):
        transfer.copy_database(demo_file, new_pg)
    assert fingerprints(new_pg) == before


@pytest.mark.parametrize("to_postgres", [True, False], ids=["vers PostgreSQL", "vers DuckDB"])
def test_renumbered_reference_rows_are_refused_in_french_and_nothing_is_written(fresh_template, new_pg,
                                                                                tmp_path, to_postgres):
    source = tmp_path / "source.duckdb"
    shutil.copy(fresh_template, source)
    con = db.open_database(source)
    try:  # the objectives 1 and 2 swap their numbers (unique per seminar)
        for objective, number in ((1, 9), (2, 1), (1, 2)):
            con.execute("UPDATE objectives SET number = ? WHERE id = ?", [number, objective])
    finally:
        con.close()
    target = new_pg if to_postgres else tmp_path / "copie.duckdb"
    before = fingerprints(new_pg) if to_postgres else None
    with pytest.raises(LaboError, match=r"Copie annulée, rien n'a été écrit : une ligne de la table "
                                        r"« objectives » de la source porte une valeur unique"):
        transfer.copy_database(source, target)
    if to_postgres:
        assert fingerprints(new_pg) == before
    else:
        assert not target.exists()


def test_command_line_copy_prints_the_table_and_refuses_in_french(demo_file, new_pg):
    command = [sys.executable, "-m", "labo_dash", "copy", "--from", str(demo_file), "--to", new_pg]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "Copie vérifiée de" in done.stdout and "la même somme de contrôle des deux côtés" in done.stdout
    participants_row = next(line for line in done.stdout.splitlines() if "(participants)" in line)
    assert participants_row.split()[:2] == ["participant·e·s", "(participants)"]
    assert participants_row.split()[2] == "80"
    again = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert again.returncode == 1 and "Copie refusée, rien n'a été écrit" in again.stderr
    assert "Traceback" not in again.stderr
