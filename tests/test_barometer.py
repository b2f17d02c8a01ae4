"""The territory barometer: ratings, replacing a participant's answers, aggregates and filters."""

from __future__ import annotations

import json

import pytest

from labo_dash import barometer, db
from labo_dash.access import PARTICIPANT, PARTNER, SYSTEM, Actor
from labo_dash.errors import NotFound, PermissionDenied, ValidationError


@pytest.fixture
def empty(fresh_db):
    con = db.open_database(fresh_db)
    yield con
    con.close()


def objective_ids(con) -> dict[int, int]:
    return dict(con.execute("SELECT number, id FROM objectives").fetchall())


def participant(con, name: str, kind: str, territory: str) -> int:
    return con.execute(
        "INSERT INTO participants (seminar_id, name, kind, territory) VALUES (1, ?, ?, ?) RETURNING id",
        [name, kind, territory],
    ).fetchone()[0]


def counts(df) -> dict[tuple[int, int], int]:
    return {(r.number, r.score): r.ratings for r in df.itertuples()}


def test_ratings_aggregate_per_objective_with_dont_know_and_filters(empty):
    obj = objective_ids(empty)
    awa = participant(empty, "Awa", "ptce", "Bretagne")
    jules = participant(empty, "Jules", "financeur", "Occitanie")
    voter = Actor(PARTICIPANT, "Awa")
    barometer.rate(empty, voter, {obj[1]: 2, obj[3]: None, obj[5]: 5}, participant_id=awa)
    barometer.rate(empty, voter, {obj[1]: 2, obj[3]: 4}, participant_id=jules)
    barometer.rate(empty, SYSTEM, {obj[1]: 4}, participant_kind="ptce", territory=" Bretagne ")
    all_counts = counts(barometer.distribution(empty))
    assert len(all_counts) == 30  # 5 objectives x (5 scores + je ne sais pas), zeros included
    assert all_counts[(1, 2)] == 2 and all_counts[(1, 4)] == 1 and all_counts[(3, 0)] == 1
    assert all_counts[(3, 4)] == 1 and all_counts[(5, 5)] == 1 and all_counts[(2, 3)] == 0
    assert barometer.respondents(empty) == 3
    ptce = counts(barometer.distribution(empty, participant_kind="ptce"))
    assert ptce[(1, 2)] == 1 and ptce[(1, 4)] == 1 and ptce[(3, 4)] == 0
    assert barometer.respondents(empty, territory="Bretagne") == 2
    assert barometer.territories(empty) == ["Bretagne", "Occitanie"]
    [first, *_] = barometer.summary(barometer.distribution(empty))
    assert first.rated == 3 and first.mean == pytest.approx(8 / 3)
    assert first.advanced == pytest.approx(1 / 3) and first.dont_know == 0
    third = barometer.summary(barometer.distribution(empty))[2]
    assert third.rated == 1 and third.dont_know == 1


def test_rating_again_replaces_a_participants_answers_and_is_audited(empty):
    obj = objective_ids(empty)
    awa = participant(empty, "Awa", "ptce", "Bretagne")
    barometer.rate(empty, SYSTEM, {obj[1]: 1, obj[2]: 2}, participant_id=awa)
    barometer.rate(empty, SYSTEM, {obj[1]: 5}, participant_id=awa)
    assert barometer.ratings_of(empty, awa) == {obj[1]: 5}
    assert barometer.respondents(empty) == 1
    operations = empty.execute(
        "SELECT operation, before, after FROM audit_log WHERE entity = 'barometer' ORDER BY id"
    ).fetchall()
    assert [op for op, _, _ in operations] == ["create", "update"]
    assert json.loads(operations[1][1])["ratings"] == {str(obj[1]): 1, str(obj[2]): 2}
    # the participant's kind and territory come from their registration
    assert empty.execute("SELECT DISTINCT participant_kind, territory FROM barometer_ratings").fetchall() == [
        ("ptce", "Bretagne")
    ]


@pytest.mark.parametrize(
    ("ratings", "extra", "field"),
    [
        ({}, {}, "ratings"),
        ({1: 6}, {}, "ratings"),
        ({1: 0}, {}, "ratings"),
        ({999: 3}, {}, "ratings"),
        ({1: 3}, {"participant_kind": "martien"}, "participant_kind"),
        ({1: 3}, {"territory": "t" * 100}, "territory"),
    ],
)
def test_bad_ratings_are_refused_in_french_and_write_nothing(empty, ratings, extra, field):
    obj = objective_ids(empty)
    mapped = {obj.get(k, k): v for k, v in ratings.items()}
    with pytest.raises(ValidationError) as info:
        barometer.rate(empty, SYSTEM, mapped, **extra)
    assert info.value.fields[field]
    assert empty.execute("SELECT count(*) FROM barometer_ratings").fetchone()[0] == 0


def test_unknown_participant_and_roles_without_the_permission_are_refused(empty):
    obj = objective_ids(empty)
    with pytest.raises(NotFound):
        barometer.rate(empty, SYSTEM, {obj[1]: 3}, participant_id=404)
    with pytest.raises(PermissionDenied):
        barometer.rate(empty, Actor(PARTNER, "Fonds"), {obj[1]: 3})
    assert empty.execute("SELECT count(*) FROM barometer_ratings").fetchone()[0] == 0
