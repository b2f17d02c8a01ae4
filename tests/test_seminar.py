"""The seminar's programme: which slot is running now."""

import datetime as dt

from labo_dash import db, seminar


def test_current_slot_only_on_the_day(fresh_db):
    con = db.open_database(fresh_db)
    slots = seminar.programme(con)
    con.close()
    day = dt.date(2026, 3, 24)
    assert seminar.current_slot(slots, day, dt.datetime(2026, 3, 24, 12, 10)) == 6
    assert seminar.current_slot(slots, day, dt.datetime(2026, 3, 24, 11, 0)) == 5
    assert seminar.current_slot(slots, day, dt.datetime(2026, 3, 24, 16, 30)) is None
    assert seminar.current_slot(slots, day, dt.datetime(2026, 3, 25, 12, 10)) is None
    assert seminar.current_slot(slots, None, dt.datetime(2026, 3, 24, 12, 10)) is None


def test_key_figures_of_an_empty_seminar(fresh_db):
    con = db.open_database(fresh_db)
    figures = seminar.key_figures(con, dt.date(2026, 11, 26))
    con.close()
    assert figures.participants == 0 and figures.actions.total == 0
    assert figures.actions.by_status == {}
