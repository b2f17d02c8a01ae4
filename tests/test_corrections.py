"""Withdrawing or replacing a wrong progress point (labo_dash/corrections.py, domain brief §5)."""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.strategies import text as hypothesis_text

from labo_dash import actions, corrections, db, demo, progress, updates
from labo_dash.access import PARTNER, Actor
from labo_dash.errors import ImportRejected, NotFound, PermissionDenied, ValidationError
from labo_dash.imports import actions as actions_import
from labo_dash.reporting import monthly
from labo_dash.reporting.workbook import report_xlsx
from tests.conftest import ROOT, seminar_today
from tests.withdrawal_data import (
    REASON,
    RIGHT,
    STEERING_ACTOR,
    TODAY,
    WITHDRAWN_ON,
    WRONG,
    build,
)


@pytest.fixture
def scenario(tmp_path):
    data = build(tmp_path)
    yield data
    data.con.close()


@pytest.fixture
def unwithdrawn(tmp_path):
    data = build(tmp_path, withdraw=False)
    yield data
    data.con.close()


def counts(con) -> tuple[int, int, int]:
    return con.execute(
        "SELECT (SELECT count(*) FROM progress_updates), (SELECT count(*) FROM progress_withdrawals), "
        "(SELECT count(*) FROM audit_log)"
    ).fetchone()


def test_the_wrong_point_counts_until_it_is_withdrawn(unwithdrawn):
    con, study = unwithdrawn.con, unwithdrawn.study
    assert actions.get_action(con, study).progress == WRONG  # the fault: 90 % everywhere
    before = counts(con)
    corrections.withdraw_update(con, STEERING_ACTOR, unwithdrawn.wrong, REASON, today=WITHDRAWN_ON)
    action = actions.get_action(con, study)
    assert (action.status, action.progress, action.last_update) == (
        "en_cours", RIGHT, dt.date(2026, 9, 20))
    assert counts(con) == (before[0], before[1] + 1, before[2] + 1)  # nothing erased: one record more


def test_withdrawal_is_dated_and_audited_with_its_reason(unwithdrawn):
    con, wrong = unwithdrawn.con, unwithdrawn.wrong
    start = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    corrections.withdraw_update(con, STEERING_ACTOR, wrong, f"  {REASON}  ", today=WITHDRAWN_ON)
    end = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    row = db.query(con, "SELECT * FROM progress_withdrawals WHERE update_id = ?", [wrong])[0]
    assert (row["reason"], row["withdrawn_by"], row["role"], row["withdrawn_on"], row["replaced_by"]) == (
        REASON, "Camille Pilote", "pilotage", WITHDRAWN_ON, None)
    assert start <= row["withdrawn_at"] <= end  # an instant in UTC
    entry = db.query(con, "SELECT * FROM audit_log WHERE operation = 'withdraw'")
    assert len(entry) == 1
    entry = entry[0]
    assert (entry["actor"], entry["role"], entry["entity"], entry["entity_id"]) == (
        "Camille Pilote", "pilotage", "progress_update", wrong)
    assert json.loads(entry["before"])["progress"] == WRONG
    assert json.loads(entry["after"])["reason"] == REASON
    # The point itself is still there, unchanged.
    assert con.execute("SELECT progress FROM progress_updates WHERE id = ?", [wrong]).fetchone() == (WRONG,)


@pytest.mark.parametrize("reason", [None, "", "   \n "])
def test_a_reason_is_required_and_nothing_is_written(unwithdrawn, reason):
    con = unwithdrawn.con
    before = counts(con)
    with pytest.raises(ValidationError) as error:
        corrections.withdraw_update(con, STEERING_ACTOR, unwithdrawn.wrong, reason, today=WITHDRAWN_ON)
    assert str(error.value) == "Le point n'a pas été retiré : corrigez les champs signalés."
    assert error.value.fields == {"reason": "Raison : obligatoire (pourquoi ce point est-il faux ?)."}
    assert counts(con) == before
    assert actions.get_action(con, unwithdrawn.study).progress == WRONG


