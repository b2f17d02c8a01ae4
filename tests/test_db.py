"""Storage: migrations, transactions, the lock message, and the reference data from the seed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from labo_dash import db, seminar
from labo_dash.errors import DatabaseLocked
from tests.conftest import hold_database

# shared/ lies beside the project's clone, for developers and CI alike.
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_a7632ba00ce47d46.txt"


def test_migrations_apply_once_and_are_idempotent(tmp_path):
    path = tmp_path / "m.duckdb"
    con = db.open_database(path)
    names = [name for name, _ in db.migration_files()]
    assert db.applied_migrations(con) == names
    assert db.apply_migrations(con) == []
    con.close()
    con = db.open_database(path)  # a restart applies nothing again
    assert db.pending_migrations(con) == []
    assert con.execute("SELECT count(*) FROM objectives").fetchone()[0] == 5
    con.close()


def test_migration_names_are_numbered_and_unique():
    names = [name for name, _ in db.migration_files()]
    numbers = [name[:4] for name in names]
    assert names[0] == "0001_initial"
    assert len(set(numbers)) == len(numbers)
    assert all(re.fullmatch(r"\d{4}_[a-z0-9_]+", name) for name in names)


def test_transaction_rolls_back_every_row_on_error(fresh_db):
    con = db.open_database(fresh_db)
    with pytest.raises(ValueError), db.transaction(con) as cur:
        cur.execute(
            "INSERT INTO participants (seminar_id, name, kind) VALUES (1, ?, 'ptce'), (1, ?, 'ptce')",
            ["Awa", "Jules"],
        )
        raise ValueError("boom")
    assert con.execute("SELECT count(*) FROM participants").fetchone()[0] == 0
    with db.transaction(con) as cur:
        cur.execute("INSERT INTO participants (seminar_id, name, kind) VALUES (1, ?, 'ptce')", ["Awa"])
    assert con.execute("SELECT count(*) FROM participants").fetchone()[0] == 1
    con.close()


def test_connect_shares_one_connection_per_file(fresh_db):
    first = db.connect(fresh_db)
    assert db.connect(str(fresh_db)) is first
    db.close(fresh_db)


def test_lock_held_by_another_process_is_reported_in_french_with_pid(fresh_db):
    with hold_database(fresh_db) as pid:
        with pytest.raises(DatabaseLocked) as info:
            db.open_database(fresh_db)
        assert info.value.pid == pid
        assert "déjà ouverte" in str(info.value) and f"PID {pid}" in str(info.value)
        cli = subprocess.run(
            [sys.executable, "-m", "labo_dash", "demo", "--db", str(fresh_db)],
            capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1],
        )
        assert cli.returncode == 1
        assert f"PID {pid}" in cli.stderr and "Traceback" not in cli.stderr


def test_reference_data_matches_the_seed(fresh_db):
    text = SEED.read_text(encoding="utf-8")
    con = db.open_database(fresh_db)
    objectives = seminar.objectives(con)
    assert [o["number"] for o in objectives] == [1, 2, 3, 4, 5]
    seed_titles = re.findall(r"Objectif (\d)\s*\n\s*\n(.+)", text)
    assert len(seed_titles) == 5
    for (number, title), objective in zip(seed_titles, objectives, strict=True):
        assert objective["number"] == int(number)
        assert objective["title"] == title.strip()
    questions = dict(re.findall(r"\*\*Atelier (\d)\*\* : (.+\?)", text))
    morning = seminar.workshops(con, session="matin")
    assert [w["number"] for w in morning] == [1, 2, 3]
    for workshop in morning:
        assert workshop["question"] == questions[str(workshop["number"])]
    info = seminar.get_seminar(con)
    assert info["title"].upper() in text.replace("\n", " ")
    slots = seminar.programme(con)
    assert len(slots) == 9
    assert slots[0]["starts_at"].hour == 9 and slots[-1]["ends_at"].hour == 16
    assert "Déjeuner sur place" in text and any(s["title"] == "Déjeuner sur place" for s in slots)
    con.close()
