"""Tests for the demo data: deterministic, consistent, of a realistic size, refused on a non-empty base."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from labo_dash import db, demo, participants, voting
from labo_dash.demo import seeds
from labo_dash.errors import LaboError

TODAY = dt.date(2026, 11, 26)

# The latest update of every action (none for an action never measured).
LATEST = """
    SELECT a.id, a.due_date, u.status, u.progress
    FROM actions a
    LEFT JOIN (
        SELECT *, row_number() OVER (PARTITION BY action_id ORDER BY reported_on DESC, id DESC) AS rank
        FROM progress_updates
    ) u ON u.action_id = a.id AND u.rank = 1
    ORDER BY a.id
"""


def build(path: Path, seed: int = 42) -> tuple[duckdb.DuckDBPyConnection, dict[str, int]]:
    """Create a migrated database at ``path`` and fill it with the demo."""
    con = db.open_database(path)
    return con, demo.build_demo(con, seed=seed)


def dump(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row of every table except the bookkeeping ones (schema_migrations, and data_versions:
    instants), in a stable order."""
    names = [
        name
        for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_name NOT IN ('schema_migrations', 'data_versions') "
            "ORDER BY table_name"
        ).fetchall()
    ]
    return {name: sorted(con.table(name).fetchall(), key=repr) for name in names}


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """Run a query and return its rows."""
    return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[duckdb.DuckDBPyConnection, dict[str, int]]]:
    """One demo database (seed 42) shared by the read-only tests of this module."""
    con, counts = build(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    yield con, counts
    con.close()


@pytest.fixture
def con(built: tuple[duckdb.DuckDBPyConnection, dict[str, int]]) -> duckdb.DuckDBPyConnection:
    """The connection to the shared demo database."""
    return built[0]


def test_same_seed_gives_the_same_rows(tmp_path: Path) -> None:
    first, _ = build(tmp_path / "a.duckdb", seed=42)
    second, _ = build(tmp_path / "b.duckdb", seed=42)
    a, b = dump(first), dump(second)
    assert a.keys() == b.keys()
    for table in a:
        assert a[table] == b[table], table
    assert a["participants"] and a["progress_updates"]


def test_another_seed_gives_other_rows(tmp_path: Path) -> None:
    first, _ = build(tmp_path / "a.duckdb", seed=42)
    second, _ = build(tmp_path / "b.duckdb", seed=7)
    a, b = dump(first), dump(second)
    assert a != b
    assert a["participants"] != b["participants"]
    assert a["ballot_entries"] != b["ballot_entries"]


def test_counts_are_in_the_expected_ranges(built: tuple[duckdb.DuckDBPyConnection, dict[str, int]]) -> None:
    con, counts = built
    expected = {
        "participants": (70, 90),
        "findings": (35, 45),
        "challenges": (8, 12),
        "solutions": (12, 18),
        "actions": (25, 35),
    }
    for table, (low, high) in expected.items():
        assert low <= counts[table] <= high, table
    for table, count in counts.items():
        if table != "workshops":  # the three morning workshops come from the migrations
            assert len(con.table(table).fetchall()) == count, table
    assert rows(con, "SELECT count(*) FROM workshops WHERE session = 'apres-midi'") == [(3,)]
    assert rows(con, "SELECT held_on, venue FROM seminars WHERE id = 1") == [
        (dt.date(2026, 3, 24), "Maison de l'ESS, Paris")
    ]


def test_who_voted_or_walked_in_is_checked_in(con: duckdb.DuckDBPyConnection) -> None:
    """« Clore quand tout le monde a voté » needs the room's presence: the demo's voters and walk-ins."""
    (present, voters, absent_voters), = rows(
        con,
        "SELECT count(*) FILTER (WHERE checked_in_at IS NOT NULL), "
        "count(*) FILTER (WHERE id IN (SELECT participant_id FROM ballots)), "
        "count(*) FILTER (WHERE checked_in_at IS NULL AND id IN (SELECT participant_id FROM ballots)) "
        "FROM participants",
    )
    assert absent_voters == 0
    assert voters <= present < 80
    walk_ins_absent = "SELECT count(*) FROM participants WHERE self_registered AND checked_in_at IS NULL"
    assert rows(con, walk_ins_absent) == [(0,)]
    # Presence is per day: all of them on the seminar's day, nobody the day after.
    day = dt.datetime.combine(demo.DAY, dt.time(16), tzinfo=dt.UTC)
    assert participants.presence(con, now=day) == participants.Presence(present, 80)
    assert participants.presence(con, now=day + dt.timedelta(days=1)).present == 0


def test_participants_have_unique_well_formed_codes(con: duckdb.DuckDBPyConnection) -> None:
    codes = [code for (code,) in rows(con, "SELECT code FROM participants")]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert len(code) == 8
        assert set(code) <= set(demo.CODE_ALPHABET)
    kinds = {kind for (kind,) in rows(con, "SELECT DISTINCT kind FROM participants")}
    assert kinds <= {"accompagnateur", "ptce", "collectivite", "financeur", "reseau", "chercheur", "autre"}
    assert 10 <= rows(con, "SELECT count(DISTINCT territory) FROM participants")[0][0] <= 14


def test_findings_and_challenges_are_tied_to_objectives(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(
        con, "SELECT count(*) FROM findings f WHERE NOT EXISTS "
        "(SELECT 1 FROM finding_objectives o WHERE o.finding_id = f.id)"
    ) == [(0,)]
    sums = rows(con, "SELECT challenge_id, sum(weight) FROM challenge_objectives GROUP BY 1")
    assert len(sums) == rows(con, "SELECT count(*) FROM challenges")[0][0]
    for challenge_id, total in sums:
        assert abs(total - 1.0) <= 1e-9, challenge_id
    provenance = rows(con, "SELECT count(*) FROM challenge_findings GROUP BY challenge_id")
    assert all(2 <= n <= 5 for (n,) in provenance)


def test_every_action_traces_to_a_challenge_and_an_objective(con: duckdb.DuckDBPyConnection) -> None:
    orphans = rows(
        con,
        "SELECT a.id FROM actions a "
        "LEFT JOIN solutions s ON s.id = a.solution_id "
        "LEFT JOIN challenges c ON c.id = s.challenge_id "
        "WHERE c.id IS NULL OR NOT c.selected OR NOT EXISTS "
        "(SELECT 1 FROM challenge_objectives o WHERE o.challenge_id = c.id AND o.weight > 0)",
    )
    assert orphans == []
    assert rows(con, "SELECT count(*) FROM actions WHERE budget_secured > budget_planned") == [(0,)]


def test_dot_ballots_respect_the_round_rules(con: duckdb.DuckDBPyConnection) -> None:
    (round_id, per_voter, per_item), = rows(
        con, "SELECT id, dots_per_voter, max_per_item FROM rounds WHERE method = 'dots'"
    )
    assert (per_voter, per_item) == (3, 1)
    ballots = rows(
        con,
        "SELECT b.id, sum(e.value), max(e.value) FROM ballots b JOIN ballot_entries e ON e.ballot_id = b.id "
        "WHERE b.round_id = ? GROUP BY b.id",
        [round_id],
    )
    assert ballots
    for ballot_id, total, highest in ballots:
        assert total <= per_voter and highest <= per_item, ballot_id
    voters = rows(con, "SELECT count(DISTINCT participant_id) FROM ballots WHERE round_id = ?", [round_id])
    assert 60 <= voters[0][0] <= 75
    changed = rows(
        con,
        "SELECT count(*) FROM (SELECT participant_id FROM ballots WHERE round_id = ? "
        "GROUP BY 1 HAVING count(*) > 1)",
        [round_id],
    )
    assert changed[0][0] >= 1


def test_morning_ranking_has_one_tie_and_the_top_is_selected(con: duckdb.DuckDBPyConnection) -> None:
    results = rows(
        con,
        "WITH latest AS (SELECT b.participant_id, max(b.id) AS id FROM ballots b "
        "JOIN rounds r ON r.id = b.round_id WHERE r.method = 'dots' GROUP BY 1) "
        "SELECT c.id, c.selected, coalesce(sum(e.value), 0) AS dots FROM challenges c "
        "LEFT JOIN ballot_entries e ON e.item_id = c.id AND e.ballot_id IN (SELECT id FROM latest) "
        "GROUP BY c.id, c.selected ORDER BY dots DESC, c.id",
    )
    dots = [n for _, _, n in results]
    assert len(set(dots)) == len(dots) - 1  # exactly one tie
    selected = [flag for _, flag, _ in results]
    assert 5 <= sum(selected) <= 6
    assert selected == sorted(selected, reverse=True)  # the most supported ones are the selected ones


def test_majority_judgment_ballots_grade_every_solution(con: duckdb.DuckDBPyConnection) -> None:
    (round_id,), = rows(con, "SELECT id FROM rounds WHERE method = 'majority_judgment'")
    items = rows(con, "SELECT count(*) FROM round_items WHERE round_id = ?", [round_id])[0][0]
    per_ballot = rows(
        con,
        "SELECT count(*), min(e.value), max(e.value) FROM ballots b "
        "JOIN ballot_entries e ON e.ballot_id = b.id WHERE b.round_id = ? GROUP BY b.id",
        [round_id],
    )
    assert all(n == items and low >= 0 and high <= 4 for n, low, high in per_ballot)
    assert rows(con, "SELECT count(*) FROM ballot_entries WHERE contribute") != [(0,)]


def test_fingerprints_match_the_entries(con: duckdb.DuckDBPyConnection) -> None:
    entries: dict[int, dict[int, tuple[int, bool]]] = {}
    for ballot_id, item_id, value, contribute in rows(con, "SELECT * FROM ballot_entries"):
        entries.setdefault(ballot_id, {})[item_id] = (value, contribute)
    for ballot_id, fingerprint in rows(con, "SELECT id, fingerprint FROM ballots"):
        assert voting.ballot_fingerprint(entries[ballot_id]) == fingerprint


def test_follow_up_shows_every_kind_of_trajectory(con: duckdb.DuckDBPyConnection) -> None:
    latest = rows(con, LATEST)
    statuses = [status for _, _, status, _ in latest]
    assert statuses.count("abandonnee") == 1
    assert "terminee" in statuses
    late = [aid for aid, due, status, _ in latest if due < TODAY and status not in ("terminee", "abandonnee")]
    assert late
    never = [aid for aid, _, _, progress in latest if progress is None]
    assert never
    assert any(status == "terminee" and progress != 100 for _, _, status, progress in latest)


def test_progress_updates_are_consistent(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(
        con, "SELECT count(*) FROM progress_updates WHERE status = 'a_lancer' AND coalesce(progress, 0) <> 0"
    ) == [(0,)]
    mismatched = "SELECT count(*) FROM progress_updates WHERE status = 'terminee' AND progress <> 100"
    assert rows(con, mismatched) == [(1,)]
    first, last, off_hours = rows(
        con,
        "SELECT min(reported_on), max(reported_on), "
        "count(*) FILTER (WHERE timezone('Europe/Paris', timezone('UTC', recorded_at)) "  # stored in UTC
        "<> reported_on + INTERVAL 18 HOUR) FROM progress_updates",
    )[0]
    assert dt.date(2026, 4, 1) <= first and last <= dt.date(2026, 11, 25)
    assert off_hours == 0
    assert rows(con, "SELECT count(*) FROM reviews") == [(8,)]
    assert rows(con, "SELECT count(*) FROM decisions WHERE action_id IS NOT NULL")[0][0] >= 1


def test_barometer_answers_cover_every_objective(con: duckdb.DuckDBPyConnection) -> None:
    per_person = rows(
        con, "SELECT participant_id, count(DISTINCT objective_id) FROM barometer_ratings GROUP BY 1"
    )
    assert len(per_person) == demo.BAROMETER_RESPONDENTS
    assert {n for _, n in per_person} == {5}
    averages = rows(
        con,
        "SELECT o.number, avg(b.score) FROM barometer_ratings b JOIN objectives o ON o.id = b.objective_id "
        "GROUP BY 1 ORDER BY 2",
    )
    weakest = averages[0][0]
    assert rows(con, "SELECT count(*) FROM barometer_ratings WHERE score IS NULL")[0][0] > 0
    assert weakest == 3  # financing is the weak point the room describes


def test_second_build_is_refused(tmp_path: Path) -> None:
    con, _ = build(tmp_path / "demo.duckdb")
    before = dump(con)
    with pytest.raises(LaboError, match="déjà"):
        demo.build_demo(con)
    assert dump(con) == before


def test_story_files_are_read_as_typed_records() -> None:
    """The seed tables come from the data files beside the demo (UTF-8 French, empty cell = None)."""
    assert sum(s.participants for s in seeds.STRUCTURES) == 80
    assert len({s.territory for s in seeds.STRUCTURES}) == 12
    assert len(seeds.FIRST_NAMES) == len(seeds.LAST_NAMES) == 80
    assert "Gwenaëlle" in seeds.FIRST_NAMES
    dots = sum(c.dots for c in seeds.CHALLENGES)
    assert dots == seeds.MORNING_VOTERS * 3 - seeds.TWO_DOT_VOTERS
    keys = {f.key for f in seeds.FINDINGS}
    assert {k for c in seeds.CHALLENGES for k in c.findings} <= keys
    assert all(isinstance(n, int) for c in seeds.CHALLENGES for n in c.weights)
    assert all(abs(sum(c.weights.values()) - 1) < 1e-9 for c in seeds.CHALLENGES)
    assert all(1 <= s.challenge <= len(seeds.CHALLENGES) for s in seeds.SOLUTIONS)
    assert all(1 <= a.solution <= len(seeds.SOLUTIONS) for a in seeds.ACTIONS)
    first = seeds.ACTIONS[0]
    assert (first.start, first.weight, first.event_month) == (dt.date(2026, 4, 6), 2.0, 7)
    optional = [a.funders for a in seeds.ACTIONS] + [a.weight for a in seeds.ACTIONS]
    assert None in optional and "" not in optional  # an empty cell is None, never ""
    assert seeds.AFTERNOON_WORKSHOPS[0].challenges == (1, 5)
    assert seeds.FINDINGS[0].objectives == (1, 2)
    assert all(d.due is None or d.due.year in (2026, 2027) for r in seeds.REVIEWS for d in r.decisions)
