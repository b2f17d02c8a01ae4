"""The clock and the seminar's time zone (issue 12, fault 5): dates are the seminar's local dates, instants
are stored in UTC, whatever the server's own zone.

The examples of the fault: at 00:30 in Paris on 1 October (2026-09-30T22:30Z), on a server set to UTC,
an update dated 1 October was refused as « in the future », the default date filed it in September and a
new action counted as new in September. Each is checked here with its right value, and again around the
two daylight saving time changes of 2026 (29 March and 25 October).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from zoneinfo import ZoneInfo

import pytest

from labo_dash import action_creation, actions, clock, db, french, progress, seminar, settings, updates
from labo_dash.access import ORGANISER, STEERING, Actor
from labo_dash.errors import PermissionDenied, ValidationError
from tests.actions_data import ORGANISER_ACTOR, add_action, add_challenge, add_solution, migrated_copy
from tests.apptest import form_key

PARIS = ZoneInfo("Europe/Paris")
MIDNIGHT_PAST = "2026-09-30T22:30:00Z"  # 00:30 on 1 October in Paris (CEST, UTC+2)


@pytest.fixture
def host_zone(monkeypatch):
    """Return a function setting the host's (process') time zone, restored after the test."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def con(tmp_path, host_zone):
    """An open empty migrated database on a UTC host (the containers' default)."""
    host_zone("UTC")
    connection = db.open_database(migrated_copy(tmp_path))
    yield connection
    connection.close()


@pytest.fixture
def one_action(con):
    """The id of an action created on 1 September 2026 (noon UTC), never updated."""
    solution = add_solution(con, add_challenge(con, "Défi", {1: 1.0}), "Solution")
    return add_action(con, solution, "Action suivie", created="2026-09-01T12:00:00")


# --- the clock ---------------------------------------------------------------------------------------


def test_now_is_an_aware_utc_instant():
    before = dt.datetime.now(dt.UTC)
    now = clock.now()
    assert now.utcoffset() == dt.timedelta(0)
    assert before <= now <= dt.datetime.now(dt.UTC)


def test_frozen_clock_stands_still_and_nests():
    with clock.frozen(MIDNIGHT_PAST) as instant:
        assert instant == dt.datetime(2026, 9, 30, 22, 30, tzinfo=dt.UTC)
        assert clock.now() == instant
        with clock.frozen(dt.datetime(2026, 3, 29, 3, 30, tzinfo=PARIS)):
            assert clock.now() == dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)
        assert clock.now() == instant
    assert clock.now() != instant


def test_labo_now_freezes_the_clock_of_a_server(monkeypatch):
    monkeypatch.setenv(clock.NOW_VARIABLE, "2026-10-01T00:30:00+02:00")
    assert clock.now() == dt.datetime(2026, 9, 30, 22, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-10-01T00:30", "n'indique pas son fuseau"),
        ("demain matin", "n'est pas un instant ISO 8601"),
    ],
)
def test_an_instant_without_zone_or_not_an_instant_is_refused_in_french(text, message):
    with pytest.raises(ValidationError, match=message):
        clock.parse_instant(text)


# --- today, local dates and months ------------------------------------------------------------------------


def test_today_is_the_seminars_date_not_the_servers(con):
    with clock.frozen(MIDNIGHT_PAST):
        assert dt.date.today() == dt.datetime.now().date()  # the host is on UTC...
        assert time.strftime("%Z") == "UTC"
        assert clock.today(con) == dt.date(2026, 10, 1)  # ...the seminar is in Paris
        assert clock.local_now(con) == dt.datetime(2026, 10, 1, 0, 30, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("instant", "local_date", "shown"),
    [
        # 29 March 2026: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
        ("2026-03-28T22:30:00Z", dt.date(2026, 3, 28), "28 mars 2026 à 23h30"),
        ("2026-03-28T23:30:00Z", dt.date(2026, 3, 29), "29 mars 2026 à 0h30"),
        ("2026-03-29T01:30:00Z", dt.date(2026, 3, 29), "29 mars 2026 à 3h30"),
        ("2026-03-31T21:30:00Z", dt.date(2026, 3, 31), "31 mars 2026 à 23h30"),
        ("2026-03-31T22:30:00Z", dt.date(2026, 4, 1), "1er avril 2026 à 0h30"),
        # 25 October 2026: 03:00 CEST becomes 02:00 CET at 01:00 UTC; 02:30 happens twice.
        ("2026-10-25T00:30:00Z", dt.date(2026, 10, 25), "25 octobre 2026 à 2h30"),
        ("2026-10-25T01:30:00Z", dt.date(2026, 10, 25), "25 octobre 2026 à 2h30"),
        ("2026-10-31T22:30:00Z", dt.date(2026, 10, 31), "31 octobre 2026 à 23h30"),
        ("2026-10-31T23:30:00Z", dt.date(2026, 11, 1), "1er novembre 2026 à 0h30"),
        (MIDNIGHT_PAST, dt.date(2026, 10, 1), "1er octobre 2026 à 0h30"),
    ],
)
def test_local_dates_and_months_around_midnight_and_dst(con, instant, local_date, shown):
    with clock.frozen(instant) as now:
        assert clock.today(con) == local_date
        shown_at = clock.local(clock.stored_now(), clock.zone(con))  # a stored instant is UTC
        assert shown_at.astimezone(dt.UTC) == now  # (an ambiguous local time never equals another zone's)
        assert french.datetime(clock.local(now, PARIS)) == shown


