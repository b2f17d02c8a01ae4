"""The steering group's monthly review: what changed since the previous review, and its decisions.

A review month M is read at the end of M (today for the current month) and compared with the end of the
month of the previous review (the latest recorded review before M, else the month before M). Every action
falls in one category of :data:`CATEGORIES`; "late" is a flag on top of it (see :func:`compare`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from labo_dash import access, clock, db, french, progress, seminar
from labo_dash.access import Actor, Permission
from labo_dash.errors import ValidationError
from labo_dash.seminar import Objective, Seminar

# code -> (French label, what it means). The order is the order of the review page.
CATEGORIES: dict[str, tuple[str, str]] = {
    "nouvelle": ("Nouvelles", "créées depuis la revue précédente"),
    "progresse": ("Ont progressé", "dont l'avancement a augmenté, ou relancées, depuis la revue précédente"),
    "point_mort": ("Au point mort", "ouvertes, sans progrès (ou en recul) depuis la revue précédente"),
    "terminee": ("Terminées", "passées au statut « Terminée » depuis la revue précédente"),
    "abandonnee": ("Abandonnées", "passées au statut « Abandonnée » depuis la revue précédente"),
    "a_venir": ("À venir", "pas encore lancées, début prévu plus tard"),
    "close": ("Déjà closes", "terminées ou abandonnées avant la revue précédente"),
}
TEXT_MAX = 1000
NOTES_MAX = 5000


def month_start(day: dt.date) -> dt.date:
    """Return the first day of ``day``'s month."""
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    """Return the last day of ``month``'s month."""
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def previous_month(month: dt.date) -> dt.date:
    """Return the first day of the month before ``month``."""
    return month_start(month_start(month) - dt.timedelta(days=1))


def reading_date(month: dt.date, today: dt.date) -> dt.date:
    """Return the date a month is read at: its last day, or today for the current month."""
    return min(month_end(month), today)


def review_months(con: db.Connection, today: dt.date, seminar_id: int = 1) -> list[dt.date]:
    """Return the months a review can look at, oldest first: from the first follow-up activity to today."""
    first = db.query(
        con,
        """
        SELECT least(
            (SELECT min(u.reported_on) FROM progress_points u JOIN actions a ON a.id = u.action_id
               JOIN solutions s ON s.id = a.solution_id WHERE s.seminar_id = ?),
            (SELECT min(timezone(?, timezone('UTC', a.created_at)))::DATE FROM actions a
               JOIN solutions s ON s.id = a.solution_id WHERE s.seminar_id = ?),  -- local date
            (SELECT min(month) FROM reviews WHERE seminar_id = ?)) AS first
        """,
        [seminar_id, clock.zone_name(con), seminar_id, seminar_id],
    )[0]["first"]
    month, last = month_start(min(first or today, today)), month_start(today)
    months = []
    while month <= last:
        months.append(month)
        month = month_start(month_end(month) + dt.timedelta(days=1))
    return months


def reviews(con: db.Connection, seminar_id: int = 1) -> pd.DataFrame:
    """Return the recorded reviews (month, meeting date, notes, number of decisions), latest first."""
    return db.query_df(
        con,
        "SELECT r.id, r.month, r.held_on, r.notes, count(d.id) AS decisions FROM reviews r "
        "LEFT JOIN decisions d ON d.review_id = r.id WHERE r.seminar_id = ? "
        "GROUP BY ALL ORDER BY r.month DESC",
        [seminar_id],
    )


@dataclass(frozen=True, slots=True)
class Meeting:
    """A recorded review: its month (first day), the steering group's meeting date and notes."""

    id: int
    month: dt.date
    held_on: dt.date | None
    notes: str | None


def get_review(con: db.Connection, month: dt.date, seminar_id: int = 1) -> Meeting | None:
    """Return the review recorded for ``month``, or None."""
    rows = db.query(
        con,
        "SELECT id, month, held_on, notes FROM reviews WHERE seminar_id = ? AND month = ?",
        [seminar_id, month_start(month)],
    )
    return Meeting(**rows[0]) if rows else None


