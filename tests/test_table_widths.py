"""Table column widths: what a 1920 px screen shows of the action table without scrolling sideways."""

from __future__ import annotations

from labo_dash.ui.actions import TABLE_COLUMNS, column_config

# Streamlit's named widths (px), and the grid's width at 1920 px beside the open menu (measured).
NAMED = {"small": 75, "medium": 200, "large": 400}
GRID_AT_1920 = 1458


def test_the_action_table_shows_its_columns_up_to_the_due_date_at_1920_px():
    config = column_config()
    shown = ["_index", *TABLE_COLUMNS[: TABLE_COLUMNS.index("due_date") + 1]]
    widths = {name: config[name].get("width") for name in shown}
    assert all(widths.values()), f"a width for each: {widths}"
    assert sum(NAMED.get(w, w) for w in widths.values()) <= GRID_AT_1920


def test_statuses_and_dates_are_not_cut():
    config = column_config()
    # « Abandonnée » needs 110 px; « 31 déc. 2026 » and the header « Dernier point » 95 to 105.
    assert config["status"]["width"] >= 110
    assert all(config[name]["width"] >= 95 for name in ["last_update", "start_date", "due_date"])
