"""Round trip of the actions export: export, edit as in Excel, preview, import; bad files write nothing."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pandas as pd
import pytest

from labo_dash import clock, db
from labo_dash.access import ORGANISER, PARTNER, STEERING, Actor
from labo_dash.actions import FIELDS, get_action
from labo_dash.errors import ImportRejected, PermissionDenied
from labo_dash.imports import actions as actions_import
from labo_dash.imports.actions_sheet import COMMENT_HEADER, READ_ONLY
from labo_dash.parsing import shown
from labo_dash.progress import ActionStatus
from labo_dash.reporting import monthly
from labo_dash.reporting.workbook import ACTION_COLUMNS, report_xlsx
from labo_dash.updates import ProgressUpdate, append_updates

TODAY = clock.now().astimezone(ZoneInfo("Europe/Paris")).date()  # the seminar's date (default zone)
PAUL = Actor(STEERING, "Paul Martin")


def export(con, month: dt.date | None = None) -> openpyxl.Workbook:
    report = monthly.build_report(con, month or TODAY.replace(day=1), TODAY)
    return openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))


def to_bytes(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def column(sheet, header: str) -> int:
    return next(c.column for c in sheet[1] if c.value == header)


def row_of(sheet, action_id: int) -> int:
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == action_id)


def snapshot(con) -> tuple:
    return (db.query(con, "SELECT count(*) AS n FROM progress_updates")[0]["n"],
            db.query(con, "SELECT count(*) AS n FROM audit_log")[0]["n"],
            db.query_df(con, "SELECT * FROM actions ORDER BY id").to_json(date_format="iso"))


def open_actions(con) -> list[int]:
    """Ids of actions that are open today and were last updated before today."""
    rows = db.query(con, """
        SELECT a.id FROM actions a JOIN (
            SELECT action_id, status, reported_on FROM progress_updates
            QUALIFY row_number() OVER (PARTITION BY action_id ORDER BY reported_on DESC, id DESC) = 1
        ) u ON u.action_id = a.id
        WHERE u.status = 'en_cours' AND u.reported_on < ? ORDER BY a.id""", [TODAY])
    return [r["id"] for r in rows]


def test_unchanged_export_imports_nothing(con):
    plan = actions_import.plan_import(con, to_bytes(export(con)), "rapport.xlsx", TODAY, "Paul")
    assert plan.empty and plan.sheets == ["Actions", "Points d'avancement"]


def test_round_trip_updates_rows_by_id_with_a_preview(con):
    first, second, third = open_actions(con)[:3]
    book = export(con)
    sheet = book["Actions"]
    sheet.cell(row_of(sheet, first), column(sheet, "Action")).value = "Intitulé revu en comité"
    sheet.cell(row_of(sheet, first), column(sheet, "Échéance")).value = dt.datetime(2027, 6, 30)
    sheet.cell(row_of(sheet, second), column(sheet, "Statut")).value = "terminée"
    sheet.cell(row_of(sheet, second), column(sheet, "Avancement (%)")).value = 100
    updates = book["Points d'avancement"]
    updates.append([None, third, "", dt.datetime.combine(TODAY, dt.time()), "En cours", 80,
                    "Point du comité", "https://exemple.org/compte-rendu", None])
    data = to_bytes(book)

    before = snapshot(con)
    plan = actions_import.plan_import(con, data, "rapport.xlsx", TODAY, PAUL.name)
    assert snapshot(con) == before, "the preview writes nothing"
    by_id = {c.action_id: c for c in plan.changes}
    assert by_id[first].fields["title"][1] == "Intitulé revu en comité"
    assert by_id[first].fields["due_date"][1] == dt.date(2027, 6, 30) and by_id[first].update is None
    assert by_id[second].fields == {} and by_id[second].update.status == "terminee"
    assert [u.action_id for u in plan.updates] == [third]
    assert (plan.points[0].line, plan.points[0].title) == (updates.max_row, get_action(con, third).title)

    actions_import.apply_import(con, PAUL, data, "rapport.xlsx", TODAY)
    row = db.query(con, "SELECT title, due_date FROM actions WHERE id = ?", [first])[0]
    assert row == {"title": "Intitulé revu en comité", "due_date": dt.date(2027, 6, 30)}
    latest = db.query(con, "SELECT action_id, status, progress, reported_on, reported_by, comment "
                           "FROM progress_updates ORDER BY id DESC LIMIT 2")
    assert {(u["action_id"], u["status"], u["progress"]) for u in latest} == {
        (second, "terminee", 100), (third, "en_cours", 80)}
    assert all(u["reported_on"] == TODAY and u["reported_by"] == "Paul Martin" for u in latest)
    audit = db.query(con, "SELECT entity, entity_id, actor FROM audit_log ORDER BY id DESC LIMIT 3")
    assert {(a["entity"], a["entity_id"]) for a in audit} >= {("action", first)}
    assert {a["actor"] for a in audit} == {"Paul Martin"}
    again = actions_import.plan_import(con, to_bytes(export(con)), "rapport.xlsx", TODAY, PAUL.name)
    assert again.empty, "a fresh export of the result imports nothing"


def test_french_csv_of_the_actions_sheet(con):
    first = open_actions(con)[0]
    rows = list(export(con)["Actions"].values)
    frame = pd.DataFrame(rows[1:], columns=rows[0], dtype=object)
    frame.loc[frame["N°"] == first, "Budget prévu (€)"] = "12 500,50"
    frame.loc[frame["N°"] == first, "Financement acquis (€)"] = ""
    data = frame.to_csv(sep=";", index=False, date_format="%d/%m/%Y").encode("cp1252", errors="replace")
    plan = actions_import.plan_import(con, data, "actions.csv", TODAY, "Paul")
    assert [c.action_id for c in plan.changes] == [first]
    assert plan.changes[0].fields["budget_planned"][1] == 12500.5
    actions_import.apply_import(con, PAUL, data, "actions.csv", TODAY)
    saved = db.query(con, "SELECT budget_planned FROM actions WHERE id = ?", [first])[0]["budget_planned"]
    assert float(saved) == 12500.5


def test_bad_rows_are_listed_with_line_and_reason_and_nothing_is_written(con):
    first, second = open_actions(con)[:2]
    book = export(con)
    sheet = book["Actions"]
    line_first, line_second = row_of(sheet, first), row_of(sheet, second)
    sheet.cell(line_first, column(sheet, "Statut")).value = "Presque fini"
    sheet.cell(line_second, column(sheet, "Avancement (%)")).value = 150
    sheet.cell(line_second, column(sheet, "Échéance")).value = "31 février"
    sheet.append([9999, "Action inconnue"])
    sheet.append([None, "Nouvelle action sans numéro"])
    sheet.cell(3, column(sheet, "Action")).value = "Changement valide, mais le fichier a d'autres erreurs"
    history = book["Points d'avancement"]
    history.cell(2, column(history, "Avancement (%)")).value = 99
    data = to_bytes(book)
    before = snapshot(con)
    with pytest.raises(ImportRejected) as refused:
        actions_import.apply_import(con, PAUL, data, "rapport.xlsx", TODAY)
    assert snapshot(con) == before
    reasons = dict(refused.value.rows)
    assert "statut « Presque fini » inconnu" in reasons[line_first]
    assert "n'est pas une date" in reasons[line_second]
    assert "l'action n° 9999 n'existe pas" in reasons[sheet.max_row - 1]
    assert "N° manquant" in reasons[sheet.max_row]
    assert "l'historique ne se réécrit pas" in reasons[2], "a recorded update is never modified"
    assert "rien n'a été importé" in str(refused.value)
    progress = book["Actions"]
    progress.cell(line_second, column(progress, "Échéance")).value = None
    with pytest.raises(ImportRejected) as again:
        actions_import.plan_import(con, to_bytes(book), "rapport.xlsx", TODAY, "Paul")
    assert dict(again.value.rows)[line_second] == (
        f"action n° {second} : Avancement (%) : « 150 » lu, un nombre entier de 0 à 100 attendu.")
    assert "Corrigez-les dans le fichier" in str(refused.value)


def test_one_refused_line_is_named_in_the_singular(con):
    book = export(con)
    sheet = book["Actions"]
    sheet.cell(row_of(sheet, open_actions(con)[0]), column(sheet, "Statut")).value = "Presque fini"
    with pytest.raises(ImportRejected) as refused:
        actions_import.plan_import(con, to_bytes(book), "rapport.xlsx", TODAY, "Paul")
    assert str(refused.value).startswith(
        "1 ligne refusée : rien n'a été importé. Corrigez-la dans le fichier puis importez-le à nouveau")


@pytest.mark.parametrize("content, name, reason", [
    (b"", "vide.csv", "vide"),
    (b"Titre;Budget\nx;1\n", "autre.csv", "obligatoire.*N° ; Action"),
    (b"PK\x03\x04 pas vraiment un classeur", "casse.xlsx", "illisible"),
])
def test_malformed_files_are_refused_in_french(con, content, name, reason):
    before = snapshot(con)
    with pytest.raises(ImportRejected, match=reason):
        actions_import.apply_import(con, PAUL, content, name, TODAY)
    assert snapshot(con) == before


def test_a_workbook_without_the_sheets_or_of_a_past_month_is_refused(con):
    empty = openpyxl.Workbook()
    with pytest.raises(ImportRejected, match="ni feuille"):
        actions_import.plan_import(con, to_bytes(empty), "vide.xlsx", TODAY, "Paul")
    previous = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    with pytest.raises(ImportRejected, match="pas la situation actuelle"):
        actions_import.plan_import(con, to_bytes(export(con, previous)), "mois-dernier.xlsx", TODAY, "Paul")


def test_an_action_updated_after_the_export_is_not_overwritten(con):
    first = open_actions(con)[0]
    book = export(con)
    sheet = book["Actions"]
    sheet.cell(row_of(sheet, first), column(sheet, "Avancement (%)")).value = 90
    with db.transaction(con) as cur:  # meanwhile, someone records an update in the app
        cur.execute("UPDATE progress_updates SET recorded_at = recorded_at")  # no-op, keeps ids stable
        append_updates(cur, PAUL, [ProgressUpdate(
            action_id=first, reported_on=TODAY, status=ActionStatus.RUNNING, progress=85, comment=None,
            evidence_url=None, reported_by="Ana")])
        cur.execute("UPDATE progress_updates SET recorded_at = now()::TIMESTAMP + INTERVAL 1 MINUTE "
                    "WHERE id = (SELECT max(id) FROM progress_updates)")
    with pytest.raises(ImportRejected) as refused:
        actions_import.plan_import(con, to_bytes(book), "rapport.xlsx", TODAY, "Paul")
    assert "après l'export" in " ".join(reason for _, reason in refused.value.rows)


def test_only_roles_that_update_actions_may_import(con):
    data = to_bytes(export(con))
    for role in (PARTNER, "anonyme", "participant"):
        with pytest.raises(PermissionDenied):
            actions_import.apply_import(con, Actor(role, "x"), data, "rapport.xlsx", TODAY)
    assert actions_import.apply_import(con, Actor(ORGANISER, "Marie"), data, "rapport.xlsx", TODAY).empty


def test_the_import_reads_the_export_headers():
    assert list(ACTION_COLUMNS)[:2] == ["N°", "Action"]


@pytest.mark.slow
def test_cli_imports_an_edited_export_and_refuses_a_bad_one(demo_db, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    con = db.open_database(demo_db)
    target = open_actions(con)[0]
    book = export(con)
    con.close()
    sheet = book["Actions"]
    sheet.cell(row_of(sheet, target), column(sheet, "Avancement (%)")).value = 95
    edited, broken = tmp_path / "rapport.xlsx", tmp_path / "casse.xlsx"
    edited.write_bytes(to_bytes(book))
    sheet.cell(row_of(sheet, target), column(sheet, "Avancement (%)")).value = 250
    broken.write_bytes(to_bytes(book))
    run = [sys.executable, "-m", "labo_dash", "import", "actions"]

    refused = subprocess.run([*run, str(broken), "--db", str(demo_db)],
                             capture_output=True, text=True, cwd=root)
    assert refused.returncode == 1 and "rien n'a été importé" in refused.stderr
    assert f"action n° {target}" in refused.stderr and "Traceback" not in refused.stderr
    ok = subprocess.run([*run, str(edited), "--db", str(demo_db), "--par", "Paul Martin"],
                        capture_output=True, text=True, cwd=root)
    assert ok.returncode == 0 and "1 point d'avancement ajouté" in ok.stdout, ok.stdout + ok.stderr
    assert "depuis rapport.xlsx (feuilles « Actions » et « Points d'avancement »)" in ok.stdout
    con = db.open_database(demo_db)
    latest = db.query(con, "SELECT action_id, progress, reported_by FROM progress_updates "
                           "ORDER BY id DESC LIMIT 1")
    con.close()
    assert latest == [{"action_id": target, "progress": 95, "reported_by": "Paul Martin"}]


# --- Excel's own conventions: percent cells, typed percentages and amounts, hidden sheets, sep= ---------

def test_a_progress_cell_shown_100_percent_is_read_as_100_not_1(con):
    first = open_actions(con)[0]
    book = export(con)
    sheet = book["Actions"]
    sheet.cell(row_of(sheet, first), column(sheet, "Statut")).value = "Terminée"
    cell = sheet.cell(row_of(sheet, first), column(sheet, "Avancement (%)"))
    cell.value, cell.number_format = 1, "0%"  # what Excel stores when « 100 % » is typed
    plan = actions_import.plan_import(con, to_bytes(book), "rapport.xlsx", TODAY, "Paul")
    [change] = plan.changes
    assert (change.update.status, change.update.progress) == ("terminee", 100)


@pytest.mark.parametrize(("typed", "expected"), [("50 %", 50), ("50\u00a0%", 50), ("50%", 50), ("'50", 50)])
def test_a_percentage_typed_as_text_is_read(con, typed, expected):
    first = open_actions(con)[0]
    book = export(con)
    sheet = book["Actions"]
    sheet.cell(row_of(sheet, first), column(sheet, "Avancement (%)")).value = typed
    [change] = actions_import.plan_import(con, to_bytes(book), "rapport.xlsx", TODAY, "Paul").changes
    assert change.update.progress == expected


def test_amounts_typed_the_french_way_are_read_exactly(con):
    first = open_actions(con)[0]
    book = export(con)
    sheet = book["Actions"]
    sheet.cell(row_of(sheet, first), column(sheet, "Budget prévu (€)")).value = "45\u00a0000 €"
    secured = sheet.cell(row_of(sheet, first), column(sheet, "Financement acquis (€)"))
    secured.value, secured.number_format = 12500.5, '#,##0.00 "€"'
    [change] = actions_import.plan_import(con, to_bytes(book), "rapport.xlsx", TODAY, "Paul").changes
    assert change.values["budget_planned"] == 45000 and change.values["budget_secured"] == 12500.5


def test_an_unreadable_percentage_or_amount_is_refused_saying_what_was_read(con):
    first, second, third = open_actions(con)[:3]
    book = export(con)
    sheet = book["Actions"]
    sheet.cell(row_of(sheet, first), column(sheet, "Avancement (%)")).value = "50,5 %"
    sheet.cell(row_of(sheet, second), column(sheet, "Budget prévu (€)")).value = "1.234,5 €"
    sheet.cell(row_of(sheet, third), column(sheet, "Budget prévu (€)")).value = "12,345 €"
    before = snapshot(con)
    with pytest.raises(ImportRejected) as refused:
        actions_import.apply_import(con, PAUL, to_bytes(book), "rapport.xlsx", TODAY)
    assert snapshot(con) == before
    reasons = dict(refused.value.rows)
    assert reasons[row_of(sheet, first)] == (
        f"action n° {first} : Avancement (%) : « 50,5 % » lu, un nombre entier de 0 à 100 attendu.")
    assert "« 1.234,5 € » n'est pas un nombre" in reasons[row_of(sheet, second)]
    assert reasons[row_of(sheet, third)] == (  # the comma read is quoted as it was, never rewritten
        f"action n° {third} : Budget prévu (€) : « 12,345 € » lu, un montant de 0 à 100\u00a0000\u00a0000 € "
        "(centimes au plus) attendu.")


def test_an_export_made_less_than_a_second_after_a_change_is_not_stale(con):
    """The export time keeps its milliseconds: a change made just before it is not « after the export »."""
    import dataclasses

    first = open_actions(con)[0]
    moment = dt.datetime.combine(TODAY, dt.time(12, 0, 0, 900_000))  # local time, as in the workbook
    change_utc = clock.stored((moment - dt.timedelta(milliseconds=400)).replace(tzinfo=clock.zone(con)))
    with db.transaction(con) as cur:
        cur.execute("UPDATE progress_updates SET recorded_at = ? WHERE action_id = ?", [change_utc, first])
        cur.execute("UPDATE audit_log SET logged_at = ? WHERE entity = 'action' AND entity_id = ?",
                    [change_utc, first])
    report = dataclasses.replace(monthly.build_report(con, TODAY.replace(day=1), TODAY), generated_at=moment)
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))
    sheet = book["Actions"]
    sheet.cell(row_of(sheet, first), column(sheet, "Avancement (%)")).value = 90
    [change] = actions_import.plan_import(con, to_bytes(book), "rapport.xlsx", TODAY, "Paul").changes
    assert change.update.progress == 90


def test_a_new_progress_point_with_a_percent_cell_and_a_serial_date(con):
    third = open_actions(con)[2]
    book = export(con)
    updates = book["Points d'avancement"]
    serial = (TODAY - dt.date(1899, 12, 30)).days  # Excel's day number of today
    updates.append([None, third, "", serial, "En cours", 0.45, "Point", None, None])
    updates.cell(updates.max_row, column(updates, "Date")).number_format = "DD/MM/YYYY"
    updates.cell(updates.max_row, column(updates, "Avancement (%)")).number_format = "0%"
    plan = actions_import.plan_import(con, to_bytes(book), "rapport.xlsx", TODAY, "Paul")
    assert [(u.action_id, u.reported_on, u.progress) for u in plan.updates] == [(third, TODAY, 45)]


def test_a_hidden_sheet_is_not_read_and_the_preview_says_so(con):
    first = open_actions(con)[0]
    book = export(con)
    sheet = book["Actions"]
    sheet.cell(row_of(sheet, first), column(sheet, "Avancement (%)")).value = 90
    book["Points d'avancement"].sheet_state = "hidden"
    plan = actions_import.plan_import(con, to_bytes(book), "rapport.xlsx", TODAY, "Paul")
    assert plan.sheets == ["Actions"] and [c.action_id for c in plan.changes] == [first]
    assert plan.source == "feuille « Actions » ; feuille masquée, non lue : « Points d'avancement »"
    book["Actions"].sheet_state = "hidden"
    book.active = book.sheetnames.index("Synthèse")
    before = snapshot(con)
    with pytest.raises(ImportRejected, match="sont masquées : une feuille masquée n'est pas lue"):
        actions_import.apply_import(con, PAUL, to_bytes(book), "rapport.xlsx", TODAY)
    assert snapshot(con) == before


def test_a_csv_with_a_sep_line_is_read_and_its_refusals_count_lines_as_excel(con):
    first, second = open_actions(con)[:2]
    rows = list(export(con)["Actions"].values)
    frame = pd.DataFrame(rows[1:], columns=rows[0], dtype=object)
    frame.loc[frame["N°"] == first, "Avancement (%)"] = "55 %"
    body = frame.to_csv(sep=",", index=False, date_format="%d/%m/%Y")
    plan = actions_import.plan_import(con, ("sep=,\r\n" + body).encode(), "actions.csv", TODAY, "Paul")
    assert [(c.action_id, c.update.progress) for c in plan.changes] == [(first, 55)]
    assert "annoncé par la ligne « sep=, »" in plan.source
    frame.loc[frame["N°"] == second, "Avancement (%)"] = "beaucoup"
    data = ("sep=,\r\n" + frame.to_csv(sep=",", index=False, date_format="%d/%m/%Y")).encode()
    with pytest.raises(ImportRejected) as refused:
        actions_import.plan_import(con, data, "actions.csv", TODAY, "Paul")
    excel_row = int(frame.index[frame["N°"] == second][0]) + 2  # header is Excel's row 1
    assert [line for line, _ in refused.value.rows] == [excel_row]
    assert "ajoutez 1" in str(refused.value)


def test_a_comment_edited_with_its_percent_goes_into_the_new_point(con):
    first, second = open_actions(con)[:2]
    book = export(con)
    sheet = book["Actions"]
    before = get_action(con, first)
    sheet.cell(row_of(sheet, first), column(sheet, "Avancement (%)")).value = (before.progress or 0) + 5
    comment = column(sheet, "Dernier commentaire")
    sheet.cell(row_of(sheet, first), comment).value = "Revu en comité de pilotage"
    sheet.cell(row_of(sheet, second), comment).value = "Seul le commentaire change"
    data = to_bytes(book)
    plan = actions_import.plan_import(con, data, "rapport.xlsx", TODAY, PAUL.name)
    by_id = {c.action_id: c.update for c in plan.changes}
    assert (by_id[first].progress, by_id[first].comment) == ((before.progress or 0) + 5,
                                                             "Revu en comité de pilotage")
    unchanged = get_action(con, second)
    assert (by_id[second].status, by_id[second].progress, by_id[second].comment) == (
        unchanged.status, unchanged.progress, "Seul le commentaire change"), "a comment alone is a new point"
    actions_import.apply_import(con, PAUL, data, "rapport.xlsx", TODAY)
    saved = db.query(con, "SELECT action_id, comment FROM progress_updates ORDER BY id DESC LIMIT 2")
    assert {(r["action_id"], r["comment"]) for r in saved} == {
        (first, "Revu en comité de pilotage"), (second, "Seul le commentaire change")}
    assert actions_import.plan_import(con, to_bytes(export(con)), "rapport.xlsx", TODAY, "Paul").empty


def test_every_column_of_the_actions_sheet_is_read_or_guarded():
    read = {"N°", "Statut", "Avancement (%)", COMMENT_HEADER} | {
        header for header, (source, _, _) in ACTION_COLUMNS.items() if source in FIELDS}
    assert set(ACTION_COLUMNS) == read | set(READ_ONLY)
    assert not read & set(READ_ONLY)


@pytest.mark.parametrize("header", list(READ_ONLY))
def test_a_changed_read_only_cell_refuses_its_row_saying_why(con, header):
    first = open_actions(con)[0]
    book = export(con)
    sheet = book["Actions"]
    line = row_of(sheet, first)
    exported = sheet.cell(line, column(sheet, header)).value
    sheet.cell(line, column(sheet, header)).value = "Modifié en comité"
    sheet.cell(line, column(sheet, "Prochaine étape")).value = "Une vraie modification"
    before = snapshot(con)
    with pytest.raises(ImportRejected) as refused:
        actions_import.apply_import(con, PAUL, to_bytes(book), "rapport.xlsx", TODAY)
    assert snapshot(con) == before
    before_edit = f"{exported:%d/%m/%Y}" if isinstance(exported, dt.datetime) else shown(exported or "")
    assert refused.value.rows == [(line, (
        f"action n° {first} : {header} : « Modifié en comité » au lieu de « {before_edit} » : cette colonne "
        f"n'est pas lue à l'import ({READ_ONLY[header]}). Remettez la valeur exportée."))]


def test_a_read_only_cell_typed_back_as_exported_is_accepted(con):
    first = open_actions(con)[0]
    book = export(con)
    sheet = book["Actions"]
    cell = sheet.cell(row_of(sheet, first), column(sheet, "Dernier point"))
    cell.value = f"{cell.value:%d/%m/%Y}"  # the same date, typed as text
    assert actions_import.plan_import(con, to_bytes(book), "rapport.xlsx", TODAY, "Paul").empty


def test_an_emptied_comment_is_refused(con):
    book = export(con)
    sheet = book["Actions"]
    first = next(i for i in open_actions(con)
                 if sheet.cell(row_of(sheet, i), column(sheet, "Dernier commentaire")).value)
    sheet.cell(row_of(sheet, first), column(sheet, "Dernier commentaire")).value = None
    with pytest.raises(ImportRejected) as refused:
        actions_import.plan_import(con, to_bytes(book), "rapport.xlsx", TODAY, "Paul")
    assert "Dernier commentaire : effacé" in dict(refused.value.rows)[row_of(sheet, first)]