def previous_review_month(con: db.Connection, month: dt.date, seminar_id: int = 1) -> dt.date:
    """Return the month of the latest review before ``month`` (the month before when there is none)."""
    row = db.query(
        con,
        "SELECT max(month) AS month FROM reviews WHERE seminar_id = ? AND month < ?",
        [seminar_id, month_start(month)],
    )[0]
    return row["month"] or previous_month(month)


def last_review_date(con: db.Connection, as_of: dt.date, seminar_id: int = 1) -> dt.date | None:
    """Return the date of the latest review meeting on or before ``as_of`` (its month's end if undated)."""
    rows = db.query(
        con,
        "SELECT month, held_on FROM reviews WHERE seminar_id = ? ORDER BY month DESC",
        [seminar_id],
    )
    dates = [r["held_on"] or month_end(r["month"]) for r in rows]
    past = [d for d in dates if d <= as_of]
    return max(past) if past else None


@dataclass(frozen=True, slots=True)
class Comparison:
    """A month's review: its reading dates and one row per action with before/after state and category."""

    month: dt.date
    as_of: dt.date
    previous: dt.date
    baseline: dt.date
    actions: pd.DataFrame

    def category(self, code: str) -> pd.DataFrame:
        """Return the actions of one category."""
        return self.actions[self.actions["category"] == code]

    def late(self) -> pd.DataFrame:
        """Return the actions overdue at the reading date."""
        return self.actions[self.actions["overdue"]]


def _category(row: pd.Series) -> str:
    """Return the category code of one compared action."""
    before, after = row["status_before"], row["status"]
    if not row["existed_before"]:
        return after if after in progress.CLOSED else "nouvelle"
    if before in progress.CLOSED and after == before:
        return "close"
    if after in progress.CLOSED:
        return after
    was = -1.0 if pd.isna(row["progress_before"]) else float(row["progress_before"])
    now = -1.0 if pd.isna(row["progress"]) else float(row["progress"])
    if now > max(was, 0.0) or (after == "en_cours" and before != "en_cours"):
        return "progresse"
    started = pd.isna(row["start_date"]) or row["start_date"].date() <= row["as_of"]
    if after == "a_lancer" and not started:
        return "a_venir"
    return "point_mort"


def compare(
    con: db.Connection, month: dt.date, today: dt.date, seminar_id: int = 1
) -> Comparison:
    """Compare every action at the end of ``month`` with the end of the previous review's month."""
    month = month_start(month)
    as_of = reading_date(month, today)
    previous = previous_review_month(con, month, seminar_id)
    baseline = month_end(previous)
    after = progress.action_states(con, as_of)
    after = after[after["seminar_id"] == seminar_id]
    before = progress.action_states(con, baseline)[["id", "status", "progress", "last_update", "overdue"]]
    merged = after.merge(before, on="id", how="left", suffixes=("", "_before"))
    exists = (merged["created_on"] <= pd.Timestamp(as_of)) | merged["last_update"].notna()
    merged = merged[exists].copy()
    merged["existed_before"] = (merged["created_on"] <= pd.Timestamp(baseline)) | merged[
        "last_update_before"
    ].notna()
    merged["as_of"] = as_of
    merged["category"] = merged.apply(_category, axis=1) if len(merged) else pd.Series(dtype=str)
    merged["newly_late"] = merged["overdue"] & ~merged["overdue_before"].fillna(False).astype(bool)
    merged["updated"] = merged["last_update"].notna() & (
        merged["last_update_before"].isna() | (merged["last_update"] > pd.Timestamp(baseline))
    )
    details = db.query_df(
        con,
        """
        SELECT a.id, c.title AS challenge, s.title AS solution,
               concat_ws(' · ', a.pilot_structure, a.pilot_person) AS pilot,
               (SELECT u.comment FROM progress_points u WHERE u.action_id = a.id AND u.reported_on <= ?
                ORDER BY u.reported_on DESC, u.seq DESC LIMIT 1) AS comment
        FROM actions a JOIN solutions s ON s.id = a.solution_id JOIN challenges c ON c.id = s.challenge_id
        """,
        [as_of],
    )
    merged = merged.drop(columns=["as_of"]).merge(details, on="id", how="left").reset_index(drop=True)
    return Comparison(month, as_of, previous, baseline, merged)


