"""Storage: migrations, transactions, the lock message, and the reference data from the seed."""

from __future__ import annotations

import ast
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


@pytest.mark.duckdb_only
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


@pytest.mark.slow  # a real subprocess: the interpreter and the app's imports, 1.5 to 3.5 s
def test_command_line_builds_the_demo_then_exports_it_on_either_engine(fresh_db, tmp_path):
    root = Path(__file__).resolve().parents[1]
    demo = subprocess.run([sys.executable, "-m", "labo_dash", "demo", "--db", str(fresh_db)],
                          capture_output=True, text=True, cwd=root)
    assert demo.returncode == 0, demo.stderr
    assert "Démo créée" in demo.stdout and "participant·e·s : 80" in demo.stdout
    export = subprocess.run(
        [sys.executable, "-m", "labo_dash", "export", "--db", str(fresh_db), "--to", str(tmp_path / "od")],
        capture_output=True, text=True, cwd=root,
    )
    assert export.returncode == 0, export.stderr
    assert len((tmp_path / "od" / "participants.csv").read_text(encoding="utf-8").splitlines()) == 81


def test_reference_data_matches_the_seed(fresh_db):
    text = SEED.read_text(encoding="utf-8")
    con = db.open_database(fresh_db)
    objectives = seminar.objectives(con)
    assert [o.number for o in objectives] == [1, 2, 3, 4, 5]
    seed_titles = re.findall(r"Objectif (\d)\s*\n\s*\n(.+)", text)
    assert len(seed_titles) == 5
    for (number, title), objective in zip(seed_titles, objectives, strict=True):
        assert objective.number == int(number)
        assert objective.title == title.strip()
    questions = dict(re.findall(r"\*\*Atelier (\d)\*\* : (.+\?)", text))
    morning = seminar.workshops(con, session="matin")
    assert [w.number for w in morning] == [1, 2, 3]
    for workshop in morning:
        assert workshop.question == questions[str(workshop.number)]
    info = seminar.get_seminar(con)
    assert info.title.upper() in text.replace("\n", " ")
    slots = seminar.programme(con)
    assert len(slots) == 9
    assert slots[0].starts_at.hour == 9 and slots[-1].ends_at.hour == 16
    assert "Déjeuner sur place" in text and any(s.title == "Déjeuner sur place" for s in slots)
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


@pytest.mark.slow  # a real subprocess: the interpreter and the app's imports, 1.5 to 3.5 s
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


@pytest.mark.duckdb_only
def test_database_path_names_the_file_of_a_connection_and_of_its_cursors(fresh_db):
    con = db.open_database(fresh_db)
    assert db.database_path(con) == str(fresh_db.resolve())
    assert db.database_path(con.cursor()) == str(fresh_db.resolve())
    con.close()


_WRITE_SQL = re.compile(r"^\s*(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|TRUNCATE|COPY|ATTACH)\b", re.IGNORECASE)


