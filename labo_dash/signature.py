"""The signature view (domain brief §6): how support for each défi spreads across the objectives as the
follow-up actions progress. One SQL query per view; every figure is a fraction (0..1).

Definitions
- Support round (:func:`support_round`): the round on défis that organisers chose as the reference
  (``seminars.reference_round_id``); when none is chosen, the seminar's closed round on défis that
  gathered the MOST voters (ties: the latest closed), else (no closed round) its open one, a round with
  ballots always before one without (so neither an empty round nor a forgotten 3-voter test round closed
  after a 68-voter plenary takes over support). Either way only a round whose results are public (shown
  live, or hidden until the close and then revealed) that is neither a rehearsal nor archived gives
  support; a chosen round whose results are not public yet gives none (no silent fallback on another
  round).
- support(d): the share of the round's votes that went to défi d, counting each participant's current
  ballot only (their latest, ballots being append-only), over the round's défis that are not deleted.
  Dots and approval: dots (approvals) given to d / all dots given.
  Majority judgment: each grade is mapped to 0..1 (best grade = 1, lowest grade = 0, evenly spaced;
  "pas d'avis" and a missing grade count as the lowest grade, 0); score(d) = the mean over the ballots
  (0..1); support(d) = score(d) / Σ score (shares summing to 1).
- w(d, o): the défi's objective weights, normalised to sum 1 (they are entered to sum 1; normalising
  guarantees that a défi's bar splits exactly its support). A défi without weights has objective None.
- support(d, o) = support(d) × w(d, o).
- progress(d, as_of): the roll-up (progress.rollup) of the actions of d's solutions that are not deleted,
  as known at ``as_of`` (latest point on or before it, withdrawn points ignored, as
  progress.action_states reads it from the view progress_points); None when no action is measured.
- realised(d, o, as_of) = support(d, o) × progress(d, as_of), an unknown progress counting as 0.
- rank(d): the round's one ranking (:func:`labo_dash.results.ranking`; for majority judgment, its own
  ranking, not an order of mean grades), ties sharing a rank; the per-défi view lists défis in that order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeGuard

import pandas as pd

from labo_dash import clock, db, french, results, rounds
from labo_dash.seminar import DEFAULT_SEMINAR

# Common table expressions, assembled into one statement per view (fixed SQL text, parameters only).
_SUPPORT = """
round AS (SELECT id, method, grade_scale FROM rounds WHERE id = ? AND target = 'challenges'),
current_ballots AS (
    SELECT max(b.id) AS id FROM ballots b WHERE b.round_id = (SELECT id FROM round) GROUP BY b.participant_id
),
round_challenges AS (
    SELECT ri.item_id AS challenge_id, ri.position
    FROM round_items ri JOIN challenges c ON c.id = ri.item_id AND c.deleted_at IS NULL
    WHERE ri.round_id = (SELECT id FROM round)
),
votes AS (
    SELECT e.item_id AS challenge_id,
           sum(CASE WHEN r.method = 'majority_judgment'
                    THEN (r.grade_scale - 1 - least(greatest(e.value, 0), r.grade_scale - 1))
                         / (r.grade_scale - 1)
                    ELSE e.value END) AS total
    FROM ballot_entries e JOIN current_ballots cb ON cb.id = e.ballot_id CROSS JOIN round r
    GROUP BY e.item_id
),
scores AS (
    SELECT rc.challenge_id, rc.position,
           CASE WHEN r.method = 'majority_judgment'
                THEN coalesce(v.total, 0) / nullif((SELECT count(*) FROM current_ballots), 0)
                ELSE coalesce(v.total, 0) END AS score
    FROM round_challenges rc CROSS JOIN round r LEFT JOIN votes v ON v.challenge_id = rc.challenge_id
),
support AS (
    SELECT challenge_id, position, score,
           coalesce(score / nullif((SELECT sum(score) FROM scores), 0), 0) AS support
    FROM scores
)"""

_WEIGHTS = """
weight_totals AS (
    SELECT challenge_id, sum(weight) AS total FROM challenge_objectives WHERE weight > 0 GROUP BY challenge_id
),
weights AS (
    SELECT co.challenge_id, co.objective_id, o.number AS objective_number, co.weight / t.total AS weight
    FROM challenge_objectives co JOIN weight_totals t ON t.challenge_id = co.challenge_id
    JOIN objectives o ON o.id = co.objective_id
    WHERE co.weight > 0
)"""

_ROLLUP = """
challenge_progress AS (
    SELECT l.as_of, s.challenge_id,
           sum(coalesce(a.weight, 1) * l.progress) / sum(coalesce(a.weight, 1)) / 100 AS progress,
           count(*) AS measured
    FROM latest l JOIN actions a ON a.id = l.action_id
    JOIN solutions s ON s.id = a.solution_id AND s.deleted_at IS NULL
    WHERE l.progress IS NOT NULL AND l.status <> 'abandonnee'
    GROUP BY l.as_of, s.challenge_id
)"""

_LATEST = """
as_of_dates AS (SELECT DISTINCT unnest(?::DATE[]) AS as_of),
latest AS (  -- each action's latest update on or before the date (the later point on the same day, by seq)
    SELECT as_of, action_id, status, progress FROM (
        SELECT d.as_of, u.action_id, u.status, u.progress,
               row_number() OVER (PARTITION BY d.as_of, u.action_id ORDER BY u.reported_on DESC, u.seq DESC)
                   AS recency
        FROM as_of_dates d JOIN progress_points u ON u.reported_on <= d.as_of
    ) ranked
    WHERE recency = 1
)"""

# The support of each défi with its objectives' weights and the rolled-up progress of its actions at a date:
# the start of the two views that show support and realised side by side.
_SUPPORT_ROLLED = "WITH" + ",".join([_SUPPORT, _WEIGHTS, _LATEST, _ROLLUP]) + ","

SUPPORT_BY_CHALLENGE_SQL = (
    _SUPPORT_ROLLED
    + """