def objective_history(
    con: db.Connection, months: list[dt.date], today: dt.date, seminar_id: int = 1
) -> pd.DataFrame:
    """Return the rolled-up progress of every objective at the end of each month of ``months``."""
    frame = progress.objective_progress_over(con, [reading_date(m, today) for m in months], seminar_id)
    return frame.assign(month=[month_start(d) for d in frame["as_of"]])


@dataclass(frozen=True, slots=True)
class MonthlyReview:
    """The steering group's review of one month: the one model behind the /suivi page, its print version,
    and the monthly report (PDF and workbook). Built by :func:`monthly_review`.

    ``objectives`` and ``challenges`` are progress.progress_by_objective / progress_by_challenge at the
    reading date, plus ``progress_before`` (the rolled-up fraction at the previous review's month end);
    ``history`` is :func:`objective_history` over the months up to this one; ``decisions`` is
    :func:`decisions`; ``objective_list`` the seminar's objectives (id, number, title, short_label).
    """

    seminar: Seminar
    comparison: Comparison
    objectives: pd.DataFrame
    challenges: pd.DataFrame
    history: pd.DataFrame
    meeting: Meeting | None
    decisions: pd.DataFrame
    objective_list: list[Objective]

    @property
    def month(self) -> dt.date:
        """Return the month reviewed (its first day)."""
        return self.comparison.month

    @property
    def as_of(self) -> dt.date:
        """Return the reading date: the month's last day, or today for the current month."""
        return self.comparison.as_of


def _with_before(now: pd.DataFrame, before: pd.DataFrame, key: str) -> pd.DataFrame:
    """Return the roll-up ``now`` with the column ``progress_before`` taken from ``before`` (same ``key``)."""
    return now.merge(before[[key, "progress"]], on=key, how="left", suffixes=("", "_before"))


def monthly_review(
    con: db.Connection, month: dt.date, today: dt.date, seminar_id: int = 1
) -> MonthlyReview:
    """Return the review of ``month`` (read at its end, or ``today`` for the current month)."""
    comparison = compare(con, month, today, seminar_id)
    as_of, baseline = comparison.as_of, comparison.baseline
    months = [m for m in review_months(con, today, seminar_id) if m <= comparison.month]
    return MonthlyReview(
        seminar=seminar.get_seminar(con, seminar_id),
        comparison=comparison,
        objectives=_with_before(
            progress.progress_by_objective(con, as_of, seminar_id),
            progress.progress_by_objective(con, baseline, seminar_id),
            "objective_id",
        ),
        challenges=_with_before(
            progress.progress_by_challenge(con, as_of, seminar_id),
            progress.progress_by_challenge(con, baseline, seminar_id),
            "challenge_id",
        ),
        history=objective_history(con, months, today, seminar_id),
        meeting=get_review(con, comparison.month, seminar_id),
        decisions=decisions(con, comparison.month, seminar_id),
        objective_list=seminar.objectives(con, seminar_id),
    )


def _inserted_id(cursor: db.Cursor) -> int:
    """Return the id given back by an ``INSERT ... RETURNING id`` just run on ``cursor``."""
    row = cursor.fetchone()
    if row is None:  # cannot happen: RETURNING gives back the inserted row
        raise RuntimeError("INSERT ... RETURNING id gave back no row")
    return int(row[0])


def _ensure_review(cur: db.Cursor, actor: Actor, month: dt.date, seminar_id: int) -> int:
    """Return the id of ``month``'s review, creating it (audited) inside the caller's transaction."""
    row = cur.execute(
        "SELECT id FROM reviews WHERE seminar_id = ? AND month = ?", [seminar_id, month]
    ).fetchone()
    if row:
        return row[0]
    review_id = _inserted_id(cur.execute(
        "INSERT INTO reviews (seminar_id, month) VALUES (?, ?) RETURNING id", [seminar_id, month]
    ))
    db.audit(cur, actor, "review", review_id, "create", None, {"month": month})
    return review_id


