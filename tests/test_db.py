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


def test_every_topic_has_a_version_and_versions_reads_them_in_order(fresh_db):
    con = db.open_database(fresh_db)
    topics = [row[0] for row in con.execute("SELECT topic FROM data_versions").fetchall()]
    assert sorted(topics) == sorted(str(topic) for topic in db.Topic)
    every = db.versions(con)
    assert len(every) == len(db.Topic)
    assert db.versions(con, db.Topic.PEOPLE, db.Topic.VOTES) == (
        every[list(db.Topic).index(db.Topic.PEOPLE)], every[list(db.Topic).index(db.Topic.VOTES)]
    )
    con.close()


def test_a_transaction_bumps_only_the_topics_it_names(fresh_db):
    con = db.open_database(fresh_db)
    before = dict(zip(db.Topic, db.versions(con), strict=True))
    with db.transaction(con, db.Topic.PEOPLE) as cur:
        cur.execute("INSERT INTO participants (seminar_id, name, kind) VALUES (1, ?, 'ptce')", ["Awa"])
    after = dict(zip(db.Topic, db.versions(con), strict=True))
    assert after[db.Topic.PEOPLE] > before[db.Topic.PEOPLE]
    assert {t: v for t, v in after.items() if t != db.Topic.PEOPLE} == {
        t: v for t, v in before.items() if t != db.Topic.PEOPLE
    }
    con.close()


def test_a_transaction_naming_no_topic_bumps_them_all(fresh_db):
    con = db.open_database(fresh_db)
    before = db.versions(con)
    with db.transaction(con) as cur:
        cur.execute("INSERT INTO participants (seminar_id, name, kind) VALUES (1, ?, 'ptce')", ["Awa"])
    assert all(new > old for new, old in zip(db.versions(con), before, strict=True))
    con.close()


def test_a_rolled_back_transaction_bumps_nothing(fresh_db):
    con = db.open_database(fresh_db)
    before = db.versions(con)
    with pytest.raises(ValueError), db.transaction(con, db.Topic.PEOPLE) as cur:
        cur.execute("INSERT INTO participants (seminar_id, name, kind) VALUES (1, ?, 'ptce')", ["Awa"])
        raise ValueError("boom")
    assert db.versions(con) == before
    con.close()


def test_another_process_reads_the_new_version(fresh_db):
    con = db.open_database(fresh_db)
    with db.transaction(con, db.Topic.VOTES) as cur:
        cur.execute("UPDATE seminars SET title = title")
    expected = db.versions(con, db.Topic.VOTES)[0]
    con.close()
    root = Path(__file__).resolve().parents[1]
    code = "import sys; from labo_dash import db; print(db.versions(db.open_database(sys.argv[1]))[0])"
    out = subprocess.run([sys.executable, "-c", code, str(fresh_db)], capture_output=True, text=True,
                         check=True, cwd=root)
    assert int(out.stdout) == expected
    # And a write of that other process is seen here once the file is opened again.
    code = ("import sys; from labo_dash import db\n"
            "with db.transaction(db.open_database(sys.argv[1]), 'votes') as cur:\n"
            "    cur.execute('UPDATE seminars SET title = title')")
    subprocess.run([sys.executable, "-c", code, str(fresh_db)], check=True, cwd=root)
    con = db.open_database(fresh_db)
    assert db.versions(con, db.Topic.VOTES)[0] > expected
    con.close()


def test_database_path_names_the_file_of_a_connection_and_of_its_cursors(fresh_db):
    con = db.open_database(fresh_db)
    assert db.database_path(con) == str(fresh_db.resolve())
    assert db.database_path(con.cursor()) == str(fresh_db.resolve())
    con.close()
