"""Table column widths: what a 1920 px screen shows of the action table without scrolling sideways."""

from __future__ import annotations

import datetime as dt

from labo_dash.ui.actions import TABLE_COLUMNS, column_config, flags

# Streamlit's named widths (px), and the grid's width at 1920 px beside the open menu (measured), and at
# 390 px (a phone: the page's 16 px margins).
NAMED = {"small": 75, "medium": 200, "large": 400}
GRID_AT_1920 = 1458
GRID_AT_390 = 358
CELL_PADDING = 17  # px, left and right of a cell's text


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


def test_the_alerts_are_whole_even_all_three_at_once():
    """The « Alertes » column (180 px) cut « 💤 pas de point depuis le 20 novembre 2026 » (258 px of text)
    and any two alerts. All three now read « ⏰ en retard · ⚠️ statut ≠ % · 💤 sans point »: 250 px of
    text in the grid's font (Source Sans, 14 px; measured in Chromium)."""
    every = flags(True, "Le statut « Terminée » suppose 100 %.", True, dt.date(2026, 11, 20))
    assert every == "⏰ en retard · ⚠️ statut ≠ % · 💤 sans point"
    config = column_config()
    assert config["flags"]["width"] >= 250 + CELL_PADDING
    assert "sans point" in config["flags"]["help"]


def test_a_phone_can_scroll_the_action_table():
    """At 390 px the pinned « N° » and « Intitulé » (375 px) filled the whole grid (358 px): nothing else
    could be scrolled into view. What is pinned leaves at least 200 px to scroll through."""
    config = column_config()
    pinned = [NAMED.get(c["width"], c["width"]) for c in config.values() if c.get("pinned")]
    assert GRID_AT_390 - sum(pinned) >= 200
