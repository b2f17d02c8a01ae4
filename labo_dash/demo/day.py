"""The seminar day of 24 March 2026: participants, the morning diagnosis (findings, défis), the dot-voting
round on the défis, the afternoon solutions and the majority-judgment round on them."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from typing import Any, NamedTuple

from labo_dash import db, voting
from labo_dash.demo.base import CODE_ALPHABET, CODE_LENGTH, DAY, SEMINAR_ID, allocate, at, insert
from labo_dash.demo.seeds import (
    AFFINITY,
    AFTERNOON_WORKSHOPS,
    CHALLENGES,
    CLOSING_CHANGED,
    CLOSING_NEW_VOTERS,
    CLOSING_VOTERS_FROM_MORNING,
    FINDINGS,
    FIRST_NAMES,
    LAST_NAMES,
    MORNING_CHANGED,
    MORNING_VOTERS,
    NO_OPINION,
    SELECTED_COUNT,
    SOLUTIONS,
    STRUCTURES,
    TWO_DOT_VOTERS,
)


def _ascii(text: str) -> str:
    """Return ``text`` lower-cased, without accents, spaces or apostrophes (for e-mail addresses)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in plain.lower() if ch.isalnum() or ch == "-")


def write_participants(
    cur: db.Cursor, rng: random.Random, counts: dict[str, int]
) -> list[tuple[int, str]]:
    """Insert the participants in registration order; return (id, kind) of each."""
    seats = [(structure, kind, territory) for structure, kind, territory, n in STRUCTURES for _ in range(n)]
    firsts, lasts = list(FIRST_NAMES), list(LAST_NAMES)
    rng.shuffle(firsts)
    rng.shuffle(lasts)
    registrations = []
    for (structure, kind, territory), first, last in zip(seats, firsts, lasts, strict=True):
        on_the_day = rng.random() < 0.1
        if on_the_day:
            created = at(DAY, 9, 0) + dt.timedelta(seconds=rng.randint(0, 45 * 60))
        else:
            day = dt.date(2026, 2, 16) + dt.timedelta(days=rng.randint(0, 32))
            created = at(day, 8, 0) + dt.timedelta(minutes=rng.randint(0, 12 * 60))
        email = f"{_ascii(first)}.{_ascii(last)}@exemple.org" if rng.random() < 0.85 else None
        registrations.append((created, f"{first} {last}", structure, kind, territory, email, on_the_day))
    registrations.sort()
    ids = allocate(cur, "seq_participants", len(registrations))
    codes: list[str] = []
    while len(codes) < len(registrations):
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in codes:
            codes.append(code)
    rows = [
        (pid, SEMINAR_ID, name, structure, kind, territory, email, code, on_the_day, created)
        for pid, code, (created, name, structure, kind, territory, email, on_the_day)
        in zip(ids, codes, registrations, strict=True)
    ]
    counts["participants"] = insert(
        cur, "participants",
        "id, seminar_id, name, structure, kind, territory, email, code, self_registered, created_at",
        rows,
    )
    return [(row[0], row[4]) for row in rows]


def write_presence(cur: db.Cursor) -> None:
    """Check in who was in the room: the walk-ins when they registered, the others at their first ballot."""
    cur.execute(
        "UPDATE participants p SET checked_in_at = CASE WHEN p.self_registered THEN p.created_at ELSE "
        "(SELECT min(b.submitted_at) FROM ballots b WHERE b.participant_id = p.id) END "
        "WHERE p.seminar_id = ? AND (p.self_registered OR EXISTS "
        "(SELECT 1 FROM ballots b WHERE b.participant_id = p.id))",
        [SEMINAR_ID],
    )


def write_diagnosis(cur: db.Cursor, rng: random.Random, counts: dict[str, int]) -> list[int]:
    """Insert the findings and défis of the morning workshops; return the défi ids in CHALLENGES order."""
    objective = dict(
        cur.execute("SELECT number, id FROM objectives WHERE seminar_id = ?", [SEMINAR_ID]).fetchall()
    )
    workshop = dict(
        cur.execute(
            "SELECT number, id FROM workshops WHERE seminar_id = ? AND session = 'matin'", [SEMINAR_ID]
        ).fetchall()
    )
    ids = _MorningIds(objective, workshop)
    return _write_challenges(cur, rng, counts, ids, _write_findings(cur, rng, counts, ids))


