"""The follow-up: actions, their monthly progress updates (April to November 2026) with one wrong point
withdrawn, the monthly steering reviews, and the territory barometer answered on the day."""

from __future__ import annotations

import datetime as dt
import random

from labo_dash import access, db
from labo_dash.demo.base import (
    COORDINATOR,
    DAY,
    EVIDENCE_URL,
    REPORT_MONTHS,
    SEMINAR_ID,
    allocate,
    at,
    insert,
    weekday,
)
from labo_dash.demo.seeds import (
    ACTIONS,
    BAROMETER_RESPONDENTS,
    BAROMETER_WEIGHTS,
    COMMENTS,
    DONT_KNOW_SHARE,
    FINAL_PROGRESS,
    REVIEWS,
    ActionSeed,
)


def write_actions(
    cur: db.Cursor, counts: dict[str, int], solution_ids: list[int]
) -> list[int]:
    """Insert the follow-up actions (created at the first working meeting after the seminar)."""
    action_ids = allocate(cur, "seq_actions", len(ACTIONS))
    rows = [
        (
            aid, solution_ids[a.solution - 1], a.title, a.description, a.pilot_structure, a.pilot_person,
            a.contributors, a.funders, a.budget_planned, a.budget_secured, a.start, a.due, a.next_step,
            a.weight, at(dt.date(2026, 4, 2), 10, 0) + dt.timedelta(minutes=3 * position),
        )
        for position, (aid, a) in enumerate(zip(action_ids, ACTIONS, strict=True))
    ]
    counts["actions"] = insert(
        cur, "actions",
        "id, solution_id, title, description, pilot_structure, pilot_person, contributors, funders, "
        "budget_planned, budget_secured, start_date, due_date, next_step, weight, created_at",
        rows,
    )
    return action_ids


def _ramp(rng: random.Random, low: int, high: int, months: list[int]) -> list[tuple[int, int]]:
    """Return (month, %) rising from about ``low`` to about ``high``: multiples of 5, never decreasing."""
    steps, value = [], 5
    for i, month in enumerate(months):
        target = low + (high - low) * i / max(len(months) - 1, 1)
        value = min(max(5 * round((target + rng.uniform(-4, 4)) / 5), value), 95)
        steps.append((month, value))
    return steps


Update = tuple[int, str, int | None, str]  # a monthly update: (month, status, %, comment kind)


def _trajectory(rng: random.Random, action: ActionSeed) -> list[Update]:
    """Return the monthly updates of an action as (month, status, %, comment kind)."""
    first = action.start.month if action.start.day <= 15 else action.start.month + 1
    event, kind = action.event_month, action.trajectory
    if kind == "never":
        return []
    if kind == "unmeasured":
        return [(first, "a_lancer", None, "a_lancer"), (9, "a_lancer", None, "a_lancer")]
    if kind in ("steady", "late"):
        return _running(rng, kind, first, first)
    assert event is not None, f"the {kind} trajectory needs an event month"
    if kind == "delayed":
        return _running(rng, kind, first, event)
    return _with_event(rng, kind, first, event)


def _running(rng: random.Random, kind: str, first: int, begin: int) -> list[Update]:
    """Updates of an action still running in November: « à lancer » until ``begin``, then a ramp up to
    its FINAL_PROGRESS (steady, late, delayed)."""
    waiting: list[Update] = [(m, "a_lancer", 0, "a_lancer") for m in range(first, begin)]
    high = rng.choice(FINAL_PROGRESS[kind])
    ramp = _ramp(rng, 10, high, list(range(begin, REPORT_MONTHS[-1] + 1)))
    # A month without change may go unreported, except the first and last check-ins.
    ramp = [s for i, s in enumerate(ramp) if i in (0, len(ramp) - 1) or rng.random() > 0.2]
    return waiting + _en_cours(ramp)


def _with_event(rng: random.Random, kind: str, first: int, event: int) -> list[Update]:
    """Updates of an action whose course changes in month ``event``: done (or declared done at 90 %:
    mismatch), stalled, paused or abandoned."""
    last = REPORT_MONTHS[-1]
    if kind in ("done", "mismatch"):
        steps = _en_cours(_ramp(rng, 15, 80, list(range(first, event))))
        return [*steps, (event, "terminee", 100 if kind == "done" else 90, kind)]
    if kind == "stalled":
        steps = _en_cours(_ramp(rng, 10, rng.choice((30, 35, 40)), list(range(first, event + 1))))
        plateau = steps[-1][2]
        return steps + [(m, "en_cours", plateau, "stalled") for m in range(event + 1, last + 1)]
    if kind == "pause":
        steps = _en_cours(_ramp(rng, 10, rng.choice((40, 50)), list(range(first, event))))
        level = steps[-1][2]
        return (
            steps
            + [(event, "en_pause", level, "pause")]
            + [(m, "en_pause", level, "pause_check") for m in range(event + 1, last + 1)]
        )
    if kind == "abandon":
        steps = _en_cours(_ramp(rng, 5, 15, list(range(first, event))))
        return [*steps, (event, "abandonnee", steps[-1][2], "abandon")]
    raise ValueError(f"unknown trajectory {kind!r}")


def _en_cours(steps: list[tuple[int, int]]) -> list[Update]:
    """Turn (month, %) steps into 'en cours' updates, the first one commented as the start."""
    return [
        (month, "en_cours", value, "progress" if i else "start") for i, (month, value) in enumerate(steps)
    ]


def _report_day(rng: random.Random, month: int) -> dt.date:
    """Return the day of a monthly check-in: around the 20th, on a weekday."""
    return weekday(dt.date(2026, month, rng.randint(18, 22)))


