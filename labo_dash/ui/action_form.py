"""The one form of an action's fields (:data:`labo_dash.actions.FIELDS`), laid out for both of its uses.

Creating actions from a solution (``per_action``: each new action receives the amounts, volunteers may be
picked) and editing one action's card use the same widgets, labels and keys (``{key}_{suffix}``, suffixes
in :data:`KEYS`), with a slot under every field for its refusal (:func:`labo_dash.ui.feedback.show_errors`).
A refused form keeps what was typed: the keys only change (a new form version) once a save succeeded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import streamlit as st

from labo_dash import actions, parsing

# The widget key's suffix of each field (tests and the browser reach the widgets by it).
KEYS = {
    "title": "title", "description": "d", "pilot_structure": "ps", "pilot_person": "pp", "contributors": "co",
    "funders": "fu", "budget_planned": "bp", "budget_secured": "bs", "start_date": "start", "due_date": "due",
    "next_step": "ns", "weight": "w",
}
# Two columns, left then right, below the title and the description (full width).
ROWS = (
    ("pilot_structure", "pilot_person"),
    ("contributors", "funders"),
    ("start_date", "due_date"),
    ("budget_planned", "budget_secured"),
    ("next_step", "weight"),
)
DATES = ("start_date", "due_date")
BUDGETS = ("budget_planned", "budget_secured")
EACH = ("Chaque action créée reçoit ce montant : avec plusieurs intitulés, le total est affiché "
        "et à confirmer avant l'enregistrement.")
EXAMPLES = {"budget_planned": "ex. 45 000", "budget_secured": "ex. 10 000"}


def typed(name: str, current: Mapping[str, Any]) -> Any:
    """Return the widget's initial value of field ``name`` from a stored action (``{}`` for a new one).

    Budgets as ``45 000,00 €`` and the weight as ``1,5`` (read back exactly by :mod:`labo_dash.parsing`),
    dates as ``date`` or None, text as ``str`` ("" when blank).
    """
    value = current.get(name)
    if name in BUDGETS:
        return parsing.typed_amount(value)
    if name == "weight":
        return parsing.typed(value)
    if name in DATES:
        return value
    return value or ""


def _input(where: Any, name: str, key: str, value: Any, per_action: bool) -> str | dt.date | None:
    """Draw the input of one field in ``where`` (a column) and return its value as typed."""
    label = actions.FIELDS[name][0]
    if name in DATES:
        return where.date_input(label, value=value, format="DD/MM/YYYY", key=key)
    if name in BUDGETS:
        if per_action:
            return where.text_input(f"{label} par action (€)", value=value, key=key,
                                    placeholder=EXAMPLES[name], help=EACH)
        return where.text_input(f"{label} (€)", value=value, key=key)
    if name == "weight":
        return where.text_input("Poids (vide = 1)", value=value, placeholder="1", key=key)
    return where.text_input(label, value=value, key=key)


def _contributors(where: Any, key: str, volunteers: list[str]) -> str:
    """Draw the volunteers chooser and the other contributors; return them as one text, comma-separated."""
    chosen = where.multiselect(
        "Volontaires à associer", volunteers, key=f"{key}_volunteers", select_all=False,
        placeholder="Volontaires du vote de clôture" if volunteers else "Aucun·e volontaire",
    )
    others = where.text_input("Autres contributeur·ice·s", key=f"{key}_{KEYS['contributors']}").strip()
    return ", ".join([*chosen, *([others] if others else [])])


def field_inputs(
    key: str, current: Mapping[str, Any], *, volunteers: list[str] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Draw the inputs of every action field but the title, inside the caller's ``st.form``.

    ``current`` is the stored action's fields (:meth:`labo_dash.actions.Action.fields`) or ``{}`` for new
    actions; ``volunteers`` (names) is given when creating actions: the amounts are then per action and
    the contributors are picked among the volunteers plus others. Returns (values as typed, by field name;
    slots: an ``st.empty`` under each field, by field name).
    """
    per_action = volunteers is not None
    description = "Description commune (facultatif)" if per_action else actions.FIELDS["description"][0]
    values: dict[str, Any] = {"description": st.text_area(
        description, value=typed("description", current), height=70, key=f"{key}_{KEYS['description']}"
    )}
    slots = {"description": st.empty()}
    for pair in ROWS:
        for name, where in zip(pair, st.columns(2), strict=True):
            if name == "contributors" and volunteers is not None:
                values[name] = _contributors(where, key, volunteers)
            else:
                values[name] = _input(where, name, f"{key}_{KEYS[name]}", typed(name, current), per_action)
            slots[name] = where.empty()
    return values, slots
