"""The demo's story: fixed figures in code, French texts and tables read from the data files beside this
module (``data/``, UTF-8: CSV for flat tables, JSON for nested ones).

Each file holds one table of the seminar day or its follow-up; the loaders return them as tuples of
named tuples, in file order (the order matters: ids are drawn in that order).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, get_args, get_type_hints

DATA = Path(__file__).with_name("data")


def _csv(name: str) -> list[dict[str, str]]:
    """Return the rows of ``data/<name>`` (an empty cell is an empty string)."""
    with (DATA / name).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _json(name: str) -> Any:
    """Return the content of ``data/<name>``."""
    with (DATA / name).open(encoding="utf-8") as file:
        return json.load(file)


_CELL_READERS: dict[Any, Callable[[str], Any]] = {
    str: str,
    int: int,
    float: float,
    dt.date: dt.date.fromisoformat,
    tuple[int, ...]: lambda cell: tuple(int(n) for n in cell.split()),  # numbers separated by spaces
}


def _cell(cell: str, kind: Any) -> Any:
    """Return a CSV cell read as ``kind``: a type of _CELL_READERS, or one of them ``| None``
    (an empty cell is None)."""
    if isinstance(kind, types.UnionType):
        (inner,) = [k for k in get_args(kind) if k is not type(None)]
        return _CELL_READERS[inner](cell) if cell else None
    return _CELL_READERS[kind](cell)


def _table(name: str, record: Any) -> tuple[Any, ...]:
    """Return the rows of ``data/<name>`` as ``record``s (a NamedTuple whose fields name the CSV's columns),
    each cell read as its field's type."""
    kinds = get_type_hints(record)
    return tuple(record(*(_cell(row[field], kinds[field]) for field in record._fields)) for row in _csv(name))


# --- Participants -------------------------------------------------------------------------------------


class Structure(NamedTuple):
    """A structure at the seminar: 80 seats in all, 12 territories (data/structures.csv)."""

    structure: str
    kind: str
    territory: str
    participants: int


STRUCTURES: tuple[Structure, ...] = _table("structures.csv", Structure)
_NAMES = _json("names.json")
FIRST_NAMES: tuple[str, ...] = tuple(_NAMES["first_names"])
LAST_NAMES: tuple[str, ...] = tuple(_NAMES["last_names"])

# --- Morning diagnosis --------------------------------------------------------------------------------


class Finding(NamedTuple):
    """A finding written at a morning workshop (data/findings.csv; objectives: numbers)."""

    key: str
    workshop: int
    kind: str
    table: str
    participant_kind: str
    objectives: tuple[int, ...]
    text: str


class Challenge(NamedTuple):
    """A défi of a morning workshop (data/challenges.json): the findings it comes from (keys), its
    {objective number: weight}, and the dots it got in the morning round (the exact result of the round:
    a clear ranking with one tie, 5th/6th)."""

    workshop: int
    title: str
    description: str
    findings: tuple[str, ...]
    weights: dict[int, float]
    dots: int


FINDINGS: tuple[Finding, ...] = _table("findings.csv", Finding)
CHALLENGES = tuple(
    Challenge(c["workshop"], c["title"], c["description"], tuple(c["findings"]),
              {int(n): w for n, w in c["weights"].items()}, c["dots"])
    for c in _json("challenges.json")
)
SELECTED_COUNT = 5  # the organisers keep the top 5, and every défi tied with the 5th
MORNING_VOTERS = 68
TWO_DOT_VOTERS = 3  # voters who used only two of their three dots (68 * 3 - 3 = sum of the dots above)
MORNING_CHANGED = 4

# Extra appeal of a défi (by number) for a kind of participant, on top of the overall support.
AFFINITY = {(r["kind"], int(r["challenge"])): float(r["factor"]) for r in _csv("affinity.csv")}

# --- Afternoon ----------------------------------------------------------------------------------------


class Workshop(NamedTuple):
    """An afternoon workshop and the défi numbers it works on (data/afternoon_workshops.csv)."""

    number: int
    title: str
    question: str
    challenges: tuple[int, ...]


class Solution(NamedTuple):
    """A solution of an afternoon workshop for a défi (by number), and its mean grade in the closing round:
    0 = Excellent .. 4 = Insuffisant (data/solutions.csv)."""

    challenge: int
    title: str
    description: str
    mean_grade: float


AFTERNOON_WORKSHOPS: tuple[Workshop, ...] = _table("afternoon_workshops.csv", Workshop)
SOLUTIONS: tuple[Solution, ...] = _table("solutions.csv", Solution)
CLOSING_VOTERS_FROM_MORNING = 55
CLOSING_NEW_VOTERS = 5
CLOSING_CHANGED = 2
NO_OPINION = 4  # "Pas d'avis" is stored as the lowest grade (Insuffisant)

# --- Follow-up ----------------------------------------------------------------------------------------


class ActionSeed(NamedTuple):
    """One follow-up action and the shape of its progress over the months (data/actions.csv)."""

    solution: int  # solution number (1-based, in SOLUTIONS)
    title: str
    description: str
    pilot_structure: str
    pilot_person: str
    contributors: str | None
    funders: str | None
    budget_planned: int
    budget_secured: int
    start: dt.date
    due: dt.date
    next_step: str
    weight: float | None
    trajectory: str  # done, mismatch, steady, late, stalled, pause, abandon, delayed, unmeasured, never
    event_month: int | None  # month of the key event (done, paused, stalled, abandoned, started)


class Decision(NamedTuple):
    """A decision of a steering review: the action's number in ACTIONS (None: the whole plan)."""

    action: int | None
    text: str
    owner: str
    due: dt.date | None


class Review(NamedTuple):
    """A monthly steering review (data/reviews.json)."""

    month: int
    notes: str
    decisions: tuple[Decision, ...]


ACTIONS: tuple[ActionSeed, ...] = _table("actions.csv", ActionSeed)
# Progress reached in November by the actions still running, by trajectory.
FINAL_PROGRESS = {"steady": (60, 70, 80), "late": (55, 65, 75), "delayed": (40, 45, 50)}
# The comments of the progress updates, by kind of update (data/comments.json).
COMMENTS: dict[str, tuple[str, ...]] = {kind: tuple(texts) for kind, texts in _json("comments.json").items()}


def _review(review: dict[str, Any]) -> Review:
    """Return the review of one object of data/reviews.json (a decision's ``due``: ISO date or null)."""
    decisions = tuple(
        Decision(d["action"], d["text"], d["owner"],
                 None if d["due"] is None else dt.date.fromisoformat(d["due"]))
        for d in review["decisions"]
    )
    return Review(review["month"], review["notes"], decisions)


REVIEWS = tuple(_review(r) for r in _json("reviews.json"))

# Territory barometer: how participants see their territory on each objective (1 = far behind,
# 5 = well advanced), as relative weights of the scores 1..5 per objective number; some answer
# "je ne sais pas" (NULL).
BAROMETER_RESPONDENTS = 56
BAROMETER_WEIGHTS = {
    1: (1, 3, 4, 3, 1),  # acculturation: middling
    2: (2, 4, 3, 2, 1),  # territorial facilitation: uneven
    3: (5, 5, 2, 1, 0.5),  # financing: the weak point
    4: (2, 4, 4, 2, 0.5),  # skills: lagging
    5: (2, 3, 3, 3, 1),  # ecosystems: spread
}
DONT_KNOW_SHARE = 0.08