action_counts AS (
    SELECT s.challenge_id, count(*) AS actions
    FROM actions a JOIN solutions s ON s.id = a.solution_id AND s.deleted_at IS NULL
    GROUP BY s.challenge_id
),
weights_before AS (  -- the share of the défi's bar left of each objective's segment
    SELECT w.challenge_id, w.objective_id, coalesce(sum(p.weight), 0) AS before
    FROM weights w
    LEFT JOIN weights p ON p.challenge_id = w.challenge_id AND p.objective_number < w.objective_number
    GROUP BY w.challenge_id, w.objective_id
)
SELECT sp.challenge_id, c.title AS challenge, sp.position,
       (SELECT method FROM round) AS method, sp.score, sp.support,
       o.id AS objective_id, o.number AS objective_number, o.short_label AS objective,
       o.title AS objective_title, coalesce(w.weight, 1.0) AS weight,
       sp.support * coalesce(w.weight, 1.0) AS support_objective,
       cp.progress, coalesce(cp.measured, 0) AS measured, coalesce(ac.actions, 0) AS actions,
       sp.support * coalesce(w.weight, 1.0) * coalesce(cp.progress, 0) AS realised,
       sp.support * coalesce(wb.before, 0) AS segment_start
FROM support sp JOIN challenges c ON c.id = sp.challenge_id
LEFT JOIN weights w ON w.challenge_id = sp.challenge_id
LEFT JOIN weights_before wb ON wb.challenge_id = w.challenge_id AND wb.objective_id = w.objective_id
LEFT JOIN objectives o ON o.id = w.objective_id
LEFT JOIN challenge_progress cp ON cp.challenge_id = sp.challenge_id
LEFT JOIN action_counts ac ON ac.challenge_id = sp.challenge_id
ORDER BY sp.support DESC, sp.position, o.number NULLS LAST
"""
)

SUPPORT_OVER_TIME_SQL = (
    _SUPPORT_ROLLED
    + """
