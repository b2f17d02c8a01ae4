"""Actions created from a solution: one per title, in one step, with their first point when given.

Every value of the form applies to each new action (a budget of 45 000 € with two titles is 90 000 € in
all: :func:`amounts_added` gives the total the form shows and asks to confirm). The fields and the first
point are checked by the rules of :mod:`labo_dash.actions` (:func:`~labo_dash.actions.check_fields`) and
:mod:`labo_dash.updates` (:func:`~labo_dash.updates.check_update`); nothing is written on an error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

from labo_dash import access, clock, db, french, solutions
from labo_dash.access import Actor, Permission
from labo_dash.actions import FIELDS, NUMBER_FIELDS, TITLE_MAX, check_fields, clean, read_numbers
from labo_dash.errors import ValidationError
from labo_dash.updates import append_updates, check_update, read_point

_ROW_FIELDS = [name for name in FIELDS if name != "title"]  # the order of the INSERT below


def creation_errors(
    titles: list[str],
    fields: dict[str, Any],
    *,
    status: str = "a_lancer",
    progress_value: Any = None,
    reported_on: dt.date,
    today: dt.date,
) -> dict[str, str]:
    """Return a French message per invalid field of :func:`create_actions`'s input (empty when valid).

    Checks the titles (one at least, none too long, no two alike; blank lines are skipped), the fields
    (:func:`check_fields`) and, when the actions start with a status other than À lancer or a %, the
    first point (:func:`check_update`, the one status/% rule). Writes nothing.
    """
    titles = [t for t in (clean(t) for t in titles) if t]
    values = {name: clean(fields.get(name)) for name in FIELDS if name != "title"}
    errors = check_fields({**values, "title": titles[0] if titles else None})
    if not titles:
        errors["titles"] = "Écrivez au moins un intitulé d'action (un par ligne)."
    errors.pop("title", None)
    long = [t for t in titles if len(t) > TITLE_MAX]
    if long:
        errors["titles"] = french.too_long(f"L'intitulé « {long[0][:60]}… »", long[0], TITLE_MAX)
    if len(set(titles)) != len(titles):
        errors["titles"] = "Deux actions portent le même intitulé : distinguez-les."
    progress_value = clean(progress_value)
    if status != "a_lancer" or progress_value is not None:
        errors |= check_update(status, progress_value, reported_on, None, None, today)
    return errors


def create_actions(
    con: db.Connection,
    actor: Actor,
    solution_id: int,
    titles: list[str],
    fields: dict[str, Any],
    *,
    status: str = "a_lancer",
    progress_value: Any = None,
    reported_on: dt.date,
    reported_by: str | None,
    today: dt.date,
) -> list[int]:
    """Create one action per title from a solution; return their ids (nothing written on an error).

    Every value of ``fields`` (FIELDS names, numbers as typed or numeric) applies to EACH action: a
    budget of 45 000 € with two titles gives each action 45 000 €, 90 000 € in all (the form says so
    and shows the total before saving). A status other than À lancer, or a % (``progress_value`` as typed),
    is recorded as each action's first progress update, read by :func:`labo_dash.updates.read_point`
    (À lancer with 10 % is refused; ``reported_by`` blank: the actor's name). Raises ValidationError
    (French, per field), PermissionDenied, NotFound.
    """
    access.require(actor, Permission.ACTIONS_WRITE)
    solution = solutions.get_solution(con, solution_id)
    errors = creation_errors(titles, fields, status=status, progress_value=progress_value,
                             reported_on=reported_on, today=today)
    if errors:
        raise ValidationError("Aucune action n'a été créée : corrigez les champs signalés.", errors)
    titles = [t for t in (clean(t) for t in titles) if t]
    values = {name: clean(fields.get(name)) for name in FIELDS if name != "title"}
    progress_value = clean(progress_value)
    initial = status != "a_lancer" or progress_value is not None
    values, _ = read_numbers(values)
    with db.transaction(con, db.Topic.FOLLOW_UP) as cur:
        created = cur.execute(
            "INSERT INTO actions (solution_id, title, description, pilot_structure, pilot_person, "
            "contributors, funders, budget_planned, budget_secured, start_date, due_date, next_step, weight, "
            "created_at) SELECT ?, unnest(?::VARCHAR[]), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? "
            "RETURNING id, title",
            [solution_id, titles, *[values[n] for n in _ROW_FIELDS], clock.stored_now()],  # UTC, app clock
        ).fetchall()
        ids = {title: action_id for action_id, title in created}
        for title in titles:
            after = {"solution_id": solution_id, "challenge_id": solution.challenge_id, "title": title}
            db.audit(cur, actor, "action", ids[title], "create", None,
                     after | {name: clean(value) for name, value in values.items()})
        if initial:
            first, errors = read_point(ids[titles[0]], reported_on, actor.name, {
                "status": status, "progress_value": progress_value, "comment": "Création de l'action",
                "reported_by": reported_by, "today": today})
            if first is None:  # creation_errors' checks, passed above: never, unless the two drift apart
                raise ValidationError("Aucune action n'a été créée : corrigez les champs signalés.", errors)
            append_updates(cur, actor, [replace(first, action_id=ids[t]) for t in titles])
    return [ids[t] for t in titles]


def amounts_added(fields: dict[str, Any], titles: list[str]) -> dict[str, Decimal]:
    """Return what creating one action per title adds to the partners' budget totals (€, exact).

    Keys "budget_planned" and "budget_secured", only for the amounts given: each of the non-blank
    ``titles`` gets the whole amount (see :func:`create_actions`), so the total is amount × titles.
    Unreadable amounts are left out (:func:`create_actions` refuses them).
    """
    count = len([t for t in (clean(t) for t in titles) if t])
    read, errors = read_numbers({name: clean(fields.get(name)) for name in NUMBER_FIELDS})
    return {
        name: read[name] * count
        for name in ("budget_planned", "budget_secured")
        if name not in errors and read[name] is not None
    }