class _MorningIds(NamedTuple):
    """The ids of the seminar's objectives and morning workshops, by number."""

    objective: dict[int, int]
    workshop: dict[int, int]


def _write_findings(
    cur: db.Cursor, rng: random.Random, counts: dict[str, int], ids: _MorningIds
) -> dict[str, int]:
    """Insert the findings and their objectives; return the finding ids by key."""
    objective, workshop = ids
    finding_ids = allocate(cur, "seq_findings", len(FINDINGS))
    rows, links = [], []
    for position, (fid, seed) in enumerate(zip(finding_ids, FINDINGS, strict=True)):
        created = at(DAY, 11, 5) + dt.timedelta(seconds=position * 75 + rng.randint(0, 60))
        rows.append((fid, SEMINAR_ID, workshop[seed.workshop], seed.kind, seed.text, seed.table,
                     seed.participant_kind, created))
        links += [(fid, objective[n]) for n in seed.objectives]
    counts["findings"] = insert(
        cur, "findings",
        "id, seminar_id, workshop_id, kind, text, group_label, participant_kind, created_at",
        rows,
    )
    counts["finding_objectives"] = insert(cur, "finding_objectives", "finding_id, objective_id", links)
    return {seed.key: fid for seed, fid in zip(FINDINGS, finding_ids, strict=True)}


def _write_challenges(
    cur: db.Cursor, rng: random.Random, counts: dict[str, int], ids: _MorningIds,
    finding_id: dict[str, int],
) -> list[int]:
    """Insert the défis (the top SELECTED_COUNT by dots selected), their objective weights and the
    findings they come from (``finding_id``: by key); return their ids in CHALLENGES order."""
    objective, workshop = ids
    challenge_ids = allocate(cur, "seq_challenges", len(CHALLENGES))
    cutoff = sorted((seed.dots for seed in CHALLENGES), reverse=True)[SELECTED_COUNT - 1]
    rows, weights, provenance = [], [], []
    for position, (cid, seed) in enumerate(zip(challenge_ids, CHALLENGES, strict=True)):
        created = at(DAY, 11, 48) + dt.timedelta(seconds=position * 50 + rng.randint(0, 40))
        rows.append((cid, SEMINAR_ID, workshop[seed.workshop], seed.title, seed.description,
                     seed.dots >= cutoff, created))
        weights += [(cid, objective[n], share) for n, share in sorted(seed.weights.items())]
        provenance += [(cid, finding_id[key]) for key in seed.findings]
    counts["challenges"] = insert(
        cur, "challenges", "id, seminar_id, workshop_id, title, description, selected, created_at", rows
    )
    counts["challenge_objectives"] = insert(
        cur, "challenge_objectives", "challenge_id, objective_id, weight", weights
    )
    counts["challenge_findings"] = insert(cur, "challenge_findings", "challenge_id, finding_id", provenance)
    return challenge_ids


def _dot_choices(
    rng: random.Random, kinds: list[str], dots: list[int], targets: list[int]
) -> list[list[int]]:
    """Spread the dots over the voters so that item i gets exactly ``targets[i]`` dots, one at most each.

    Each voter picks items at random, weighted by what the item still needs and the voter's affinity;
    an item that needs one dot from every remaining voter is forced, which keeps the draw feasible.
    """
    remaining = list(targets)
    choices = []
    for position, (kind, k) in enumerate(zip(kinds, dots, strict=True)):
        left = len(kinds) - position
        picks = [i for i, need in enumerate(remaining) if need == left]
        while len(picks) < k:
            candidates = [i for i, need in enumerate(remaining) if need > 0 and i not in picks]
            odds = [remaining[i] * AFFINITY.get((kind, i + 1), 1.0) for i in candidates]
            picks.append(rng.choices(candidates, odds)[0])
        for i in picks:
            remaining[i] -= 1
        choices.append(sorted(picks))
    assert not any(remaining), "the dot targets do not match the number of voters"
    return choices


