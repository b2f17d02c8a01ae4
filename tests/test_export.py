"""The open-data export: every table exported or deliberately private, described, without personal data."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import zipfile
from collections import Counter

import pyarrow.parquet as pq
import pytest

from labo_dash import db
from labo_dash.reporting import open_data
from tests.conftest import ROOT
from tests.withdrawal_data import build as build_withdrawal


@pytest.fixture(scope="module")
def exported(tmp_path_factory, demo_template):
    """Export the demo once for the module: (folder, {table: row count in the database})."""
    folder = tmp_path_factory.mktemp("open-data")
    result = subprocess.run(
        [sys.executable, "-m", "labo_dash", "export", "--db", str(demo_template), "--to", str(folder)],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "Données ouvertes écrites" in result.stdout
    return folder


def read_csv(path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_every_table_is_exported_or_declared_private(con):
    tables = {row["table_name"] for row in db.query(
        con, "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
        "AND table_schema = current_schema()")}
    covered = set(open_data.EXPORTS) | set(open_data.PRIVATE_TABLES)
    assert tables - covered == set(), "classify new tables in labo_dash/open_data.py"
    assert not set(open_data.EXPORTS) & set(open_data.PRIVATE_TABLES)


def test_every_file_and_column_is_described(con):
    notes = open_data.descriptions()
    for name, table in open_data.open_data_tables(con).items():
        assert notes.get((name, "")), f"{name}: no description"
        for column in table.column_names:
            assert notes.get((name, column)), f"{name}.{column}: no description"
    tables = open_data.open_data_tables(con)
    exported_columns = {(n, c) for n, t in tables.items() for c in ["", *t.column_names]}
    assert set(notes) == exported_columns, "the dictionary describes exactly what is exported"


def test_one_csv_and_one_parquet_per_table_with_the_database_rows(exported, demo_template):
    con = db.open_database(demo_template, migrate=False)
    try:
        for name in open_data.EXPORTS:
            parquet = pq.read_table(exported / f"{name}.parquet")
            rows = read_csv(exported / f"{name}.csv")
            assert parquet.num_rows == len(rows), name
            header = (exported / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0]
            assert header.replace('"', "").split(",") == parquet.column_names, name
        counts = {t: db.query(con, q)[0]["n"] for t, q in {
            "actions": "SELECT count(*) AS n FROM actions",
            "progress_updates": "SELECT count(*) AS n FROM progress_updates WHERE id NOT IN "
            "(SELECT update_id FROM progress_withdrawals)",  # the demo's withdrawn point is left out
            "participants": "SELECT count(*) AS n FROM participants",
            "findings": "SELECT count(*) AS n FROM findings WHERE deleted_at IS NULL",
        }.items()}
        for name, n in counts.items():
            assert pq.read_table(exported / f"{name}.parquet").num_rows == n > 0, name
        actions = pq.read_table(exported / "actions.parquet").to_pylist()
        first = db.query(con, "SELECT * FROM actions ORDER BY id LIMIT 1")[0]
        assert actions[0]["title"] == first["title"] and actions[0]["due_date"] == first["due_date"]
        assert actions[0]["budget_planned"] == first["budget_planned"]
    finally:
        con.close()


def test_no_personal_data_in_the_export(exported, demo_template):
    con = db.open_database(demo_template, migrate=False)
    try:
        people = db.query(con, "SELECT name, email, code FROM participants WHERE code IS NOT NULL LIMIT 20")
        rows = db.query(con, "SELECT pilot_person FROM actions WHERE pilot_person IS NOT NULL")
        pilots = [r["pilot_person"] for r in rows]
    finally:
        con.close()
    everything = "\n".join(p.read_text(encoding="utf-8") for p in exported.glob("*.csv"))
    for person in people:
        for value in person.values():
            if value:
                assert value not in everything, value
    for pilot in pilots:
        assert pilot not in everything, pilot
    assert not (exported / "ballots.csv").exists() and not (exported / "audit_log.csv").exists()


def test_ballot_totals_count_each_participants_latest_ballot(con):
    ballots = db.query(con, "SELECT id, round_id, participant_id, submitted_at FROM ballots ORDER BY id")
    latest = {}
    for b in ballots:
        key = (b["round_id"], b["participant_id"])
        previous = latest.get(key)
        if previous is None or (b["submitted_at"], b["id"]) > (previous["submitted_at"], previous["id"]):
            latest[key] = b
    current = {b["id"]: b["round_id"] for b in latest.values()}
    expected, volunteers = Counter(), Counter()
    for e in db.query(con, "SELECT ballot_id, item_id, value, contribute FROM ballot_entries"):
        if e["ballot_id"] in current:
            key = (current[e["ballot_id"]], e["item_id"], e["value"])
            expected[key] += 1
            volunteers[key] += int(e["contribute"])
    totals = open_data.open_data_tables(con)["ballot_totals"].to_pylist()
    assert {(t["round_id"], t["item_id"], t["value"]): t["voters"] for t in totals} == dict(expected)
    assert {(t["round_id"], t["item_id"], t["value"]): t["contributors"] for t in totals} == dict(volunteers)
    assert sum(volunteers.values()) > 0, "the demo has volunteers"


def test_deleted_findings_are_left_out(con):
    with db.transaction(con) as cur:
        cur.execute("UPDATE findings SET deleted_at = current_timestamp WHERE id = 1")
    ids = open_data.open_data_tables(con)["findings"].column("id").to_pylist()
    assert 1 not in ids and len(ids) > 0
    links = open_data.open_data_tables(con)["finding_objectives"].column("finding_id").to_pylist()
    assert 1 not in links


def test_zip_holds_the_same_files(con):
    archive = zipfile.ZipFile(io.BytesIO(open_data.open_data_zip(con)))
    names = {n.removeprefix("donnees-ouvertes/") for n in archive.namelist()}
    expected = {f"{t}.{ext}" for t in [*open_data.EXPORTS, "dictionnaire"] for ext in ("csv", "parquet")}
    assert names == expected | {"LISEZMOI.txt"}
    readme = archive.read("donnees-ouvertes/LISEZMOI.txt").decode("utf-8")
    assert "Accompagner pour coopérer" in readme and "Données personnelles" in readme
    dictionary = read_csv_bytes(archive.read("donnees-ouvertes/dictionnaire.csv"))
    assert {"fichier", "colonne", "type", "description"} <= set(dictionary[0])
    assert all(row["description"] for row in dictionary)


def read_csv_bytes(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_withdrawn_points_are_left_out_of_the_open_data(tmp_path):
    """« Étude »: 20 %, then a wrong 90 % withdrawn: the published history replays to 20 %."""
    data = build_withdrawal(tmp_path)
    try:
        tables = open_data.open_data_tables(data.con)
        files = open_data.write_open_data(data.con, tmp_path / "export")
    finally:
        data.con.close()
    points = tables["progress_updates"].to_pylist()
    assert [(p["action_id"], p["progress"]) for p in points] == [
        (data.study, 20), (data.round_table, 60), (data.module, 50)]
    assert "progress_withdrawals" not in tables and "progress_withdrawals" in open_data.PRIVATE_TABLES
    rows = read_csv(next(f for f in files if f.name == "progress_updates.csv"))
    assert data.wrong not in {int(r["id"]) for r in rows} and len(rows) == 3
    assert "ne sont pas publiés" in open_data.descriptions()[("progress_updates", "")]


def test_hidden_results_stay_out_of_the_open_data_until_revealed(con):
    """A hidden round's totals were in ballot_totals.csv before the reveal (and an open round's too)."""
    from labo_dash import rounds, voting
    from labo_dash.access import ORGANISER, PARTICIPANT, Actor

    organiser = Actor(ORGANISER, "Hélène")
    items = [c.id for c in rounds.candidate_items(con, "challenges")][:3]
    round_id = rounds.create_round(con, organiser, rounds.RoundRules("Masqué", results_visibility="hidden"),
                                   items)
    rounds.set_status(con, organiser, round_id, "open")
    code = db.query(con, "SELECT code FROM participants ORDER BY id LIMIT 1")[0]["code"]
    voting.submit_ballot(con, Actor(PARTICIPANT, "P"), round_id, code, {items[0]: (1, False)})

    def published() -> set:
        return set(open_data.open_data_tables(con)["ballot_totals"].column("round_id").to_pylist())

    assert round_id not in published()  # open
    rounds.set_status(con, organiser, round_id, "closed")
    assert round_id not in published()  # closed, not revealed
    rounds.set_visibility(con, organiser, round_id, "hidden", revealed=True)
    assert round_id in published()