def save_review(
    con: db.Connection,
    actor: Actor,
    month: dt.date,
    held_on: dt.date | None,
    notes: str | None,
    seminar_id: int = 1,
) -> int:
    """Record the meeting date and notes of ``month``'s review; return the review id."""
    access.require(actor, Permission.REVIEWS_WRITE)
    month, notes = month_start(month), (notes or "").strip() or None
    errors = {}
    if held_on is not None and held_on < month:
        errors["held_on"] = "La réunion ne peut pas précéder le mois qu'elle passe en revue."
    if notes and len(notes) > NOTES_MAX:
        errors["notes"] = french.too_long("Les notes", notes, NOTES_MAX)
    if errors:
        raise ValidationError("La revue n'a pas été enregistrée : corrigez les champs signalés.", errors)
    before = get_review(con, month, seminar_id)
    with db.transaction(con, db.Topic.FOLLOW_UP) as cur:
        review_id = _ensure_review(cur, actor, month, seminar_id)
        cur.execute("UPDATE reviews SET held_on = ?, notes = ? WHERE id = ?", [held_on, notes, review_id])
        old = {"held_on": before.held_on, "notes": before.notes} if before else None
        db.audit(cur, actor, "review", review_id, "update", old, {"held_on": held_on, "notes": notes})
    return review_id


def decisions(con: db.Connection, month: dt.date, seminar_id: int = 1) -> pd.DataFrame:
    """Return the decisions of ``month``'s review, with the title of the action each concerns."""
    return db.query_df(
        con,
        "SELECT d.id, d.text, d.owner, d.due_date, d.action_id, a.title AS action FROM decisions d "
        "JOIN reviews r ON r.id = d.review_id LEFT JOIN actions a ON a.id = d.action_id "
        "WHERE r.seminar_id = ? AND r.month = ? ORDER BY d.id",
        [seminar_id, month_start(month)],
    )


def add_decision(
    con: db.Connection,
    actor: Actor,
    month: dt.date,
    text: str,
    action_id: int | None = None,
    owner: str | None = None,
    due_date: dt.date | None = None,
    seminar_id: int = 1,
) -> int:
    """Record one decision of ``month``'s review (the review is created if needed); return its id."""
    access.require(actor, Permission.REVIEWS_WRITE)
    text, owner = (text or "").strip(), (owner or "").strip() or None
    errors = {}
    if not text:
        errors["text"] = "Écrivez la décision prise."
    elif len(text) > TEXT_MAX:
        errors["text"] = french.too_long("La décision", text, TEXT_MAX)
    if owner and len(owner) > 200:
        errors["owner"] = french.too_long("Le nom du ou de la responsable", owner, 200)
    if action_id is not None and not db.query(con, "SELECT 1 FROM actions WHERE id = ?", [action_id]):
        errors["action_id"] = "Cette action n'existe pas : choisissez-en une dans la liste."
    if errors:
        raise ValidationError("La décision n'a pas été enregistrée : corrigez les champs signalés.", errors)
    after = {"text": text, "action_id": action_id, "owner": owner, "due_date": due_date}
    with db.transaction(con, db.Topic.FOLLOW_UP) as cur:
        review_id = _ensure_review(cur, actor, month_start(month), seminar_id)
        decision_id = _inserted_id(cur.execute(
            "INSERT INTO decisions (review_id, action_id, text, owner, due_date) VALUES (?, ?, ?, ?, ?) "
            "RETURNING id",
            [review_id, action_id, text, owner, due_date],
        ))
        db.audit(cur, actor, "decision", decision_id, "create", None, {"review_id": review_id, **after})
    return decision_id


def delete_decision(con: db.Connection, actor: Actor, decision_id: int) -> None:
    """Remove a decision recorded by mistake (its content stays in the audit log)."""
    access.require(actor, Permission.REVIEWS_WRITE)
    before = db.query_one(
        con, "SELECT review_id, action_id, text, owner, due_date FROM decisions WHERE id = ?", [decision_id],
        f"La décision n° {decision_id} n'existe pas.",
    )
    with db.transaction(con, db.Topic.FOLLOW_UP) as cur:
        cur.execute("DELETE FROM decisions WHERE id = ?", [decision_id])
        db.audit(cur, actor, "decision", decision_id, "delete", before, None)