def _write_round(
    cur: db.Cursor,
    counts: dict[str, int],
    round_row: tuple[Any, ...],
    item_ids: list[int],
    ballots: list[tuple[dt.datetime, int, dict[int, tuple[int, bool]]]],
) -> None:
    """Insert a round (id first in ``round_row``), its items and its ballots (time, participant, entries)."""
    round_id = round_row[0]
    insert(
        cur, "rounds",
        "id, seminar_id, title, target, method, dots_per_voter, max_per_item, grade_scale, status, "
        "results_visibility, revealed, opened_at, closed_at, created_at",
        [round_row],
    )
    counts["rounds"] = counts.get("rounds", 0) + 1
    items = [(round_id, item_id, position) for position, item_id in enumerate(item_ids, start=1)]
    counts["round_items"] = counts.get("round_items", 0) + insert(
        cur, "round_items", "round_id, item_id, position", items
    )
    ballots = sorted(ballots, key=lambda ballot: (ballot[0], ballot[1]))
    ids = allocate(cur, "seq_ballots", len(ballots))
    rows, entries = [], []
    for ballot_id, (submitted, participant_id, choice) in zip(ids, ballots, strict=True):
        rows.append((ballot_id, round_id, participant_id, voting.ballot_fingerprint(choice), submitted))
        entries += [
            (ballot_id, item, value, contribute) for item, (value, contribute) in sorted(choice.items())
        ]
    counts["ballots"] = counts.get("ballots", 0) + insert(
        cur, "ballots", "id, round_id, participant_id, fingerprint, submitted_at", rows
    )
    counts["ballot_entries"] = counts.get("ballot_entries", 0) + insert(
        cur, "ballot_entries", "ballot_id, item_id, value, contribute", entries
    )


def _ballot_times(rng: random.Random, n: int, start: dt.datetime, minutes: int) -> list[dt.datetime]:
    """Return ``n`` sorted submission times within ``minutes`` after ``start``."""
    return sorted(start + dt.timedelta(seconds=rng.randint(0, minutes * 60)) for _ in range(n))


def write_morning_round(
    cur: db.Cursor, rng: random.Random, counts: dict[str, int],
    people: list[tuple[int, str]], challenge_ids: list[int],
) -> list[int]:
    """Insert the closed dot-voting round on the défis (12h plenary); return the voters' ids."""
    voters = rng.sample(people, MORNING_VOTERS)
    dots = [3] * MORNING_VOTERS
    for position in rng.sample(range(MORNING_VOTERS), TWO_DOT_VOTERS):
        dots[position] = 2
    targets = [seed.dots for seed in CHALLENGES]
    choices = _dot_choices(rng, [kind for _, kind in voters], dots, targets)
    times = _ballot_times(rng, MORNING_VOTERS, at(DAY, 12, 6), 21)
    ballots = []
    for when, (pid, _), picks in zip(times, voters, choices, strict=True):
        ballots.append((when, pid, {challenge_ids[i]: (1, False) for i in picks}))
    late_voters = [i for i, when in enumerate(times) if when >= at(DAY, 12, 12)]
    for position in rng.sample(late_voters, MORNING_CHANGED):
        when, pid, final = ballots[position]
        first = final
        while first == final:
            first = {challenge_ids[i]: (1, False) for i in rng.sample(range(len(challenge_ids)), 3)}
        ballots.append((when - dt.timedelta(seconds=rng.randint(120, 360)), pid, first))
    round_id = allocate(cur, "seq_rounds", 1)[0]
    round_row = (
        round_id, SEMINAR_ID, "Positionnement sur les défis (plénière de 12h)", "challenges", "dots", 3, 1, 5,
        "closed", "live", True, at(DAY, 12, 5), at(DAY, 12, 28), at(DAY, 11, 58),
    )
    _write_round(cur, counts, round_row, challenge_ids, ballots)
    return [pid for pid, _ in voters]