def write_progress(
    cur: db.Cursor, rng: random.Random, counts: dict[str, int], action_ids: list[int]
) -> None:
    """Insert the monthly progress updates of every action, April to November 2026."""
    rows = []
    for number, (aid, action) in enumerate(zip(action_ids, ACTIONS, strict=True), start=1):
        for month, status, progress, comment_kind in _trajectory(rng, action):
            day = _report_day(rng, month)
            if comment_kind == "progress" and day > action.due:
                comment_kind = "late"
            reporter = COORDINATOR if rng.random() < 0.2 else action.pilot_person
            with_evidence = comment_kind in ("done", "mismatch") or (
                comment_kind == "progress" and rng.random() < 0.25
            )
            url = EVIDENCE_URL.format(number=number, day=day) if with_evidence else None
            comment = rng.choice(COMMENTS[comment_kind])
            rows.append((aid, day, status, progress, comment, url, reporter, at(day, 18, 0)))
    rows.sort(key=lambda row: (row[1], row[0]))
    ids = allocate(cur, "seq_updates", len(rows))
    counts["progress_updates"] = insert(
        cur, "progress_updates",
        "id, action_id, reported_on, status, progress, comment, evidence_url, reported_by, recorded_at",
        [(uid, *row) for uid, row in zip(ids, rows, strict=True)],
    )


# One wrong point, withdrawn (domain brief §5), so that the correction is visible in the demo: a % typed on
# the wrong action (the action's number in ACTIONS, the wrong %), withdrawn three days later by the
# coordinator. It uses no random draw: the rest of the demo is the same with or without it.
WRONG_POINT = (3, 90)
WITHDRAWAL_REASON = (
    "Avancement saisi sur la mauvaise action (il concernait l'étude de préfiguration) : le point précédent "
    "du même jour reste le bon."
)


def write_withdrawal(cur: db.Cursor, counts: dict[str, int], action_ids: list[int]) -> None:
    """Insert the wrong point (same day as the action's last point before November) and its withdrawal."""
    number, wrong = WRONG_POINT
    aid = action_ids[number - 1]
    last_point = cur.execute(
        "SELECT reported_on, reported_by FROM progress_points WHERE action_id = ? AND reported_on < ? "
        "ORDER BY reported_on DESC, seq DESC LIMIT 1",
        [aid, dt.date(2026, 11, 1)],
    ).fetchone()
    assert last_point is not None, "the action of WRONG_POINT has a point before November"
    day, reporter = last_point
    (uid,) = allocate(cur, "seq_updates", 1)
    cur.execute(
        "INSERT INTO progress_updates (id, action_id, reported_on, status, progress, comment, reported_by, "
        "recorded_at) VALUES (?, ?, ?, 'en_cours', ?, ?, ?, ?)",
        [uid, aid, day, wrong, "Étude rendue, présentation au comité des financeurs prévue.", reporter,
         at(day, 18, 0)],
    )
    counts["progress_updates"] += 1
    withdrawn_on = day + dt.timedelta(days=3)
    counts["progress_withdrawals"] = insert(
        cur, "progress_withdrawals",
        "update_id, reason, withdrawn_by, role, withdrawn_on, withdrawn_at",
        [(uid, WITHDRAWAL_REASON, COORDINATOR, access.STEERING, withdrawn_on, at(withdrawn_on, 8, 30))],
    )


def _review_day(month: int) -> dt.date:
    """Return the day of a monthly steering review: the 25th, moved to the nearest weekday."""
    return weekday(dt.date(2026, month, 25))


def write_reviews(cur: db.Cursor, counts: dict[str, int], action_ids: list[int]) -> None:
    """Insert the monthly steering reviews and their decisions."""
    review_ids = allocate(cur, "seq_reviews", len(REVIEWS))
    reviews, decisions = [], []
    for rid, (month, notes, decided) in zip(review_ids, REVIEWS, strict=True):
        held = _review_day(month)
        reviews.append((rid, SEMINAR_ID, dt.date(2026, month, 1), held, notes, at(held, 17, 0)))
        for position, (action, text, owner, due) in enumerate(decided):
            action_id = None if action is None else action_ids[action - 1]
            decisions.append((rid, action_id, text, owner, due, at(held, 17, 5 + 5 * position)))
    counts["reviews"] = insert(cur, "reviews", "id, seminar_id, month, held_on, notes, created_at", reviews)
    decision_ids = allocate(cur, "seq_decisions", len(decisions))
    counts["decisions"] = insert(
        cur, "decisions",
        "id, review_id, action_id, text, owner, due_date, created_at",
        [(did, *row) for did, row in zip(decision_ids, decisions, strict=True)],
    )


def write_barometer(cur: db.Cursor, rng: random.Random, counts: dict[str, int]) -> None:
    """Insert the barometer answers of a sample of participants, given at the 11h workshops."""
    people = cur.execute(
        "SELECT id, kind, territory FROM participants WHERE seminar_id = ? ORDER BY id", [SEMINAR_ID]
    ).fetchall()
    objectives = cur.execute(
        "SELECT number, id FROM objectives WHERE seminar_id = ? ORDER BY number", [SEMINAR_ID]
    ).fetchall()
    rows = []
    for pid, kind, territory in sorted(rng.sample(people, BAROMETER_RESPONDENTS)):
        answered = at(DAY, 11, 0) + dt.timedelta(seconds=rng.randint(0, 50 * 60))
        for number, objective_id in objectives:
            score = None
            if rng.random() >= DONT_KNOW_SHARE:
                score = rng.choices(range(1, 6), weights=BAROMETER_WEIGHTS[number])[0]
            rows.append((SEMINAR_ID, pid, kind, territory, objective_id, score, answered))
    counts["barometer_ratings"] = insert(
        cur, "barometer_ratings",
        "seminar_id, participant_id, participant_kind, territory, objective_id, score, created_at",
        rows,
    )

