"""The seminar's reference data (objectives, workshops, programme) and its key figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from labo_dash import db
from labo_dash.french import STATUSES
from labo_dash.progress import ActionStatus, action_states, rollup

DEFAULT_SEMINAR = 1


@dataclass(frozen=True, slots=True)
class Seminar:
    """The seminar as stored: ``held_on`` its local date (None until fixed), ``created_at`` UTC,
    ``reference_round_id`` the round whose results the signature view shows (None: the latest)."""

    id: int
    slug: str
    title: str
    subtitle: str | None
    organiser: str
    funder: str | None
    study: str | None
    description: str | None
    held_on: dt.date | None
    venue: str | None
    created_at: dt.datetime
    reference_round_id: int | None


@dataclass(frozen=True, slots=True)
class Objective:
    """One of the seminar's objectives: ``number`` 1-9, its ``title``, the ``short_label`` of charts."""

    id: int
    number: int
    title: str
    short_label: str


@dataclass(frozen=True, slots=True)
class Workshop:
    """A workshop of the day: ``session`` « matin » or « apres-midi », numbered within it."""

    id: int
    session: str
    number: int
    title: str
    question: str | None


@dataclass(frozen=True, slots=True)
class Slot:
    """A slot of the day's programme, at ``position``; its hours are the seminar's local times."""

    position: int
    starts_at: dt.time
    ends_at: dt.time
    title: str
    details: str | None


def get_seminar(con: db.Connection, seminar_id: int = DEFAULT_SEMINAR) -> Seminar:
    """Return the seminar, or raise NotFound."""
    return Seminar(**db.query_one(con, "SELECT * FROM seminars WHERE id = ?", [seminar_id],
                                  "Aucun séminaire n'est enregistré dans cette base."))


def objectives(con: db.Connection, seminar_id: int = DEFAULT_SEMINAR) -> list[Objective]:
    """Return the seminar's objectives, by number."""
    return [Objective(**row) for row in db.query(
        con,
        "SELECT id, number, title, short_label FROM objectives WHERE seminar_id = ? ORDER BY number",
        [seminar_id],
    )]


def workshops(
    con: db.Connection, seminar_id: int = DEFAULT_SEMINAR, session: str | None = None
) -> list[Workshop]:
    """Return the seminar's workshops (all, or those of one session), morning first."""
    return [Workshop(**row) for row in db.query(
        con,
        "SELECT id, session, number, title, question FROM workshops "
        "WHERE seminar_id = ? AND (? IS NULL OR session = ?) ORDER BY session DESC, number",
        [seminar_id, session, session],
    )]


def programme(con: db.Connection, seminar_id: int = DEFAULT_SEMINAR) -> list[Slot]:
    """Return the day's programme slots, in order."""
    return [Slot(**row) for row in db.query(
        con,
        "SELECT position, starts_at, ends_at, title, details FROM programme_slots "
        "WHERE seminar_id = ? ORDER BY position",
        [seminar_id],
    )]


def current_slot(
    slots: list[Slot], held_on: dt.date | None, now: dt.datetime
) -> int | None:
    """Return the position of the slot running at ``now`` on the seminar's day, else None.

    The programme's hours are the seminar's local times: give ``now`` in that zone (``clock.local_now``).
    """
    if held_on is None or now.date() != held_on:
        return None
    for slot in slots:
        if slot.starts_at <= now.time() < slot.ends_at:
            return slot.position
    return None


@dataclass(frozen=True, slots=True)
class ActionFigures:
    """Key figures of a set of follow-up actions read at one date (built by :func:`action_figures`)."""

    total: int
    by_status: dict[str, int]  # status code -> number of actions, in french.STATUSES order, zeros left out
    done: int  # by status: terminee, en_cours, en_pause, a_lancer, abandonnee
    running: int
    paused: int
    to_start: int
    abandoned: int
    late: int  # overdue: due date passed, neither done nor abandoned
    newly_late: int  # late now and not at the previous review (0 for a frame without that comparison)
    stale: int  # open with no progress point since the last review (0 for a frame without that flag)
    planned: float  # €, budget planned, abandoned actions left out
    secured: float  # €, funds secured, abandoned actions left out
    progress: float | None  # the one roll-up (progress.rollup), a fraction 0-1; None when nothing is measured

    @property
    def secured_share(self) -> float | None:
        """Return the share of the planned budget that is secured (fraction), None without a budget."""
        return self.secured / self.planned if self.planned else None