split AS (
    SELECT sp.challenge_id, w.objective_id, sp.support * w.weight AS support_objective
    FROM support sp JOIN weights w ON w.challenge_id = sp.challenge_id
    WHERE ? IS NULL OR sp.challenge_id = ?
)
SELECT d.as_of, CAST(date_trunc('month', d.as_of) AS DATE) AS month, o.id AS objective_id,
       o.number AS objective_number, o.short_label AS objective, o.title AS objective_title,
       coalesce(sum(sp.support_objective), 0) AS support,
       coalesce(sum(sp.support_objective * coalesce(cp.progress, 0)), 0) AS realised
FROM as_of_dates d CROSS JOIN objectives o
LEFT JOIN split sp ON sp.objective_id = o.id
LEFT JOIN challenge_progress cp ON cp.challenge_id = sp.challenge_id AND cp.as_of = d.as_of
WHERE o.seminar_id = ?
GROUP BY ALL
ORDER BY d.as_of, o.number
"""
)

CHALLENGE_WEIGHTS_SQL = (
    "WITH"
    + _SUPPORT
    + ","
    + _WEIGHTS
    + """
SELECT c.id AS challenge_id, c.title AS challenge, c.selected, sp.support,
       o.id AS objective_id, o.number AS objective_number, o.short_label AS objective,
       coalesce(co.weight, 0) AS entered_weight, coalesce(w.weight, 0) AS weight
FROM challenges c JOIN objectives o ON o.seminar_id = c.seminar_id
LEFT JOIN challenge_objectives co ON co.challenge_id = c.id AND co.objective_id = o.id
LEFT JOIN weights w ON w.challenge_id = c.id AND w.objective_id = o.id
LEFT JOIN support sp ON sp.challenge_id = c.id
WHERE c.seminar_id = ? AND c.deleted_at IS NULL
ORDER BY sp.support DESC NULLS LAST, c.id, o.number
"""
)

ACTION_TIMELINE_SQL = (
    "WITH"
    + _WEIGHTS
    + ","
    + _LATEST
    + """,
first_update AS (SELECT action_id, min(reported_on) AS first_on FROM progress_points GROUP BY action_id)
SELECT a.id AS action_id, a.title AS action, c.id AS challenge_id, c.title AS challenge,
       o.id AS objective_id, o.number AS objective_number, o.short_label AS objective, w.weight,
       coalesce(a.start_date, f.first_on, timezone(?, timezone('UTC', a.created_at))::DATE) AS start,
       a.due_date,
       coalesce(l.status, 'a_lancer') AS status, l.progress AS progress,
       coalesce(a.due_date < d.as_of
                AND coalesce(l.status, 'a_lancer') NOT IN ('terminee', 'abandonnee'), false) AS overdue
FROM actions a
JOIN solutions s ON s.id = a.solution_id AND s.deleted_at IS NULL
JOIN challenges c ON c.id = s.challenge_id AND c.deleted_at IS NULL
CROSS JOIN as_of_dates d
LEFT JOIN weights w ON w.challenge_id = c.id
LEFT JOIN objectives o ON o.id = w.objective_id
LEFT JOIN latest l ON l.action_id = a.id
LEFT JOIN first_update f ON f.action_id = a.id
WHERE s.seminar_id = ?
ORDER BY o.number NULLS LAST, start, a.id
"""
)

_SUPPORT_ROUND_SQL = """
WITH eligible AS (
    SELECT r.id, r.title, r.method, r.status, r.opened_at, r.closed_at, r.created_at,
           (SELECT count(DISTINCT b.participant_id) FROM ballots b WHERE b.round_id = r.id) AS voters,
           s.reference_round_id
    FROM rounds r JOIN seminars s ON s.id = r.seminar_id
    WHERE r.seminar_id = ? AND r.target = 'challenges' AND r.status IN ('closed', 'open')
      AND (r.results_visibility = 'live' OR r.revealed)
      AND NOT coalesce(r.rehearsal, false) AND r.archived_at IS NULL
      AND r.id IS DISTINCT FROM ?  -- the round left out by support_round(without=...), if any
)
SELECT id, title, method, status, opened_at, closed_at, voters, reference_round_id IS NOT NULL AS chosen,
       (SELECT count(*) FROM eligible WHERE voters > 0) AS candidates