def test_the_two_half_past_two_of_the_autumn_change_are_different_instants():
    first = clock.local(dt.datetime(2026, 10, 25, 0, 30), PARIS)
    second = clock.local(dt.datetime(2026, 10, 25, 1, 30), PARIS)
    assert first.time() == second.time() == dt.time(2, 30)
    assert (first.utcoffset(), second.utcoffset()) == (dt.timedelta(hours=2), dt.timedelta(hours=1))


def test_the_programme_slot_running_now_is_read_in_local_time(con):
    slots = seminar.programme(con)
    day = dt.date(2026, 3, 24)
    with clock.frozen("2026-03-24T10:30:00Z"):  # 11h30 in Paris (CET): the morning workshops
        assert seminar.current_slot(slots, day, clock.local_now(con)) == 5
    with clock.frozen("2026-03-24T23:30:00Z"):  # 0h30 on 25 March in Paris: the day is over
        assert seminar.current_slot(slots, day, clock.local_now(con)) is None


# --- instants are stored in UTC ------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["UTC", "Pacific/Auckland", "America/Cayenne"])
def test_current_timestamp_defaults_are_stored_in_utc_whatever_the_host(tmp_path, host_zone, host):
    host_zone(host)
    con = db.open_database(migrated_copy(tmp_path))
    try:
        before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        with db.transaction(con) as cur:
            cur.execute("INSERT INTO audit_log (actor, role, entity, operation) VALUES ('x', 'x', 'x', 'x')")
        stored = con.execute("SELECT logged_at FROM audit_log").fetchone()[0]
        after = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        assert before <= stored <= after
        assert con.cursor().execute("SELECT current_setting('TimeZone')").fetchone()[0] == "UTC"
    finally:
        con.close()


def test_a_stored_instant_reads_back_as_utc_and_shows_in_local_time(con, one_action):
    with clock.frozen(MIDNIGHT_PAST):
        update_id = updates.record_update(
            con, ORGANISER_ACTOR, one_action, reported_on=clock.today(con), status="en_cours",
            progress_value=10, today=clock.today(con),
        )
    recorded = updates.history(con, one_action).set_index("id").loc[update_id, "reported_on"]
    assert recorded.date() == dt.date(2026, 10, 1)
    con.execute("UPDATE progress_updates SET recorded_at = ? WHERE id = ?",
                [clock.parse_instant(MIDNIGHT_PAST).replace(tzinfo=None), update_id])
    stored = updates.history(con, one_action).set_index("id").loc[update_id, "recorded_at"]
    assert stored == dt.datetime(2026, 9, 30, 22, 30)
    assert french.datetime(clock.local(stored, clock.zone(con))) == "1er octobre 2026 à 0h30"


# --- the examples of the fault ------------------------------------------------------------------------


def test_an_update_dated_today_just_after_local_midnight_is_accepted(con, one_action):
    with clock.frozen(MIDNIGHT_PAST):
        today = clock.today(con)
        update_id = updates.record_update(
            con, ORGANISER_ACTOR, one_action, reported_on=dt.date(2026, 10, 1), status="en_cours",
            progress_value=20, today=today,
        )
    assert updates.history(con, one_action)["id"].tolist() == [update_id]
    with clock.frozen(MIDNIGHT_PAST), pytest.raises(ValidationError) as refused:
        updates.record_update(con, ORGANISER_ACTOR, one_action, reported_on=dt.date(2026, 10, 2),
                              status="en_cours", progress_value=30, today=clock.today(con))
    assert refused.value.fields["reported_on"] == "Date du point : 2 octobre 2026 est dans le futur."


def test_an_action_created_just_after_local_midnight_is_created_on_the_local_date(con, one_action):
    solution = con.execute("SELECT solution_id FROM actions WHERE id = ?", [one_action]).fetchone()[0]
    with clock.frozen(MIDNIGHT_PAST):
        [created] = action_creation.create_actions(
            con, ORGANISER_ACTOR, solution, ["Créée à minuit et demie"], {}, reported_on=clock.today(con),
            reported_by=None, today=clock.today(con),
        )
    stored = con.execute("SELECT created_at FROM actions WHERE id = ?", [created]).fetchone()[0]
    assert stored == dt.datetime(2026, 9, 30, 22, 30)  # UTC
    states = progress.action_states(con, dt.date(2026, 10, 1)).set_index("id")
    assert states.loc[created, "created_on"].date() == dt.date(2026, 10, 1)