_STATUS_FIELDS = {"done": "terminee", "running": "en_cours", "paused": "en_pause", "to_start": "a_lancer",
                  "abandoned": ActionStatus.ABANDONED}


def _sum(actions: pd.DataFrame, column: str, rows: pd.Series | None = None) -> float:
    """Return the sum of a numeric column (0 when the frame has no such column)."""
    if column not in actions:
        return 0.0
    values = actions[column] if rows is None else actions.loc[rows, column]
    return float(values.astype("float64").fillna(0).sum())


def action_figures(actions: pd.DataFrame) -> ActionFigures:
    """Return the key figures of ``actions``: the one count of the home page, the tracker and the reports.

    ``actions``: one row per action with ``status``, ``progress`` (%), ``weight`` and ``overdue``
    (progress.action_states, actions.tracker, review.Comparison.actions); optional columns ``newly_late``
    (a review's comparison), ``stale`` (the tracker), ``budget_planned`` and ``budget_secured`` (€).
    """
    counts = actions["status"].value_counts().to_dict() if len(actions) else {}
    by_status = {code: int(counts[code]) for code in STATUSES if code in counts}
    live = actions["status"] != ActionStatus.ABANDONED
    return ActionFigures(
        total=len(actions),
        by_status=by_status,
        **{name: by_status.get(code, 0) for name, code in _STATUS_FIELDS.items()},
        late=int(_sum(actions, "overdue")),
        newly_late=int(_sum(actions, "newly_late")),
        stale=int(_sum(actions, "stale")),
        planned=_sum(actions, "budget_planned", live),
        secured=_sum(actions, "budget_secured", live),
        progress=rollup(zip(actions["progress"], actions["weight"], actions["status"], strict=True)),
    )


@dataclass(frozen=True, slots=True)
class SeminarFigures:
    """The home page's figures (ballots and voters leave out rehearsal and archived rounds)."""

    participants: int
    findings: int
    challenges: int
    selected_challenges: int
    ballots: int
    voters: int
    solutions: int
    actions: ActionFigures  # the seminar's actions today


def key_figures(
    con: db.Connection, today: dt.date, seminar_id: int = DEFAULT_SEMINAR
) -> SeminarFigures:
    """Return the home page's figures: counts of participants, findings, défis, ballots and actions.

    Ballots and voters leave out rehearsal (« tour d'essai ») and archived rounds.
    """
    row = db.query(
        con,
        """
        SELECT
          (SELECT count(*) FROM participants WHERE seminar_id = ?) AS participants,
          (SELECT count(*) FROM findings
             WHERE seminar_id = ? AND deleted_at IS NULL AND merged_into IS NULL) AS findings,
          (SELECT count(*) FROM challenges WHERE seminar_id = ? AND deleted_at IS NULL) AS challenges,
          (SELECT count(*) FROM challenges
             WHERE seminar_id = ? AND deleted_at IS NULL AND selected) AS selected_challenges,
          (SELECT count(DISTINCT (b.round_id, b.participant_id)) FROM ballots b
             JOIN rounds r ON r.id = b.round_id
             WHERE r.seminar_id = ? AND NOT coalesce(r.rehearsal, false)
               AND r.archived_at IS NULL) AS ballots,
          (SELECT count(DISTINCT b.participant_id) FROM ballots b
             JOIN rounds r ON r.id = b.round_id
             WHERE r.seminar_id = ? AND NOT coalesce(r.rehearsal, false)
               AND r.archived_at IS NULL) AS voters,
          (SELECT count(*) FROM solutions WHERE seminar_id = ? AND deleted_at IS NULL) AS solutions
        """,
        [seminar_id] * 7,
    )[0]
    states = action_states(con, today)
    states = states[states["seminar_id"] == seminar_id]
    return SeminarFigures(**{k: int(v) for k, v in row.items()}, actions=action_figures(states))