FROM eligible
WHERE reference_round_id IS NULL OR id = reference_round_id
ORDER BY voters > 0 DESC, status = 'closed' DESC, voters DESC,
         coalesce(closed_at, opened_at, created_at) DESC, id DESC
LIMIT 1
"""


@dataclass(frozen=True, slots=True)
class SupportRound:
    """The round giving support to the défis (:func:`support_round`).

    ``voters``: participants with a ballot; ``chosen``: True when organisers chose it as the reference
    round, False for the automatic choice; ``candidates``: how many rounds with ballots could give support.
    Times are UTC (None when not reached).
    """

    id: int
    title: str
    method: str
    status: str
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    voters: int
    chosen: bool
    candidates: int


def support_round(
    con: db.Connection, seminar_id: int = DEFAULT_SEMINAR, without: int | None = None
) -> SupportRound | None:
    """Return THE round that gives support to the défis, or None (rule in this module's docstring).

    ``without``: a round id to leave out, i.e. the round that WOULD give support once that round is made a
    rehearsal, archived or deleted (same rule, same query).

    With more than one candidate, organisers should choose the reference round explicitly (see
    :func:`should_choose_reference`). Rehearsals and archived rounds never give support. Rounds past
    their countdown are closed first.
    """
    rounds.close_due_rounds(con)
    rows = db.query(con, _SUPPORT_ROUND_SQL, [seminar_id, without])
    return SupportRound(**rows[0]) if rows else None


def support_move_warning(con: db.Connection, round_id: int,
                         seminar_id: int = DEFAULT_SEMINAR) -> str | None:
    """Return the French warning to confirm before round ``round_id`` stops counting (rehearsal, archive,
    deletion), or None when it does not give support now (nothing moves).

    E.g. ``Ce tour donne le soutien aux défis (choix automatique). Le soutien passera au tour « Tour de
    test » (3 votant·e·s).`` or ``... Plus aucun tour ne donnera le soutien aux défis.`` The reference
    round chosen by organisers cannot stop counting (rounds.py refuses it), so the choice is automatic here.
    """
    now = support_round(con, seminar_id)
    if now is None or now.id != round_id:
        return None
    after = support_round(con, seminar_id, without=round_id)
    then = ("Plus aucun tour ne donnera le soutien aux défis." if after is None else
            f"Le soutien passera au tour « {after.title} » ({_voters(after.voters)}).")
    return f"Ce tour donne aujourd'hui le soutien aux défis (choix automatique). {then}"


def should_choose_reference(found: SupportRound | None) -> TypeGuard[SupportRound]:
    """Tell whether organisers should choose the reference round: the choice is automatic and more than
    one round with ballots could give support (``found``: a :func:`support_round` row, or None)."""
    return found is not None and not found.chosen and found.candidates > 1


def _voters(count: int) -> str:
    """Return ``68 votant·e·s`` (``1 votant·e``)."""
    return f"{french.number(count)} votant·e{'·s' if count > 1 else ''}"


def support_source(found: SupportRound) -> str:
    """Return the French sentence naming the support round (every view that shows support says it).

    E.g. ``Soutien tiré du tour « Plénière » (68 votant·e·s), tour de référence choisi par les
    organisateur·ice·s.``
    """
    people = _voters(found.voters)
    how = ("tour de référence choisi par les organisateur·ice·s" if found.chosen else
           "choisi automatiquement : le tour sur les défis qui a réuni le plus de votant·e·s")
    return f"Soutien tiré du tour « {found.title} » ({people}), {how}."


def reference_invitation(found: SupportRound) -> str:
    """Return the French invitation to choose the reference round, for :func:`should_choose_reference`.

    E.g. ``3 tours sur les défis peuvent donner le soutien : choisissez explicitement le tour de
    référence (la plénière, en général).``
    """
    return (f"{french.number(found.candidates)} tours sur les défis peuvent donner le soutien : "
            "choisissez explicitement le tour de référence (la plénière, en général).")


def months(
    con: db.Connection, today: dt.date, seminar_id: int = DEFAULT_SEMINAR
) -> list[dt.date]:
    """Return the first day of every month from the seminar's month to ``today``'s month."""
    start = db.query(
        con,
        "SELECT coalesce((SELECT held_on FROM seminars WHERE id = ?), "
        "(SELECT min(reported_on) FROM progress_points), CAST(? AS DATE)) AS start",
        [seminar_id, today],
    )[0]["start"]
    first = dt.date(start.year, start.month, 1)
    current = dt.date(today.year, today.month, 1)
    result = [first]
    while result[-1] < current:
        last = result[-1]
        result.append(dt.date(last.year + last.month // 12, last.month % 12 + 1, 1))
    return result


def as_of(month: dt.date, today: dt.date) -> dt.date:
    """Return the date a month is read at: its last day, or ``today`` for the current month."""
    next_month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return min(next_month - dt.timedelta(days=1), today)


def support_by_challenge(con: db.Connection, round_id: int | None, when: dt.date) -> pd.DataFrame:
    """Return one row per (défi, objective) of the round: support, split, progress and realised at ``when``.

    ``segment_start`` places each objective's segment on the défi's bar (objectives in number order).
    ``rank`` and ``tied`` are the round's one ranking (:func:`labo_dash.results.ranking`, the majority
    judgment's own for such a round, not an order of mean grades); défis come in that order.
    """
    df = db.query_df(con, SUPPORT_BY_CHALLENGE_SQL, [round_id, [when]])
    ranked = (results.ranking(con, round_id) if round_id is not None and len(df)
              else pd.DataFrame(columns=["item_id", "rank", "tied"]))
    df = df.merge(ranked.rename(columns={"item_id": "challenge_id"}), on="challenge_id", how="left")
    df = df.sort_values(["rank", "position", "objective_number"], na_position="last", kind="stable")
    return df.reset_index(drop=True)


def support_over_time(
    con: db.Connection,
    round_id: int | None,
    dates: list[dt.date],
    challenge_id: int | None = None,
    seminar_id: int = DEFAULT_SEMINAR,
) -> pd.DataFrame:
    """Return one row per (date, objective): support(o) and realised(o) at each of ``dates``.

    With ``challenge_id``, only that défi's support counts.
    """
    return db.query_df(
        con, SUPPORT_OVER_TIME_SQL, [round_id, list(dates), challenge_id, challenge_id, seminar_id]
    )


def challenge_weights(
    con: db.Connection, round_id: int | None, seminar_id: int = DEFAULT_SEMINAR
) -> pd.DataFrame:
    """Return every défi × objective of the seminar: the entered and normalised weights (défis by support)."""
    return db.query_df(con, CHALLENGE_WEIGHTS_SQL, [round_id, seminar_id])


def action_timeline(
    con: db.Connection, when: dt.date, seminar_id: int = DEFAULT_SEMINAR
) -> pd.DataFrame:
    """Return one row per (objective, action): the action's dates, status, % and overdue flag at ``when``.

    An action serves every objective its défi has a weight on (objective None when the défi has none);
    ``start`` falls back on the first update, then on the creation date.
    """
    return db.query_df(con, ACTION_TIMELINE_SQL, [[when], clock.zone_name(con), seminar_id])