def test_overdue_uses_the_local_date(con):
    solution = add_solution(con, add_challenge(con, "Défi", {1: 1.0}), "Solution")
    due_yesterday = add_action(con, solution, "Échéance au 30 septembre", [("2026-09-01", "en_cours", 10)],
                               due_date="2026-09-30")
    with clock.frozen(MIDNIGHT_PAST):
        table = actions.tracker(con, clock.today(con)).set_index("id")
    assert bool(table.loc[due_yesterday, "overdue"]) is True  # 1 October in Paris: one day late
    with clock.frozen("2026-09-30T21:30:00Z"):  # 23:30 on 30 September in Paris: due today
        table = actions.tracker(con, clock.today(con)).set_index("id")
    assert bool(table.loc[due_yesterday, "overdue"]) is False


# --- the setting ----------------------------------------------------------------------------------------


def test_the_default_zone_is_paris(con):
    assert clock.zone_name(con) == "Europe/Paris"
    assert clock.zone(con) == PARIS


def test_changing_the_zone_changes_today_and_is_audited(con):
    with clock.frozen(MIDNIGHT_PAST):
        assert clock.today(con) == dt.date(2026, 10, 1)
        assert settings.set_setting(con, ORGANISER_ACTOR, "time_zone", "America/Cayenne") is True
        assert clock.today(con) == dt.date(2026, 9, 30)  # 19:30 on 30 September in Cayenne (UTC-3)
        assert french.datetime(clock.local_now(con)) == "30 septembre 2026 à 19h30"
    log = db.query(con, "SELECT actor, entity, before, after FROM audit_log WHERE entity = 'settings'")
    assert [(r["actor"], json.loads(r["before"]), json.loads(r["after"])) for r in log] == [
        ("Test organisatrice", {"time_zone": "Europe/Paris"}, {"time_zone": "America/Cayenne"})
    ]


@pytest.mark.parametrize("value", ["Europe/Pariss", "Mars/Olympus_Mons", "", "UTC+2", True])
def test_an_unknown_zone_is_refused_in_french_and_writes_nothing(con, value):
    audit_before = db.query(con, "SELECT count(*) AS n FROM audit_log")[0]["n"]
    with pytest.raises(ValidationError) as refused:
        settings.set_setting(con, ORGANISER_ACTOR, "time_zone", value)
    assert str(refused.value).startswith("Valeur refusée pour « Fuseau horaire du séminaire » : ")
    assert "Rien n'a été modifié." in str(refused.value)
    assert db.query(con, "SELECT count(*) AS n FROM settings")[0]["n"] == 0
    assert db.query(con, "SELECT count(*) AS n FROM audit_log")[0]["n"] == audit_before
    assert clock.zone_name(con) == "Europe/Paris"


def test_only_organisers_change_the_zone(con):
    with pytest.raises(PermissionDenied):
        settings.set_setting(con, Actor(STEERING, "Comité"), "time_zone", "America/Cayenne")
    assert settings.set_setting(con, Actor(ORGANISER, "Marie"), "time_zone", "Europe/Paris") is False
    assert clock.zone_name(con) == "Europe/Paris"


def test_zone_data_is_available_on_this_machine():
    assert "Europe/Paris" in settings.time_zones() and "America/Cayenne" in settings.time_zones()
    assert os.path.isdir("/usr/share/zoneinfo") or __import__("tzdata")


# --- the pages ------------------------------------------------------------------------------------------


def test_the_forms_default_date_is_the_local_date(demo_db, monkeypatch, host_zone):
    from streamlit.testing.v1 import AppTest

    host_zone("UTC")
    monkeypatch.setenv("LABO_DB", str(demo_db))
    try:
        with clock.frozen(MIDNIGHT_PAST):
            at = AppTest.from_file("../app.py", default_timeout=90)
            at.query_params["action"] = "2"
            at.switch_page("pages/actions.py")
            at.run()
            assert not at.exception, [e.value for e in at.exception]
            assert at.date_input(key=f"{form_key(at, 'update_2_')}_date").value == dt.date(2026, 10, 1)
            at.session_state["actions_tab"] = "📋 Tableau de suivi"  # only the open tab runs
            at.run()
            assert at.date_input(key="table_reported_on").value == dt.date(2026, 10, 1)
    finally:
        db.close(demo_db)


def test_organisers_change_the_zone_on_admin(demo_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("LABO_DB", str(demo_db))
    try:
        with clock.frozen(MIDNIGHT_PAST):
            at = AppTest.from_file("../app.py", default_timeout=90)
            at.query_params["onglet"] = "Accès"
            at.switch_page("pages/admin.py")
            at.run()
            assert not at.exception, [e.value for e in at.exception]
            zone = at.selectbox(key="setting_time_zone")
            assert zone.value == "Europe/Paris"
            captions = " ".join(c.value for c in at.caption)
            assert "Dans le fuseau Europe/Paris, nous sommes le 1er octobre 2026 à 0h30." in captions
            zone.set_value("America/Cayenne")
            at.button(key="FormSubmitter:access-settings-Enregistrer").click()
            at.run()
            assert not at.exception and [s.value for s in at.success] == ["Réglages enregistrés."]
            captions = " ".join(c.value for c in at.caption)
            assert "Dans le fuseau America/Cayenne, nous sommes le 30 septembre 2026 à 19h30." in captions
            assert clock.today(db.connect(demo_db)) == dt.date(2026, 9, 30)
    finally:
        db.close(demo_db)