def write_solutions(
    cur: db.Cursor, rng: random.Random, counts: dict[str, int], challenge_ids: list[int]
) -> list[int]:
    """Insert the afternoon workshops and their solutions; return the solution ids in SOLUTIONS order."""
    workshop_ids = allocate(cur, "seq_workshops", len(AFTERNOON_WORKSHOPS))
    counts["workshops"] = insert(
        cur, "workshops", "id, seminar_id, session, number, title, question",
        [
            (wid, SEMINAR_ID, "apres-midi", number, title, question)
            for wid, (number, title, question, _) in zip(workshop_ids, AFTERNOON_WORKSHOPS, strict=True)
        ],
    )
    workshop_of = {
        challenge: wid
        for wid, seed in zip(workshop_ids, AFTERNOON_WORKSHOPS, strict=True)
        for challenge in seed.challenges
    }
    solution_ids = allocate(cur, "seq_solutions", len(SOLUTIONS))
    rows = []
    for position, (sid, seed) in enumerate(zip(solution_ids, SOLUTIONS, strict=True)):
        challenge, title, description, _ = seed
        created = at(DAY, 13, 50) + dt.timedelta(seconds=position * 420 + rng.randint(0, 300))
        challenge_id = challenge_ids[challenge - 1]
        rows.append((sid, SEMINAR_ID, challenge_id, workshop_of[challenge], title, description, created))
    counts["solutions"] = insert(
        cur, "solutions", "id, seminar_id, challenge_id, workshop_id, title, description, created_at", rows
    )
    return solution_ids


def _grades(rng: random.Random, kind: str, solution_ids: list[int]) -> dict[int, tuple[int, bool]]:
    """Return one majority-judgment ballot: a grade for every solution, and the wish to contribute."""
    choice = {}
    for sid, seed in zip(solution_ids, SOLUTIONS, strict=True):
        grade = NO_OPINION if rng.random() < 0.07 else min(max(round(rng.gauss(seed.mean_grade, 0.9)), 0), 4)
        eager = 0.3 if kind in ("accompagnateur", "ptce", "reseau") else 0.15
        contribute = (grade <= 1 and rng.random() < eager) or (grade == 2 and rng.random() < 0.05)
        choice[sid] = (grade, contribute)
    return choice


def write_closing_round(
    cur: db.Cursor, rng: random.Random, counts: dict[str, int],
    people: list[tuple[int, str]], morning_voters: list[int], solution_ids: list[int],
) -> None:
    """Insert the closed majority-judgment round on the solutions (closing session, 15h35-16h20)."""
    kind_of = dict(people)
    voted = set(morning_voters)
    absent = [pid for pid, _ in people if pid not in voted]
    voters = rng.sample(morning_voters, CLOSING_VOTERS_FROM_MORNING) + rng.sample(absent, CLOSING_NEW_VOTERS)
    rng.shuffle(voters)
    times = _ballot_times(rng, len(voters), at(DAY, 15, 37), 41)
    ballots = [
        (when, pid, _grades(rng, kind_of[pid], solution_ids)) for when, pid in zip(times, voters, strict=True)
    ]
    late_voters = [i for i, when in enumerate(times) if when >= at(DAY, 15, 50)]
    for position in rng.sample(late_voters, CLOSING_CHANGED):
        when, pid, final = ballots[position]
        first = dict(final)
        for sid in rng.sample(solution_ids, 3):
            grade, contribute = first[sid]
            first[sid] = (min(grade + 1, 4), contribute)
        ballots.append((when - dt.timedelta(seconds=rng.randint(90, 300)), pid, first))
    round_id = allocate(cur, "seq_rounds", 1)[0]
    round_row = (
        round_id, SEMINAR_ID, "Positionnement de clôture sur les solutions", "solutions", "majority_judgment",
        3, 1, 5, "closed", "hidden", True, at(DAY, 15, 35), at(DAY, 16, 20), at(DAY, 15, 25),
    )
    _write_round(cur, counts, round_row, solution_ids, ballots)