def _sql_texts(node: ast.AST, constants: dict[str, ast.AST]) -> list[str]:
    """The SQL texts an ``execute`` argument may hold: a literal, an f-string, a module constant (or a
    dict of them, subscripted)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value if isinstance(v, ast.Constant) else "x" for v in node.values)]
    if isinstance(node, ast.BinOp):
        return _sql_texts(node.left, constants)
    if isinstance(node, ast.Name) and node.id in constants:
        return _sql_texts(constants[node.id], constants)
    if isinstance(node, ast.Subscript):
        return _sql_texts(node.value, constants)
    if isinstance(node, ast.Dict):
        return [text for value in node.values for text in _sql_texts(value, constants)]
    return []


def _writes_outside_transactions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = {target.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                 for target in node.targets if isinstance(target, ast.Name)}
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        position = 0 if name in ("execute", "executemany") else 1 if name in ("query", "query_df") else None
        if position is None or len(node.args) <= position:
            continue
        if not any(_WRITE_SQL.match(text) for text in _sql_texts(node.args[position], constants)):
            continue
        receiver = ast.unparse(node.func.value if position == 0 else node.args[0])
        inside, function, parent = False, None, node
        while parent in parents:
            parent = parents[parent]
            if isinstance(parent, ast.With):
                inside = inside or any(
                    ast.unparse(item.context_expr).startswith("db.transaction(")
                    and item.optional_vars is not None and ast.unparse(item.optional_vars) == receiver
                    for item in parent.items
                )
            if isinstance(parent, ast.FunctionDef) and function is None:
                function = parent
        # A helper writing with the cursor its caller passes (``cur``) runs inside the caller's transaction.
        helper = function is not None and receiver == "cur" and "cur" in [a.arg for a in function.args.args]
        if not (inside or helper):
            found.append(f"{path.name}:{node.lineno} {ast.unparse(node)[:80]}")
    return found


def test_every_write_of_the_domain_goes_through_a_transaction():
    """Only db.transaction bumps the data versions the page caches rely on: a write elsewhere would leave
    pages stale. db.py itself (the migrations) is the one exception."""
    package = Path(db.__file__).parent
    found = [hit for path in sorted(package.rglob("*.py")) if path.name != "db.py"
             for hit in _writes_outside_transactions(path)]
    assert found == []


def test_the_write_check_sees_a_write_outside_a_transaction(tmp_path):
    module = tmp_path / "rogue.py"
    module.write_text(
        "from labo_dash import db\n"
        "SQL = 'DELETE FROM actions WHERE id = ?'\n"
        "def ok(con):\n"
        "    with db.transaction(con, db.Topic.FOLLOW_UP) as cur:\n"
        "        cur.execute(SQL, [1])\n"
        "def rogue(con):\n"
        "    con.execute(SQL, [1])\n"
        "    db.query(con, 'UPDATE actions SET title = ? WHERE id = ?', ['x', 1])\n",
        encoding="utf-8",
    )
    assert [hit.split()[0] for hit in _writes_outside_transactions(module)] == ["rogue.py:7", "rogue.py:8"]


def test_a_ballot_bumps_the_votes_and_a_progress_update_the_follow_up(con):
    from labo_dash import clock, rounds, updates, voting
    from labo_dash.access import PARTICIPANT, Actor
    from labo_dash.rounds import RoundRules
    from tests.actions_data import ORGANISER_ACTOR

    for rnd in rounds.list_rounds(con):
        if rnd.status == "open":
            rounds.set_status(con, ORGANISER_ACTOR, rnd.id, "closed")
    items = [row.id for row in rounds.candidate_items(con, "challenges")]
    round_id = rounds.create_round(con, ORGANISER_ACTOR, RoundRules(title="Versions"), items)
    rounds.set_status(con, ORGANISER_ACTOR, round_id, "open")
    code = db.query(con, "SELECT code FROM participants WHERE code IS NOT NULL ORDER BY id")[0]["code"]
    votes, follow_up = db.versions(con, db.Topic.VOTES, db.Topic.FOLLOW_UP)
    voting.submit_ballot(con, Actor(PARTICIPANT, "p"), round_id, code, {items[0]: (1, False)})
    after = db.versions(con, db.Topic.VOTES, db.Topic.FOLLOW_UP)
    assert after[0] > votes and after[1] == follow_up

    action = db.query(con, "SELECT id FROM actions ORDER BY id LIMIT 1")[0]["id"]
    today = clock.today(con)
    updates.record_update(con, ORGANISER_ACTOR, action, reported_on=today, status="en_cours",
                          progress_value="", comment="Point de suivi", today=today)
    final = db.versions(con, db.Topic.VOTES, db.Topic.FOLLOW_UP)
    assert final[0] == after[0] and final[1] > after[1]


@pytest.mark.postgres
def test_a_postgresql_database_is_named_by_its_url_and_shared_per_process(pg_databases, pg_templates):
    """`LABO_DB` may be a PostgreSQL URL: connect() shares one pool per URL, database_path names it."""
    url = pg_databases.copy(pg_templates["fresh"])
    first, second = db.connect(url), db.connect(url)
    assert first is second and db.database_path(first) == url
    assert db.pending_migrations(first) == []
    pg_databases.drop(url)
