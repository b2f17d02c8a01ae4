"""Filters and sort orders of the action table, and « mes actions » (what a person leads or contributes to).

Everything works on the frame of :func:`labo_dash.actions.tracker` (columns ``pilot_person``,
``pilot_structure``, ``contributors``, ``objectives``, ``challenge``, ``status``, ``due_date``, ``overdue``,
``stale``, ``mismatch``...), so that the page filters what it already holds, without another query.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from labo_dash import reminders
from labo_dash.progress import ActionStatus

# sort key -> (French label, tracker columns sorted on)
SORTS: dict[str, tuple[str, list[str]]] = {
    "challenge": ("Défi", ["position"]),  # the tracker's order: défi, solution, action numbers
    "due_date": ("Échéance", ["due_date", "challenge"]),
    "pilot": ("Pilote", ["pilot", "due_date"]),
    "objective": ("Objectif", ["objective", "position"]),
    "status": ("Statut", ["status_order", "due_date"]),
    "overdue": ("En retard d'abord", ["late_first", "due_date"]),
}
STATUS_ORDER = list(ActionStatus)


@dataclass(frozen=True)
class Filters:
    """What the action table keeps: every non-empty criterion must hold (an empty one keeps everything).

    ``pilots`` are :func:`labo_dash.reminders.pilot_label` texts, ``objectives`` objective numbers (an
    action belongs to the objectives its défi is weighted on), ``challenges`` défi titles, ``statuses``
    status codes, ``due_from`` / ``due_to`` local dates (both included; an action without due date is left
    out once either is set), ``overdue`` only late actions, ``alerts`` only late, silent or mismatched
    ones, ``involving`` a person or structure (« mes actions », :func:`involves`).
    """

    pilots: tuple[str, ...] = ()
    objectives: tuple[int, ...] = ()
    challenges: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    overdue: bool = False
    alerts: bool = False
    involving: str | None = None


def _key(text: object) -> str:
    """Return a name as compared: accents removed, case folded, spaces collapsed."""
    if not isinstance(text, str):
        return ""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def _contributors(text: object) -> list[str]:
    """Return the names of a ``contributors`` cell (separated by commas, semicolons or line breaks)."""
    return [name.strip() for name in re.split(r"[,;\n]", text)] if isinstance(text, str) else []


def people(table: pd.DataFrame) -> list[str]:
    """Return everyone an action can belong to, sorted: pilot persons, pilot structures and contributors."""
    names = {n.strip() for column in ("pilot_person", "pilot_structure") for n in table[column].dropna()}
    names |= {n for cell in table["contributors"] for n in _contributors(cell)}
    return sorted((n for n in names if n), key=_key)


def involves(table: pd.DataFrame, who: str) -> pd.Series:
    """Return, per action, whether ``who`` (a person or a structure) leads it (pilot person or pilot
    structure) or contributes to it (named in ``contributors``). Names compare without case or accents."""
    wanted = _key(who)
    if not wanted:
        return pd.Series(False, index=table.index)
    return pd.Series(
        [wanted in {_key(p), _key(s)} or wanted in {_key(c) for c in _contributors(cs)}
         for p, s, cs in zip(table["pilot_person"], table["pilot_structure"], table["contributors"],
                             strict=True)],
        index=table.index,
    )


def pilots(table: pd.DataFrame) -> list[str]:
    """Return the pilots of the tracker, as :func:`labo_dash.reminders.pilot_label` texts, sorted."""
    return sorted(set(_pilot_labels(table)), key=_key)


def _pilot_labels(table: pd.DataFrame) -> list[str]:
    return [reminders.pilot_label(p, s) for p, s in zip(table["pilot_person"], table["pilot_structure"],
                                                       strict=True)]


def apply(table: pd.DataFrame, filters: Filters, sort: str = "challenge", descending: bool = False
          ) -> pd.DataFrame:
    """Return the rows of ``table`` that ``filters`` keep, ordered by ``sort`` (a key of :data:`SORTS`;
    ties keep the tracker's order), with ``table.attrs`` kept. Raises KeyError for an unknown sort key."""
    keep = pd.Series(True, index=table.index)
    if filters.pilots:
        keep &= pd.Series(_pilot_labels(table), index=table.index).isin(filters.pilots)
    if filters.objectives:
        wanted = set(filters.objectives)
        keep &= table["objectives"].map(lambda numbers: bool(wanted & set(numbers)))
    if filters.challenges:
        keep &= table["challenge"].isin(filters.challenges)
    if filters.statuses:
        keep &= table["status"].isin(filters.statuses)
    if filters.due_from is not None:
        keep &= table["due_date"].notna() & (table["due_date"] >= pd.Timestamp(filters.due_from))
    if filters.due_to is not None:
        keep &= table["due_date"].notna() & (table["due_date"] <= pd.Timestamp(filters.due_to))
    if filters.overdue:
        keep &= table["overdue"].astype(bool)
    if filters.alerts:
        keep &= table["overdue"].astype(bool) | table["stale"].astype(bool) | table["mismatch"].notna()
    if filters.involving:
        keep &= involves(table, filters.involving)
    view = table[keep]
    columns = SORTS[sort][1]
    ordered = view.assign(
        position=range(len(view)),
        pilot=[_key(label) for label in _pilot_labels(view)],
        late_first=~view["overdue"].astype(bool),
        objective=[min(numbers) if len(numbers) else 99 for numbers in view["objectives"]],
        status_order=[STATUS_ORDER.index(s) if s in STATUS_ORDER else len(STATUS_ORDER)
                      for s in view["status"]],
    ).sort_values(columns, ascending=[not descending] + [True] * (len(columns) - 1), na_position="last",
                  kind="stable")
    result = table.loc[ordered.index]
    result.attrs = table.attrs
    return result
