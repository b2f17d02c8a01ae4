"""Findings capture, edit, merge and delete; défis with weights and provenance; imports and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from labo_dash import challenges, db, diagnosis, french
from labo_dash.access import PARTICIPANT, SYSTEM, Actor
from labo_dash.errors import ImportRejected, NotFound, PermissionDenied, ValidationError
from labo_dash.imports import diagnosis as diagnosis_import
from tests.workbooks import workbook_bytes

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def empty(fresh_db):
    con = db.open_database(fresh_db)
    yield con
    con.close()


def objective_ids(con) -> dict[int, int]:
    return dict(con.execute("SELECT number, id FROM objectives").fetchall())


def workshop_ids(con) -> dict[int, int]:
    return dict(con.execute("SELECT number, id FROM workshops WHERE session = 'matin'").fetchall())


def add(con, number=1, kind="frein", text="Manque de temps pour coopérer", objectives=(1,), **extra) -> int:
    obj = objective_ids(con)
    return diagnosis.add_finding(
        con, SYSTEM, workshop_id=workshop_ids(con)[number], kind=kind, text=text,
        objective_ids=[obj[n] for n in objectives], **extra,
    )


def audit(con, entity: str) -> list[tuple]:
    return con.execute(
        "SELECT entity_id, operation, before, after FROM audit_log WHERE entity = ? ORDER BY id", [entity]
    ).fetchall()


def test_capture_saves_cleaned_finding_with_objectives_and_audit(empty):
    finding_id = add(empty, 2, "levier", "  Un fonds territorial  ", (3, 5), group_label=" Table 4 ",
                     participant_kind="financeur")
    [row] = diagnosis.list_findings(empty)
    assert row.id == finding_id and row.text == "Un fonds territorial"
    assert row.objective_numbers == [3, 5] and row.workshop_number == 2
    assert row.group_label == "Table 4" and row.participant_kind == "financeur"
    [(entity_id, operation, before, after)] = audit(empty, "finding")
    assert (entity_id, operation, before) == (finding_id, "create", None)
    assert json.loads(after)["text"] == "Un fonds territorial"


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"text": "   "}, "text", "vide"),
        ({"text": "x" * (diagnosis.MAX_TEXT + 1)}, "text", f"{diagnosis.MAX_TEXT} au plus"),
        ({"objective_ids": []}, "objectives", "au moins un"),
        ({"objective_ids": [999]}, "objectives", "Objectif inconnu"),
        ({"kind": "idée"}, "kind", "frein, levier ou constat"),
        ({"workshop_id": 999}, "workshop", "atelier du matin"),
        ({"group_label": "g" * 200}, "group", "au plus"),
        ({"participant_kind": "martien"}, "participant_kind", "inconnu"),
    ],
)
def test_bad_finding_gets_a_french_message_per_field_and_writes_nothing(empty, fields, field, words):
    values = {"workshop_id": workshop_ids(empty)[1], "kind": "frein", "text": "Texte",
              "objective_ids": [objective_ids(empty)[1]], **fields}
    with pytest.raises(ValidationError) as info:
        diagnosis.add_finding(empty, SYSTEM, **values)
    assert words in info.value.fields[field]
    assert empty.execute("SELECT count(*) FROM findings").fetchone()[0] == 0
    assert empty.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0


def test_writes_need_the_diagnosis_permission(empty):
    with pytest.raises(PermissionDenied):
        diagnosis.add_finding(
            empty, Actor(PARTICIPANT, "Awa"), workshop_id=1, kind="frein", text="x", objective_ids=[1]
        )
    assert empty.execute("SELECT count(*) FROM findings").fetchone()[0] == 0


def test_edit_and_delete_are_audited_and_delete_hides_from_the_wall(empty):
    finding_id = add(empty)
    obj = objective_ids(empty)
    same = diagnosis.update_finding(empty, SYSTEM, finding_id, workshop_id=workshop_ids(empty)[1],
                                    kind="constat", text="Texte corrigé", objective_ids=[obj[4], obj[2]])
    assert same == finding_id
    [row] = diagnosis.list_findings(empty)
    assert (row.kind, row.text, row.objective_numbers, row.workshop_number) == (
        "constat", "Texte corrigé", [2, 4], 1)
    diagnosis.delete_finding(empty, SYSTEM, finding_id)
    assert diagnosis.list_findings(empty) == []
    assert [op for _, op, _, _ in audit(empty, "finding")] == ["create", "update", "delete"]
    _, _, before, _ = audit(empty, "finding")[1]
    assert json.loads(before)["text"] == "Manque de temps pour coopérer"
    with pytest.raises(NotFound):
        diagnosis.delete_finding(empty, SYSTEM, finding_id)


def test_moving_a_finding_to_another_workshop_keeps_its_defis_and_sources(empty):
    obj = objective_ids(empty)
    a, b = add(empty, 1, "frein", "A"), add(empty, 1, "frein", "B")
    merged = diagnosis.merge_findings(empty, SYSTEM, [a, b], **diagnosis.merge_defaults(empty, [a, b]))
    challenge_id = challenges.create_challenge(empty, SYSTEM, title="D", description=None, workshop_id=None,
                                               weights={obj[1]: 100}, finding_ids=[merged])
    created = diagnosis.get_finding(empty, merged).created_at
    moved = diagnosis.update_finding(empty, SYSTEM, merged, workshop_id=workshop_ids(empty)[2], kind="frein",
                                     text="A et B", objective_ids=[obj[1]])
    assert moved != merged
    [row] = diagnosis.list_findings(empty)
    assert (row.id, row.workshop_number, row.source_count) == (moved, 2, 2)
    assert diagnosis.get_finding(empty, moved).created_at == created
    assert [f.id for f in challenges.provenance(empty, challenge_id)] == [moved]
    assert json.loads(audit(empty, "finding")[-1][3])["replaced_by"] == moved


def test_merge_keeps_every_source_and_loses_no_finding(empty):
    a = add(empty, 1, "frein", "Pas le temps de se rencontrer", (1,))
    b = add(empty, 1, "frein", "Manque de temps pour coopérer entre structures", (2,))
    c = add(empty, 1, "levier", "Un lieu identifié", (5,))
    defaults = diagnosis.merge_defaults(empty, [a, b])
    assert defaults["text"] == "Manque de temps pour coopérer entre structures"
    assert defaults["kind"] == "frein" and len(defaults["objective_ids"]) == 2
    merged = diagnosis.merge_findings(empty, SYSTEM, [a, b], **defaults)
    wall = diagnosis.list_findings(empty)
    assert sorted(f.id for f in wall) == sorted([merged, c])
    assert next(f for f in wall if f.id == merged).source_count == 2
    assert [s.id for s in diagnosis.sources(empty, merged)] == [a, b]
    # nothing lost: every row still exists, the sources point at the merged finding
    assert empty.execute("SELECT count(*) FROM findings").fetchone()[0] == 4
    assert {diagnosis.get_finding(empty, i).merged_into for i in (a, b)} == {merged}
    operations = [(i, op) for i, op, _, _ in audit(empty, "finding")]
    assert (merged, "merge") in operations and (a, "update") in operations and (b, "update") in operations
    with pytest.raises(NotFound):  # a source cannot be merged twice
        diagnosis.merge_findings(empty, SYSTEM, [a, c], **defaults)
    with pytest.raises(ValidationError):
        diagnosis.merge_findings(empty, SYSTEM, [c], **defaults)


def test_wall_filters_and_counts_per_objective(empty):
    add(empty, 1, "frein", "A", (1, 2))
    add(empty, 1, "levier", "B", (2,))
    add(empty, 2, "frein", "C", (2, 3))
    ws = workshop_ids(empty)
    assert [f.text for f in diagnosis.list_findings(empty, workshop_id=ws[1])] == ["B", "A"]
    assert [f.text for f in diagnosis.list_findings(empty, kind="frein")] == ["C", "A"]
    assert [f.text for f in diagnosis.list_findings(empty, objective_number=2)] == ["C", "B", "A"]
    assert diagnosis.list_findings(empty, objective_number=4) == []
    counts = diagnosis.objective_counts(empty)
    assert len(counts) == 15  # 5 objectives x 3 kinds, zeros included
    by = {(r.number, r.kind): r.findings for r in counts.itertuples()}
    assert by[(2, "frein")] == 2 and by[(2, "levier")] == 1
    assert by[(1, "frein")] == 1 and by[(4, "constat")] == 0
    only_one = diagnosis.objective_counts(empty, workshop_id=ws[2], kind="frein")
    assert only_one["findings"].sum() == 2 and set(only_one["kind"]) == {"frein"}


def test_suggested_weights_split_each_finding_and_sum_to_100(empty):
    obj = objective_ids(empty)
    ids = [add(empty, 1, "frein", t, numbers) for t, numbers in [("A", (1,)), ("B", (1, 3)), ("C", (2,))]]
    weights = challenges.suggest_weights(empty, ids)
    assert weights == {obj[1]: 50, obj[3]: 17, obj[2]: 33}
    assert sum(weights.values()) == 100
    assert challenges.round_percentages({1: 1, 2: 1, 3: 1}) == {1: 34, 2: 33, 3: 33}
    assert challenges.round_percentages({}) == {}


def test_challenge_with_weights_and_provenance(empty):
    obj = objective_ids(empty)
    a, b = add(empty, 2, "frein", "A", (3,)), add(empty, 2, "levier", "B", (3, 5))
    challenge_id = challenges.create_challenge(
        empty, SYSTEM, title="Financer durablement l'animation", description="Sur trois ans.",
        workshop_id=workshop_ids(empty)[2], weights={obj[3]: 75, obj[5]: 25, obj[1]: 0}, finding_ids=[b, a],
    )
    stored = challenges.get_challenge(empty, challenge_id)
    assert stored.weights == {obj[3]: 75.0, obj[5]: 25.0} and stored.finding_ids == [a, b]
    [listed] = challenges.list_challenges(empty)
    assert listed.weights == {3: 0.75, 5: 0.25} and listed.finding_count == 2
    merged = diagnosis.merge_findings(empty, SYSTEM, [a, b], **diagnosis.merge_defaults(empty, [a, b]))
    origin = challenges.provenance(empty, challenge_id)
    assert [(f.id, f.merged_into) for f in origin] == [(a, merged), (b, merged)]
    with pytest.raises(ValidationError) as info:
        challenges.update_challenge(empty, SYSTEM, challenge_id, title="T", description=None,
                                    workshop_id=None, weights={obj[3]: 100}, finding_ids=[])
    assert "atelier d'origine" in info.value.fields["workshop"]
    challenges.update_challenge(
        empty, SYSTEM, challenge_id, title="Financer l'animation", description=None,
        workshop_id=workshop_ids(empty)[2], weights={obj[3]: 33.33, obj[5]: 33.33, obj[2]: 33.34},
        finding_ids=[merged],
    )
    [origin] = challenges.provenance(empty, challenge_id)
    assert origin.id == merged and origin.source_texts == ["A", "B"]
    assert sum(challenges.list_challenges(empty)[0].weights.values()) == pytest.approx(1)
    assert [op for _, op, _, _ in audit(empty, "challenge")] == ["create", "update"]


@pytest.mark.parametrize(
    ("weights", "words"),
    [({1: 60, 2: 30}, "totalisent 90 %"), ({1: 120, 2: -20}, "« 120 » lu, un nombre de 0 à 100 attendu"),
     ({}, "totalisent 0 %"), ({99: 100}, "Objectif inconnu")],
)
def test_weights_that_do_not_sum_to_100_are_refused(empty, weights, words):
    obj = objective_ids(empty)
    mapped = {obj.get(k, k): v for k, v in weights.items()}
    with pytest.raises(ValidationError) as info:
        challenges.create_challenge(empty, SYSTEM, title="Un défi", description="", workshop_id=None,
                                    weights=mapped)
    assert words in info.value.fields["weights"]
    assert empty.execute("SELECT count(*) FROM challenges").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("weights", "error"),
    [
        (("33,33", "33,33", "33,33"), None),  # 99,99 %: within the stated 0,01 point
        ((33.33, 33.33, 33.33), None),  # the same weights as floats (an imported sheet): read exactly
        (("40 %", "40,5 %", "19,5"), None),  # typed with the unit and French decimals
        (("33,33", "33,33", "33,32"),
         "Les pondérations totalisent 99,98 % : elles doivent faire 100 % (à 0,01 point près)."),
        (("50", "50,02", None), "Les pondérations totalisent 100,02 % : elles doivent faire 100 % "
                                "(à 0,01 point près)."),
        (("50", "abc", "50"), "Pondération : « abc » n'est pas un nombre (exemples : 12 ; 12,5)."),
    ],
)
def test_weights_total_is_exact_to_the_stated_tolerance(empty, weights, error):
    obj = objective_ids(empty)
    typed = dict(zip([obj[1], obj[2], obj[3]], weights, strict=True))
    assert challenges.weights_error(typed) == error
    if error is None:
        challenge_id = challenges.create_challenge(empty, SYSTEM, title="Un défi", description="",
                                                   workshop_id=None, weights=typed)
        read = challenges.read_weights(typed)
        total = sum(read.values())
        assert challenges.get_challenge(empty, challenge_id).weights == {
            o: round(float(w / total) * 100, 2) for o, w in read.items()}  # normalised to sum 1
    else:
        with pytest.raises(ValidationError) as info:
            challenges.create_challenge(empty, SYSTEM, title="Un défi", description="", workshop_id=None,
                                        weights=typed)
        # the form names the objective of an unreadable weight: « Pondération (objectif 2 · …) : »
        assert info.value.fields["weights"].replace(" (objectif 2 · Animation territoriale)", "") == error
        assert empty.execute("SELECT count(*) FROM challenges").fetchone()[0] == 0


def test_challenge_title_is_required_and_unique(empty):
    obj = objective_ids(empty)
    challenges.create_challenge(empty, SYSTEM, title="Former les élus", description=None, workshop_id=None,
                                weights={obj[1]: 100})
    for title, words in [("", "titre"), ("FORMER les élus ", "déjà ce titre"), ("t" * 200, "au plus")]:
        with pytest.raises(ValidationError) as info:
            challenges.create_challenge(empty, SYSTEM, title=title, description=None, workshop_id=None,
                                        weights={obj[1]: 100})
        assert words in info.value.fields["title"]


def test_challenge_put_to_a_vote_cannot_be_deleted(con):
    voted = con.execute(
        "SELECT min(item_id) FROM round_items i JOIN rounds r ON r.id = i.round_id "
        "WHERE r.target = 'challenges'"
    ).fetchone()[0]
    with pytest.raises(ValidationError):
        challenges.delete_challenge(con, SYSTEM, voted)
    obj = objective_ids(con)
    fresh = challenges.create_challenge(con, SYSTEM, title="Un défi tout neuf", description=None,
                                        workshop_id=None, weights={obj[2]: 100})
    challenges.delete_challenge(con, SYSTEM, fresh)
    assert fresh not in {c.id for c in challenges.list_challenges(con)}


# --- imports --------------------------------------------------------------------------------------------

FINDINGS_CSV = (
    "Atelier;TYPE;Texte;Objectifs;Groupe;Type de participant\r\n"
    "1;frein;Les élus connaissent mal les PTCE;1, 2;Table 1;Collectivité territoriale\r\n"
    "Atelier 2 : financement;Levier;Un fonds mutualisé;Financer l'accompagnement des coopérations;;"
    "financeur\r\n"
    "compétences et métiers;constats;Métier non reconnu;4;Table 3;\r\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_import_findings_from_french_excel_csv(empty, encoding):
    ids = diagnosis_import.import_findings(empty, SYSTEM, FINDINGS_CSV.encode(encoding), "constats.csv")
    assert len(ids) == 3
    wall = {f.text: f for f in diagnosis.list_findings(empty)}
    assert wall["Les élus connaissent mal les PTCE"].objective_numbers == [1, 2]
    assert wall["Les élus connaissent mal les PTCE"].participant_kind == "collectivite"
    fund, job = wall["Un fonds mutualisé"], wall["Métier non reconnu"]
    assert (fund.workshop_number, fund.kind, job.workshop_number, job.kind) == (
        2, "levier", 3, "constat")
    [(_, operation, _, after)] = audit(empty, "finding")
    assert operation == "import" and json.loads(after)["ids"] == ids


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "vide"),
        (b"atelier|type|texte|objectifs\r\n1|frein|a|1\r\n", "séparateur"),
        (b"atelier;type;texte\r\n1;frein;a\r\n", "absente : objectifs"),
        ("atelier;type;texte;objectifs\r\n1;frein;déjà\r\n".encode() + "2;frein;élu;1\r\n".encode("cp1252"),
         "mélange"),
        (b"atelier;type;texte;objectifs\r\n1;frein;a;1\r\n1;frein;b;Objectif 9\r\n",
         "ligne 3 : objectif inconnu"),
        (b"atelier;type;texte;objectifs\r\n1;frein;Texte;1\r\n2;frein;a;1\r\n1;Frein; texte ;2\r\n",
         "ligne 4 : doublon de la ligne 2"),
        (b"atelier;type;texte;objectifs\r\n1;frein;;1\r\n", "ligne 2 : Le texte est vide"),
        (b"atelier;type;texte;objectifs\r\n1;frein;a;1\r\n2,levier,b,1\r\n", "ligne 3 : séparateur"),
    ],
    ids=["empty", "wrong-separator", "missing-column", "bad-encoding", "unknown-objective", "duplicated-rows",
         "empty-text", "row-with-other-separator"],
)
def test_malformed_findings_files_write_nothing(empty, data, expected):
    with pytest.raises(ImportRejected) as info:
        diagnosis_import.import_findings(empty, SYSTEM, data, "constats.csv")
    assert expected in info.value.report()
    assert empty.execute("SELECT count(*) FROM findings").fetchone()[0] == 0
    assert empty.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0


def test_importing_the_same_file_twice_is_refused_as_duplicates(empty):
    diagnosis_import.import_findings(empty, SYSTEM, FINDINGS_CSV.encode(), "constats.csv")
    with pytest.raises(ImportRejected) as info:
        diagnosis_import.import_findings(empty, SYSTEM, FINDINGS_CSV.encode(), "constats.csv")
    assert [n for n, _ in info.value.rows] == [2, 3, 4]
    assert all("déjà présent" in reason for _, reason in info.value.rows)
    assert len(diagnosis.list_findings(empty)) == 3


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_templates_import_as_they_are(empty, file_format):
    assert len(diagnosis_import.import_findings(
        empty, SYSTEM, diagnosis_import.findings_template(file_format), f"modele.{file_format}")) == 3
    template = diagnosis_import.challenges_template(empty, file_format)
    [challenge_id] = diagnosis_import.import_challenges(empty, SYSTEM, template, f"defis.{file_format}")
    assert challenges.list_challenges(empty)[0].weights == {2: 0.4, 3: 0.6}
    assert challenges.get_challenge(empty, challenge_id).workshop_id == workshop_ids(empty)[2]


def test_import_challenges_with_weights_and_provenance_or_nothing(empty):
    a, b = add(empty, 1, "frein", "A"), add(empty, 1, "levier", "B")
    good = (
        "titre;description;atelier;objectif 1 (%);Objectif 2;objectif 3;objectif 4;objectif 5;constats\r\n"
        f"Défi un;;1;50 %;50;;;;{a}, {b}\r\n"
        "Défi deux;Texte;;33,5;66,5;0;;;\r\n"
    )
    ids = diagnosis_import.import_challenges(empty, SYSTEM, good.encode("cp1252"), "defis.csv")
    assert [c.title for c in challenges.list_challenges(empty)] == ["Défi un", "Défi deux"]
    assert challenges.get_challenge(empty, ids[0]).finding_ids == [a, b]
    bad = (
        "titre;objectif 1;objectif 2;objectif 3;objectif 4;objectif 5;constats\r\n"
        "Nouveau;60;30;;;;\r\n"
        "Autre;0,5;0,5;;;;\r\n"
        "Défi un;100;;;;;\r\n"
        "Encore;100;;;;;999\r\n"
        "Dernier;beaucoup;;;;;\r\n"
        "Bis;100;;;;;\r\n"
        "bis;100;;;;;\r\n"
    )
    with pytest.raises(ImportRejected) as info:
        diagnosis_import.import_challenges(empty, SYSTEM, bad.encode(), "defis.csv")
    reasons = dict(info.value.rows)
    assert "totalisent 90" in reasons[2] and "pourcentages" in reasons[3] and "déjà ce titre" in reasons[4]
    assert "999" in reasons[5] and "« beaucoup » n'est pas un nombre" in reasons[6]
    assert "doublon de la ligne 7" in reasons[8]
    assert len(challenges.list_challenges(empty)) == 2


@pytest.mark.slow
def test_cli_imports_and_refuses_with_the_french_report(fresh_db, tmp_path):
    good = tmp_path / "constats.csv"
    good.write_bytes(FINDINGS_CSV.encode("cp1252"))
    bad = tmp_path / "mauvais.csv"
    bad.write_bytes(b"atelier;type;texte;objectifs\r\n7;frein;a;1\r\n")
    run = [sys.executable, "-m", "labo_dash", "import", "findings"]
    ok = subprocess.run([*run, str(good), "--db", str(fresh_db)], capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0 and "3 constats importés" in ok.stdout
    assert "depuis constats.csv (CSV, séparateur « ; », Windows-1252)" in ok.stdout
    refused = subprocess.run([*run, str(bad), "--db", str(fresh_db)], capture_output=True, text=True,
                             cwd=ROOT)
    assert refused.returncode == 1
    assert "ligne 2 : atelier inconnu « 7 »" in refused.stderr and "Traceback" not in refused.stderr
    con = db.open_database(fresh_db)
    assert con.execute("SELECT count(*) FROM findings").fetchone()[0] == 3
    con.close()


# --- imports: Excel's own conventions --------------------------------------------------------------------

CHALLENGE_HEADER = ["titre", "objectif 1", "objectif 2", "objectif 3", "objectif 4", "objectif 5"]


def test_a_weight_typed_40_5_percent_reads_40_5(empty):
    data = "titre;objectif 1;objectif 2;objectif 3;objectif 4;objectif 5\r\nDéfi;40,5 %;59,5\u00a0%;;;\r\n"
    [challenge_id] = diagnosis_import.import_challenges(empty, SYSTEM, data.encode(), "defis.csv")
    obj = objective_ids(empty)
    assert challenges.get_challenge(empty, challenge_id).weights == {obj[1]: 40.5, obj[2]: 59.5}


def test_weights_in_percent_formatted_cells_read_as_shown(empty):
    data = workbook_bytes(("Défis", "visible", [CHALLENGE_HEADER, ["Défi", 0.405, 0.595, None, None, None]]),
                          formats=[("Défis", "B2", "0.0%"), ("Défis", "C2", "0.0%")])
    preview = diagnosis_import.parse_challenges(empty, data, "defis.xlsx")
    obj = objective_ids(empty)
    weights = preview.rows[0]["weights"]
    assert {o: round(w * 100, 6) for o, w in weights.items()} == {obj[1]: 40.5, obj[2]: 59.5}
    assert preview.source == "feuille « Défis »"


def test_an_unreadable_weight_is_refused_saying_what_was_read(empty):
    data = "titre;objectif 1;objectif 2;objectif 3;objectif 4;objectif 5\r\nDéfi;40,5,3;;;;\r\n"
    with pytest.raises(ImportRejected) as info:
        diagnosis_import.import_challenges(empty, SYSTEM, data.encode(), "defis.csv")
    assert info.value.rows == [
        (2, "Pondération (objectif 1) : « 40,5,3 » n'est pas un nombre (exemples : 12 ; 12,5).")]
    assert empty.execute("SELECT count(*) FROM challenges").fetchone()[0] == 0


@pytest.mark.parametrize("separator", [";", ","])
def test_a_findings_csv_with_a_sep_line_imports(empty, separator):
    body = FINDINGS_CSV if separator == ";" else FINDINGS_CSV.replace(";", ",").replace("1, 2", '"1, 2"')
    data = f"sep={separator}\r\n{body}".encode("utf-8-sig")
    preview = diagnosis_import.parse_findings(empty, data, "constats.csv")
    assert [r["line"] for r in preview.rows] == [2, 3, 4]
    assert len(diagnosis_import.import_findings(empty, SYSTEM, data, "constats.csv")) == 3


def test_a_refused_sep_findings_file_gives_excel_line_numbers(empty):
    data = b"sep=;\r\natelier;type;texte;objectifs\r\n1;frein;a;1\r\n1;frein;b;Objectif 9\r\n"
    with pytest.raises(ImportRejected) as info:
        diagnosis_import.import_findings(empty, SYSTEM, data, "constats.csv")
    assert [n for n, _ in info.value.rows] == [3]
    assert "ajoutez 1" in str(info.value)
    assert empty.execute("SELECT count(*) FROM findings").fetchone()[0] == 0


def test_findings_of_a_hidden_first_sheet_are_not_imported(empty):
    header = ["atelier", "type", "texte", "objectifs"]
    data = workbook_bytes(("Brouillon", "hidden", [header, [1, "frein", "Brouillon caché", 1]]),
                          ("Constats", "visible", [header, [2, "levier", "Fonds mutualisé", 3]]))
    preview = diagnosis_import.parse_findings(empty, data, "constats.xlsx")
    assert [r["text"] for r in preview.rows] == ["Fonds mutualisé"]
    assert preview.source == "feuille « Constats » ; non lue : « Brouillon » (masquée)"


def test_every_wrong_weight_is_named_with_its_objective(con):
    """150 and -50 gave only « Pondération : « 150 » lu… », without the objective and without the -50."""
    with pytest.raises(ValidationError) as error:
        challenges.validate_challenge(con, title="Défi aux poids faux", description=None, workshop_id=None,
                                      weights={1: "150", 2: "-50"})
    message = error.value.fields["weights"]
    assert "Pondération (objectif 1 · " in message and "« 150 » lu" in message
    assert "Pondération (objectif 2 · " in message and "« -50 » lu" in message


def test_the_finding_kinds_are_the_labelled_codes():
    assert list(diagnosis.FindingKind) == list(french.FINDING_KINDS)
    assert diagnosis.FindingKind.OBSTACLE == "frein"  # the stored value stays the same string
