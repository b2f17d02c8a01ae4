"""Filters, sort orders and « mes actions » of the action table, on the demo's follow-up (29/11/2026)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from labo_dash import action_filters, actions, db
from labo_dash.action_filters import Filters

TODAY = dt.date(2026, 11, 29)
SANDRINE = "Sandrine Lacombe (Région Occitanie)"


@pytest.fixture
def table(con):
    return actions.tracker(con, TODAY)


def ids(frame: pd.DataFrame) -> set[int]:
    return set(frame["id"])


def test_no_filter_keeps_every_action_and_the_attrs(table):
    view = action_filters.apply(table, Filters())
    assert ids(view) == ids(table) and view.attrs == table.attrs


def test_pilot_filter(table):
    view = action_filters.apply(table, Filters(pilots=(SANDRINE,)))
    assert len(view) > 1 and set(view["pilot_person"]) == {"Sandrine Lacombe"}
    assert ids(view) == ids(table[table["pilot_person"] == "Sandrine Lacombe"])
    assert SANDRINE in action_filters.pilots(table)


def test_objective_filter_follows_the_defis_weights(con, table):
    linked = {r["id"] for r in db.query(
        con,
        "SELECT a.id FROM actions a JOIN solutions s ON s.id = a.solution_id "
        "JOIN challenge_objectives co ON co.challenge_id = s.challenge_id "
        "JOIN objectives o ON o.id = co.objective_id WHERE o.number = 4 AND co.weight > 0",
    )}
    view = action_filters.apply(table, Filters(objectives=(4,)))
    assert 0 < len(view) < len(table) and ids(view) == linked


def test_defi_and_status_filters_combine(table):
    challenge = table["challenge"].iloc[0]
    view = action_filters.apply(table, Filters(challenges=(challenge,), statuses=("en_cours", "en_pause")))
    expected = table[(table["challenge"] == challenge) & table["status"].isin(["en_cours", "en_pause"])]
    assert len(view) > 0 and ids(view) == ids(expected)


def test_due_date_range_includes_both_ends_and_leaves_out_undated(table):
    view = action_filters.apply(table, Filters(due_from=dt.date(2026, 10, 31), due_to=dt.date(2026, 12, 15)))
    dates = {d.date() for d in view["due_date"]}
    assert dt.date(2026, 10, 31) in dates and dt.date(2026, 12, 15) in dates
    assert all(dt.date(2026, 10, 31) <= d <= dt.date(2026, 12, 15) for d in dates)
    inside = table[(table["due_date"] >= "2026-10-31") & (table["due_date"] <= "2026-12-15")]
    assert ids(view) == ids(inside)


def test_overdue_only_and_alerts(table):
    late = action_filters.apply(table, Filters(overdue=True))
    assert len(late) == 7 and late["overdue"].all()
    alerts = action_filters.apply(table, Filters(alerts=True))
    assert ids(late) <= ids(alerts)
    assert ids(alerts) == ids(table[table["overdue"] | table["stale"] | table["mismatch"].notna()])


@pytest.mark.parametrize("who", ["Sandrine Lacombe", "sandrine  LACOMBE", "Région Occitanie"])
def test_mine_is_what_a_person_or_structure_leads(table, who):
    view = action_filters.apply(table, Filters(involving=who))
    led = table[table["pilot_structure"] == "Région Occitanie"] if who.startswith("R") else \
        table[table["pilot_person"] == "Sandrine Lacombe"]
    assert ids(led) <= ids(view) and len(led) > 0


def test_mine_includes_what_a_structure_contributes_to(table):
    view = action_filters.apply(table, Filters(involving="avise"))
    contributes = table["contributors"].fillna("").str.split(",").map(lambda names: "Avise" in
                                                                      [n.strip() for n in names])
    expected = table[contributes | (table["pilot_structure"] == "Avise")]
    assert len(expected) > len(table[table["pilot_structure"] == "Avise"]) > 0
    assert ids(view) == ids(expected)
    assert "Avise" in action_filters.people(table) and "Hélène Marchand" in action_filters.people(table)
    assert action_filters.apply(table, Filters(involving="Helene Marchand")).shape[0] > 0  # accents aside


def test_sorts(table):
    by_due = action_filters.apply(table, Filters(), "due_date")
    dated = by_due["due_date"].dropna()
    assert dated.is_monotonic_increasing
    assert by_due["due_date"].iloc[: len(dated)].notna().all()  # undated last
    assert action_filters.apply(table, Filters(), "due_date", descending=True)["due_date"].dropna() \
        .is_monotonic_decreasing
    late_first = action_filters.apply(table, Filters(), "overdue")
    assert late_first["overdue"].tolist() == sorted(table["overdue"], reverse=True)
    by_status = action_filters.apply(table, Filters(), "status")["status"].tolist()
    assert by_status == sorted(by_status, key=action_filters.STATUS_ORDER.index)
    by_pilot = action_filters.apply(table, Filters(), "pilot")["pilot_person"].tolist()
    assert by_pilot[0] == "Aminata Koné"
    assert by_pilot.index("Yannick Le Bihan") > by_pilot.index("Hélène Marchand")
    by_objective = action_filters.apply(table, Filters(), "objective")["objectives"].tolist()
    assert [min(o) for o in by_objective] == sorted(min(o) for o in by_objective)


def test_default_sort_keeps_the_trackers_order_and_descending_reverses_it(table):
    assert action_filters.apply(table, Filters())["id"].tolist() == table["id"].tolist()
    reverse = action_filters.apply(table, Filters(), "challenge", descending=True)["id"].tolist()
    assert reverse == table["id"].tolist()[::-1]
