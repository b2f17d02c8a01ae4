"""Cross-filtering of the signature views: a click on a défi, an objective or a weight cell becomes the
section's filter (kept in session state); a second click on the same item, or « Tout afficher », removes it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from labo_dash import charts, seminar

EMPTY = {"challenge": None, "objective": None}


def current(key: str) -> dict[str, int | None]:
    """Return the filter of the section ``key``: the défi id and the objective number (None = all)."""
    return st.session_state.setdefault(f"{key}-filter", dict(EMPTY))


def _on_pick(key: str, widget: str, param: str) -> None:
    chosen = dict(current(key))
    point = (st.session_state[widget]["selection"].get(param) or [{}])[0]
    if param == "defi":
        value = point.get("challenge_id")
        chosen["challenge"] = None if value == chosen["challenge"] else value
    elif param == "objectif":
        value = point.get("objective_number")
        chosen["objective"] = None if value == chosen["objective"] else value
    else:
        picked = {"challenge": point.get("challenge_id"), "objective": point.get("objective_number")}
        chosen = dict(EMPTY) if picked == chosen else picked
    st.session_state[f"{key}-filter"] = chosen


def _clear(key: str) -> None:
    st.session_state[f"{key}-filter"] = dict(EMPTY)


def clickable(spec: dict, key: str, view: str, param: str, description: str) -> None:
    """Show a chart spec whose ``param`` selection (defi, objectif or cellule) sets the section's filter.

    The widget key changes with the filter, so the chart restarts unselected and every click counts.
    """
    chosen = current(key)
    widget = f"{key}-{view}-{chosen['challenge']}-{chosen['objective']}"
    st.vega_lite_chart(
        spec,
        width="stretch",
        key=widget,
        selection_mode=param,
        alt=description,
        on_select=functools.partial(_on_pick, key, widget, param),
    )


def notice(key: str, bars: pd.DataFrame, objectives: Sequence[seminar.Objective]) -> None:
    """Say what the section is filtered on, with a button to show everything again (or how to filter)."""
    chosen = current(key)
    if chosen == EMPTY:
        st.caption(
            "Cliquez sur un défi, sur un objectif ou sur une case des poids pour filtrer les autres vues."
        )
        return
    parts = []
    if chosen["challenge"] is not None:
        titles = bars.loc[bars["challenge_id"] == chosen["challenge"], "challenge"]
        parts.append(f"défi « {titles.iloc[0]} »" if len(titles) else "un défi")
    if chosen["objective"] is not None:
        found = [o.short_label for o in objectives if o.number == chosen["objective"]]
        parts.append(f"objectif {charts.objective_label(chosen['objective'], found[0] if found else '')}")
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.info(
        "Filtre : " + " et ".join(parts) + ". Cliquez de nouveau sur l'élément pour le retirer.", icon="🔎"
    )
    right.button("Tout afficher", key=f"{key}-clear", on_click=_clear, args=(key,), width="stretch")
