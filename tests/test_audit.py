"""Reading, filtering and exporting the audit log (organisers only)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from labo_dash import audit, db, settings
from labo_dash.access import ORGANISER, PARTNER, STEERING, Actor
from labo_dash.errors import PermissionDenied

MARIE = Actor(ORGANISER, "Marie Lefèvre")
PAUL = Actor(STEERING, "Paul Martin")


@pytest.fixture
def logged(con):
    """A demo database with four known audit entries (two on one day, two on another)."""
    with db.transaction(con) as cur:
        db.audit(cur, MARIE, "actions", 3, "update", {"title": "Ancien", "due_date": "2026-05-01"},
                 {"title": "Nouveau", "due_date": "2026-05-01"})
        db.audit(cur, PAUL, "progress_update", 150, "create", None, {"status": "en_cours", "progress": 40})
        db.audit(cur, MARIE, "findings", 7, "delete", {"text": "Un constat"}, None)
        cur.execute("UPDATE audit_log SET logged_at = TIMESTAMP '2026-10-05 07:30:00'")  # UTC: 9h30 in Paris
    settings.set_setting(con, MARIE, "public_projection", True)
    return con


def test_only_organisers_read_the_log(logged):
    for actor in (PAUL, Actor(PARTNER, "Ana")):
        with pytest.raises(PermissionDenied):
            audit.audit_log(logged, actor)
    assert len(audit.audit_log(logged, MARIE)) == audit.count(logged) == 4


def test_entries_newest_first_with_french_labels_and_changes(logged):
    frame = audit.audit_log(logged, MARIE)
    assert list(frame["id"]) == sorted(frame["id"], reverse=True)
    first = frame.iloc[-1]
    assert (first["actor"], first["role"], first["entity"], first["operation"]) == (
        "Marie Lefèvre", "Organisateur·ice", "actions", "Modification")
    assert first["changes"] == "title : Ancien → Nouveau"
    created = frame[frame["entity"] == "progress_update"].iloc[0]
    assert created["changes"] == "status : en_cours · progress : 40"
    assert created["role"] == "Comité de pilotage"
    deleted = frame[frame["entity"] == "findings"].iloc[0]
    assert deleted["changes"] == "text : Un constat → supprimé" and deleted["operation"] == "Suppression"


def test_filters(logged):
    def ids(**kwargs) -> list[int]:
        return sorted(audit.audit_log(logged, MARIE, audit.AuditFilter(**kwargs))["entity_id"].dropna())

    assert ids(entities=("actions", "findings")) == [3, 7]
    assert ids(operations=("create",)) == [150]
    assert ids(who="lefevre") == [3, 7], "accents and case do not matter"
    assert ids(since=dt.date(2026, 10, 5), until=dt.date(2026, 10, 5)) == [3, 7, 150]
    assert ids(since=dt.date(2026, 10, 6), until=dt.date(2026, 10, 31)) == []
    assert audit.entities(logged) == ["actions", "findings", "progress_update", "settings"]
    assert len(audit.audit_log(logged, MARIE, limit=2)) == 2


def test_times_are_local_and_the_period_is_of_local_dates(logged):
    with db.transaction(logged) as cur:  # 22:30 UTC on 5 October is 0h30 on 6 October in Paris
        cur.execute("UPDATE audit_log SET logged_at = TIMESTAMP '2026-10-05 22:30:00' WHERE entity_id = 7")
    def on(day: dt.date) -> audit.AuditFilter:
        return audit.AuditFilter(since=day, until=day)

    frame = audit.audit_log(logged, MARIE, on(dt.date(2026, 10, 6)))
    assert list(frame["entity_id"]) == [7]
    assert frame["logged_at"].iloc[0] == dt.datetime(2026, 10, 6, 0, 30)
    settings.set_setting(logged, MARIE, "time_zone", "America/Cayenne")  # 19h30 on 5 October there
    frame = audit.audit_log(logged, MARIE, on(dt.date(2026, 10, 5)))
    assert sorted(frame["entity_id"]) == [3, 7, 150]
    assert frame.set_index("entity_id").loc[7, "logged_at"] == dt.datetime(2026, 10, 5, 19, 30)


def test_csv_and_excel_exports(logged):
    frame = audit.audit_log(logged, MARIE)
    text = audit.to_csv(frame).decode("utf-8-sig")
    header = text.splitlines()[0].split(";")
    assert header == list(audit.COLUMNS.values())
    assert "05/10/2026 09:30:00" in text and "Marie Lefèvre" in text
    sheet = openpyxl.load_workbook(io.BytesIO(audit.to_xlsx(frame)))["Journal"]
    assert [c.value for c in sheet[1]] == list(audit.COLUMNS.values())
    assert sheet.max_row == len(frame) + 1
    last = [c.value for c in sheet[sheet.max_row]]
    assert last[1] == dt.datetime(2026, 10, 5, 9, 30) and last[2] == "Marie Lefèvre"