def test_a_too_long_reason_is_refused(unwithdrawn):
    before = counts(unwithdrawn.con)
    with pytest.raises(ValidationError) as error:
        corrections.withdraw_update(unwithdrawn.con, STEERING_ACTOR, unwithdrawn.wrong, "x" * 1001,
                                    today=WITHDRAWN_ON)
    assert error.value.fields["reason"] == "La raison fait 1\u00a0001 caractères ; 1\u00a0000 au plus."
    assert counts(unwithdrawn.con) == before


def test_a_point_cannot_be_withdrawn_twice(scenario):
    con = scenario.con
    before = counts(con)
    with pytest.raises(ValidationError) as error:
        corrections.withdraw_update(con, STEERING_ACTOR, scenario.wrong, "Encore", today=TODAY)
    assert str(error.value) == (
        f"Le point n° {scenario.wrong} a déjà été retiré le 23 octobre 2026 par Camille Pilote : "
        "rien n'a été changé."
    )
    assert counts(con) == before
    with pytest.raises(ValidationError, match="déjà été retiré"):
        corrections.replace_update(con, STEERING_ACTOR, scenario.wrong, "Encore", status="en_cours",
                                   progress_value=30, today=TODAY)
    assert counts(con) == before


def test_unknown_point_and_partner_are_refused(unwithdrawn):
    con = unwithdrawn.con
    before = counts(con)
    with pytest.raises(NotFound, match=r"Le point d'avancement n° 999 n'existe pas\."):
        corrections.withdraw_update(con, STEERING_ACTOR, 999, REASON, today=TODAY)
    with pytest.raises(PermissionDenied, match="Partenaire"):
        corrections.withdraw_update(con, Actor(PARTNER, "Fondation"), unwithdrawn.wrong, REASON, today=TODAY)
    with pytest.raises(PermissionDenied):
        corrections.replace_update(con, Actor(PARTNER, "Fondation"), unwithdrawn.wrong, REASON,
                                   status="en_cours", progress_value=30, today=TODAY)
    assert counts(con) == before


def test_replace_withdraws_and_appends_the_corrected_point_of_the_same_date(unwithdrawn):
    con, study, wrong = unwithdrawn.con, unwithdrawn.study, unwithdrawn.wrong
    before = counts(con)
    new_id = corrections.replace_update(
        con, STEERING_ACTOR, wrong, "Faute de frappe : 30 et non 90", status="en_cours", progress_value=30,
        comment="Règlement en relecture", today=TODAY)
    assert counts(con) == (before[0] + 1, before[1] + 1, before[2] + 2)  # point created + withdrawal
    new = db.query(con, "SELECT * FROM progress_updates WHERE id = ?", [new_id])[0]
    assert (new["action_id"], new["reported_on"], new["status"], new["progress"], new["comment"],
            new["reported_by"]) == (study, dt.date(2026, 10, 20), "en_cours", 30, "Règlement en relecture",
                                    "Camille Pilote")
    withdrawal = db.query(con, "SELECT * FROM progress_withdrawals WHERE update_id = ?", [wrong])[0]
    assert withdrawal["replaced_by"] == new_id and withdrawal["withdrawn_on"] == TODAY
    action = actions.get_action(con, study)
    assert (action.progress, action.last_update) == (30, dt.date(2026, 10, 20))
    history = updates.history(con, study)
    assert history["withdrawn"].tolist() == [False, True, False]
    assert history["replaced_by"].iloc[1] == new_id


def test_replace_is_one_transaction(unwithdrawn, monkeypatch):
    con = unwithdrawn.con
    before = counts(con)

    def fail(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(corrections, "_withdraw", fail)  # fails after the corrected point is inserted
    with pytest.raises(RuntimeError):
        corrections.replace_update(con, STEERING_ACTOR, unwithdrawn.wrong, REASON, status="en_cours",
                                   progress_value=30, today=TODAY)
    assert counts(con) == before


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    ({"status": "en_cours", "progress_value": 150}, "progress",
     "Avancement : un nombre entier de 0 à 100 attendu, « 150 » lu (vide = non mesuré)."),
    ({"status": "fini", "progress_value": 30}, "status",
     "Statut : choisissez À lancer, En cours, En pause, Terminée ou Abandonnée."),
    ({"status": "en_cours", "progress_value": WRONG}, "status",
     "Correction identique au point retiré : changez le statut, l'avancement ou le commentaire."),
])
def test_refused_replacement_writes_nothing(unwithdrawn, kwargs, field, message):
    con = unwithdrawn.con
    before = counts(con)
    with pytest.raises(ValidationError) as error:
        corrections.replace_update(con, STEERING_ACTOR, unwithdrawn.wrong, REASON, today=TODAY, **kwargs)
    assert str(error.value) == "Le point n'a pas été corrigé : corrigez les champs signalés."
    assert error.value.fields == {field: message}
    assert counts(con) == before


