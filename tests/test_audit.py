"""Reading, filtering and exporting the audit log (organisers only)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pytest

from labo_dash import audit, db, rounds, settings
from labo_dash.access import ORGANISER, PARTNER, STEERING, Actor
from labo_dash.errors import PermissionDenied

MARIE = Actor(ORGANISER, "Marie Lefèvre")
PAUL = Actor(STEERING, "Paul Martin")
NQ, QN = "«\u202f", "\u202f»"  # French guillemets around a text value


@pytest.fixture
def logged(con):
    """A demo database with four known audit entries (two on one day, two on another)."""
    with db.transaction(con) as cur:
        db.audit(cur, MARIE, "action", 3, "update", {"title": "Ancien", "due_date": "2026-05-01"},
                 {"title": "Nouveau", "due_date": "2026-05-01"})
        db.audit(cur, PAUL, "progress_update", 150, "create", None,
                 {"action_id": 3, "status": "en_cours", "progress": 40})
        db.audit(cur, MARIE, "finding", 7, "delete", {"text": "Un constat"}, None)
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
    assert (first["actor"], first["role"], first["entity"], first["record"], first["operation"]) == (
        "Marie Lefèvre", "Organisateur·ice", "Action", "Action n° 3", "Modification")
    assert first["changes"] == f"Intitulé : {NQ}Ancien{QN} → {NQ}Nouveau{QN}"
    created = frame[frame["entity_code"] == "progress_update"].iloc[0]
    assert created["entity"] == "Point d'avancement"
    assert created["changes"] == "Action : n° 3 · Statut : En cours · Avancement : 40\u00a0%"
    assert created["role"] == "Comité de pilotage"
    deleted = frame[frame["entity_code"] == "finding"].iloc[0]
    assert deleted["changes"] == f"Texte : {NQ}Un constat{QN} → supprimé"
    assert deleted["operation"] == "Suppression"
    setting = frame[frame["entity_code"] == "settings"].iloc[0]
    assert setting["record"] == "Réglages", "no « Identifiant None »"
    assert setting["changes"] == "Projection en direct ouverte à tou·te·s : non → oui"


def test_every_entity_and_operation_written_by_the_app_has_a_french_name():
    written = set()
    for path in Path(audit.__file__).parent.rglob("*.py"):  # the feature packages too (rounds/, imports/)
        for call in re.finditer(r"db\.audit\(\s*cur, [^,]+, \"(\w+)\", [^,]+, \"(\w+)\"", path.read_text()):
            written.add(call.groups())
    assert len(written) > 30, "the calls are found"
    for entity, operation in written:
        assert entity in audit.ENTITIES and operation in audit.OPERATIONS, (entity, operation)
    for status in rounds.STATUSES:  # rounds.set_status logs the new status as the operation
        assert status in audit.OPERATIONS, status


def test_values_in_french_words():
    def text(entity, field, value):
        return audit.value_text(entity, field, value, "Europe/Paris")

    assert text("rounds", "status", "closed") == "Clos" and text("action", "status", "en_cours") == "En cours"
    assert text("contribution", "status", "rejected") == "non retenue"
    assert text("rounds", "results_visibility", "hidden") == "Masqués jusqu'à la révélation"
    assert text("rounds", "revealed", True) == "oui" and text("action", "due_date", None) == "vide"
    assert text("action", "budget_planned", 45000) == "45\u00a0000,00\u00a0€"
    assert text("action", "due_date", "2026-05-01") == "1er mai 2026"
    assert text("rounds", "closes_at", "2026-10-05 22:30:00") == "6 octobre 2026 à 0h30", "UTC to Paris"
    assert text("rounds", "items", [4, 5]) == "n° 4, 5"
    assert text("finding", "kind", "levier") == "Levier"
    assert audit.operation_label("closed") == "Clôture" and audit.field_label("progress") == "Avancement"


def test_each_record_links_to_its_page():
    assert audit.record_link("action", 3, None, None) == ("pages/actions.py", {"action": "3"})
    point = '{"action_id": 7, "status": "en_cours"}'
    assert audit.record_link("progress_update", 150, None, point) == ("pages/actions.py", {"action": "7"})
    assert audit.record_link("rounds", 2, None, None) == ("pages/resultats.py", {"tour": "2"})
    assert audit.record_link("review", 4, None, '{"month": "2026-10-01"}') == ("pages/suivi.py",
                                                                              {"mois": "2026-10"})
    assert audit.record_link("settings", None, None, None) == ("pages/admin.py", {"onglet": "Accès"})
    pages = Path(audit.__file__).parent.parent
    for entity in audit.ENTITIES:
        link = audit.record_link(entity, 1, '{"action_id": 1, "round_id": 1}', None)
        assert link is None or (pages / link[0]).exists(), entity


def test_filters(logged):
    def ids(**kwargs) -> list[int]:
        return sorted(audit.audit_log(logged, MARIE, audit.AuditFilter(**kwargs))["entity_id"].dropna())

    assert ids(entities=("action", "finding")) == [3, 7]
    assert ids(operations=("create",)) == [150]
    assert ids(who="lefevre") == [3, 7], "accents and case do not matter"
    assert ids(since=dt.date(2026, 10, 5), until=dt.date(2026, 10, 5)) == [3, 7, 150]
    assert ids(since=dt.date(2026, 10, 6), until=dt.date(2026, 10, 31)) == []
    assert audit.entities(logged) == ["action", "finding", "progress_update", "settings"], "by French name"
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


def test_the_admin_tab_shows_the_log_in_french_words(logged, demo_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    logged.close()  # the page opens the file itself
    monkeypatch.setenv("LABO_DB", str(demo_db))
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params["onglet"] = "Journal des modifications"
    at.switch_page("pages/admin.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(df.value for df in at.dataframe if "logged_at" in df.value.columns)
    assert list(table.columns) == ["id", "logged_at", "actor", "role", "entity", "record", "operation",
                                   "changes"]
    assert set(table["entity"]) == {"Action", "Point d'avancement", "Constat", "Réglages"}
    assert "Statut : En cours" in " ".join(table["changes"]) and "None" not in " ".join(table["record"])
    assert any("Cochez une ligne" in c.value for c in at.caption)


def test_numbers_logged_as_text_are_written_as_numbers():
    assert audit.value_text("action", "budget_planned", "45000.00") == "45\u00a0000,00\u00a0€"
    assert audit.value_text("progress_update", "progress", "40") == "40\u00a0%"
    assert audit.value_text("action", "weight", 0.5) == "0,5"
    assert audit.value_text("action", "budget_planned", "beaucoup") == "«\u202fbeaucoup\u202f»"  # as text
