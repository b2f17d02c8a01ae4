"""The page cache keyed by data versions (labo_dash.ui.cache.by_version)."""

from __future__ import annotations

import shutil

import pytest

from labo_dash import db
from labo_dash.db import Topic
from labo_dash.ui.cache import by_version

calls: list[tuple] = []


@by_version(Topic.PEOPLE)
def _people(con, kind: str, _note: object = None) -> int:
    calls.append((db.database_path(con), kind))
    return con.execute("SELECT count(*) FROM participants WHERE kind = ?", [kind]).fetchone()[0]


def _add(con, topic: Topic, name: str = "Awa") -> None:
    with db.transaction(con, topic) as cur:
        cur.execute("INSERT INTO participants (seminar_id, name, kind) VALUES (1, ?, 'ptce')", [name])


def test_a_cached_value_lasts_until_a_write_of_its_topic(fresh_db):
    calls.clear()
    _people.clear()
    con = db.open_database(fresh_db)
    assert _people(con, "ptce") == 0
    assert _people(con, "ptce", _note=object()) == 0  # an argument named with "_" is not part of the key
    assert len(calls) == 1
    assert _people(con, "reseau") == 0  # another argument, another entry
    assert len(calls) == 2
    _add(con, Topic.VOTES)  # a write naming another topic leaves the cache as it is (stale on purpose here)
    assert _people(con, "ptce") == 0
    assert len(calls) == 2
    _add(con, Topic.PEOPLE, "Jules")
    assert _people(con, "ptce") == 2
    assert len(calls) == 3
    con.close()


@pytest.mark.duckdb_only
def test_two_databases_never_share_an_entry(fresh_db, tmp_path):
    calls.clear()
    _people.clear()
    other = tmp_path / "other.duckdb"
    shutil.copy(fresh_db, other)  # same versions, another file
    first, second = db.open_database(fresh_db), db.open_database(other)
    _add(second, Topic.PEOPLE)
    for con in (first, second):  # equal versions: only the path tells them apart
        con.execute("UPDATE data_versions SET version = 7")
    assert db.versions(first) == db.versions(second)
    assert (_people(first, "ptce"), _people(second, "ptce")) == (0, 1)
    assert len(calls) == 2
    first.close()
    second.close()


def test_a_write_in_another_process_reaches_the_cache(fresh_db):
    """Versions live in the file: a write made through another connection (another process, or the app
    restarted) changes the key."""
    calls.clear()
    _people.clear()
    con = db.open_database(fresh_db)
    assert _people(con, "ptce") == 0
    con.close()
    writer = db.open_database(fresh_db)
    _add(writer, Topic.PEOPLE)
    writer.close()
    con = db.open_database(fresh_db)
    assert _people(con, "ptce") == 1
    assert len(calls) == 2
    con.close()


def test_results_follow_the_solutions_titles_only_for_a_round_on_solutions(con):
    """A progress update (follow-up topic) during a vote on défis leaves the projection's cache warm; a
    round on solutions shows their titles, so its cache key follows the follow-up's version."""
    from labo_dash import clock, rounds, updates
    from labo_dash.ui.results import titles_version
    from tests.actions_data import ORGANISER_ACTOR

    by_target = {r.target: r.id for r in rounds.list_rounds(con)}  # the demo's two rounds
    on_challenges, on_solutions = by_target["challenges"], by_target["solutions"]
    assert titles_version(con, on_challenges) == ()
    before = titles_version(con, on_solutions)
    today = clock.today(con)
    updates.record_update(con, ORGANISER_ACTOR, 1, reported_on=today, status="en_cours", progress_value="",
                          comment="Point", today=today)
    assert titles_version(con, on_challenges) == ()
    assert titles_version(con, on_solutions) > before