def test_a_withdrawn_point_no_longer_blocks_dating(scenario):
    con, study = scenario.con, scenario.study
    # 1 October is after the last point in force (20 September), before the withdrawn one (20 October).
    assert updates.chronology_errors(actions.get_action(con, study).last_update, dt.date(2026, 10, 1)) == {}
    updates.record_update(con, STEERING_ACTOR, study, reported_on=dt.date(2026, 10, 1), status="en_cours",
                          progress_value=25, today=TODAY)
    assert actions.get_action(con, study).progress == 25



@settings(max_examples=30, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(reason=hypothesis_text(max_size=1200))
def test_any_reason_is_stored_verbatim_or_refused_in_french(scenario, reason):
    con = scenario.con
    with db.transaction(con) as cur:
        (point,) = updates.append_updates(cur, STEERING_ACTOR, [updates.ProgressUpdate(
            action_id=scenario.module, reported_on=dt.date(2026, 10, 10),
            status=progress.ActionStatus.RUNNING, progress=50, comment=None, evidence_url=None,
            reported_by="test")])
    before = counts(con)
    try:
        corrections.withdraw_update(con, STEERING_ACTOR, point, reason, today=TODAY)
    except ValidationError as error:
        assert set(error.fields) == {"reason"} and error.fields["reason"].startswith("Raison : ")
        assert counts(con) == before
        return
    stored = con.execute("SELECT reason FROM progress_withdrawals WHERE update_id = ?", [point]).fetchone()
    assert stored == (reason.strip(),)



def test_a_workbook_exported_before_a_withdrawal_cannot_bring_the_point_back(unwithdrawn):
    """The Excel round trip: a workbook showing the wrong 90 % is refused once the point is withdrawn."""
    con, today = unwithdrawn.con, seminar_today()
    with db.transaction(con) as cur:  # the points were recorded on their day, long before the export
        cur.execute("UPDATE progress_updates SET recorded_at = reported_on + INTERVAL 18 HOUR")
    workbook = report_xlsx(monthly.build_report(con, today.replace(day=1), today))
    assert actions_import.plan_import(con, workbook, "rapport.xlsx", today, "Paul").empty
    corrections.withdraw_update(con, STEERING_ACTOR, unwithdrawn.wrong, REASON, today=today)
    with db.transaction(con) as cur:  # the workbook's time is to the second: make the order certain
        cur.execute("UPDATE progress_withdrawals SET withdrawn_at = withdrawn_at + INTERVAL 1 MINUTE")
    before = counts(con)
    with pytest.raises(ImportRejected) as refused:
        actions_import.apply_import(con, STEERING_ACTOR, workbook, "rapport.xlsx", today)
    assert any(f"action n° {unwithdrawn.study} : modifiée dans l'application après l'export" in reason
               for _, reason in refused.value.rows)
    assert counts(con) == before
    assert actions.get_action(con, unwithdrawn.study).progress == RIGHT


# --- One reader of the progress history ---------------------------------------------------------------

# (file, top-level name) -> why it may read the table progress_updates itself rather than progress_points.
DIRECT_READERS = {
    ("labo_dash/updates.py", "history"): "the timeline: shows withdrawn points, struck through",
    ("labo_dash/corrections.py", "_POINT"): "the withdrawal: finds the point, withdrawn or not",
    ("labo_dash/actions.py", "_ACTIONS"): "when an action last changed (any point or withdrawal)",
    ("labo_dash/imports/actions.py", "_update_rows"): "an exported point's N° must match the ledger",
}
_READ = re.compile(r"\b(?:FROM|JOIN)\s+progress_updates\b", re.IGNORECASE)


def _direct_readers(path: Path) -> set[str]:
    """Return the top-level names (functions, constants) of ``path`` whose strings read progress_updates."""
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        values = (n.value for n in ast.walk(node) if isinstance(n, ast.Constant))
        if not any(isinstance(v, str) and _READ.search(v) for v in values):
            continue
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            found.add(node.name)
        elif isinstance(node, ast.Assign):
            found.add(ast.unparse(node.targets[0]))
        else:
            found.add(ast.unparse(node)[:60])
    return found


def test_no_module_reads_progress_updates_but_the_timeline_and_the_withdrawal():
    """Every state, roll-up, review, report, export reads the view progress_points (withdrawn points out)."""
    files = [*sorted((ROOT / "labo_dash").rglob("*.py")), *sorted((ROOT / "bench").glob("*.py")),
             *sorted((ROOT / "pages").glob("*.py")), ROOT / "app.py", ROOT / "serve.py"]
    readers = {
        (str(path.relative_to(ROOT)), name) for path in files for name in _direct_readers(path)
    }
    assert readers == set(DIRECT_READERS), (
        "read the view progress_points (withdrawn points left out), or add the reader to DIRECT_READERS "
        "with the reason it needs the withdrawn points too"
    )


def test_the_scan_finds_a_direct_reader(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        'SQL = "SELECT * FROM progress_points"\n'
        "def state(con):\n    return con.execute('SELECT progress FROM progress_updates u JOIN x')\n"
        "def write(cur):\n    cur.execute('INSERT INTO progress_updates VALUES (1)')\n",
        encoding="utf-8",
    )
    assert _direct_readers(sample) == {"state"}


# --- The demo ---------------------------------------------------------------------------------------------

def test_the_demo_holds_one_withdrawn_point_that_counts_nowhere(con):
    rows = db.query(con, "SELECT w.*, u.action_id, u.reported_on, u.progress FROM progress_withdrawals w "
                         "JOIN progress_updates u ON u.id = w.update_id")
    assert len(rows) == 1
    withdrawn = rows[0]
    assert (withdrawn["progress"], withdrawn["reason"], withdrawn["withdrawn_by"], withdrawn["role"]) == (
        demo.WRONG_POINT[1], demo.WITHDRAWAL_REASON, demo.COORDINATOR, "pilotage")
    assert withdrawn["withdrawn_on"] == withdrawn["reported_on"] + dt.timedelta(days=3)
    # The same day's point in force is the action's state at that date, not the wrong 90 %.
    (right,) = con.execute(
        "SELECT progress FROM progress_updates WHERE action_id = ? AND reported_on = ? AND id <> ?",
        [withdrawn["action_id"], withdrawn["reported_on"], withdrawn["update_id"]]).fetchone()
    states = progress.action_states(con, withdrawn["reported_on"]).set_index("id")
    assert states.loc[withdrawn["action_id"], "progress"] == right != demo.WRONG_POINT[1]
    history = updates.history(con, withdrawn["action_id"])
    assert history["withdrawn"].sum() == 1



def test_a_correction_takes_the_place_of_the_point_it_replaces(unwithdrawn):
    """Two points on one date, the older one wrong: replacing it must not make the correction the latest."""
    con, study = unwithdrawn.con, unwithdrawn.study
    day = dt.date(2026, 10, 25)
    older = updates.record_update(con, STEERING_ACTOR, study, reported_on=day, status="en_cours",
                                  progress_value=30, today=TODAY)
    updates.record_update(con, STEERING_ACTOR, study, reported_on=day, status="en_cours",
                          progress_value=40, comment="Plus tard le même jour", today=TODAY)
    first = corrections.replace_update(con, STEERING_ACTOR, older, REASON, status="en_cours",
                                       progress_value="10", today=TODAY)
    assert actions.get_action(con, study).progress == 40  # not 10: the correction sits where 30 was
    assert progress.action_states(con, TODAY).set_index("id").loc[study, "progress"] == 40
    corrections.replace_update(con, STEERING_ACTOR, first, REASON, status="en_cours", progress_value=15,
                               today=TODAY)  # a correction of the correction keeps the same place
    assert actions.get_action(con, study).progress == 40
    order = db.query(con, "SELECT progress FROM progress_points WHERE action_id = ? AND reported_on = ? "
                          "ORDER BY seq", [study, day])
    assert [row["progress"] for row in order] == [15, 40]
