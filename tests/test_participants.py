"""Participants: registration, personal codes, import from French files, walk-in self-registration."""

from __future__ import annotations

import re

import pytest

from labo_dash import db, participants, settings
from labo_dash.access import ANONYMOUS, ORGANISER, PARTNER, Actor
from labo_dash.errors import ImportRejected, PermissionDenied, ValidationError

ORGANISER_ACTOR = Actor(ORGANISER, "Hélène")
WALK_IN = Actor(ANONYMOUS, "inscription sur place")
CODE = re.compile(f"^[{participants.CODE_ALPHABET}]{{{participants.CODE_LENGTH}}}$")


def count(con) -> int:
    return db.query(con, "SELECT count(*) AS n FROM participants")[0]["n"]


def test_codes_use_an_alphabet_without_look_alikes():
    assert not set("01ILO") & set(participants.CODE_ALPHABET)
    drawn = {participants.new_code() for _ in range(2000)}
    assert len(drawn) == 2000 and all(CODE.match(code) for code in drawn)
    assert set("".join(drawn)) == set(participants.CODE_ALPHABET)  # every character is used


def test_register_gives_a_unique_code_and_is_audited(fresh_db):
    con = db.open_database(fresh_db)
    try:
        first = participants.register_participant(
            con, ORGANISER_ACTOR, {"name": " Camille Durand ", "structure": "PTCE Pays de Morlaix",
                                   "kind": "PTCE", "territory": "Bretagne"}
        )
        second = participants.register_participant(
            con, ORGANISER_ACTOR, {"name": "Awa Koné", "kind": "Collectivité territoriale"}
        )
        assert CODE.match(first["code"]) and first["code"] != second["code"]
        assert first["name"] == "Camille Durand" and second["kind"] == "collectivite"
        found = participants.participant_by_code(con, f"{first['code'][:4].lower()} {first['code'][4:]}")
        assert found["id"] == first["id"]
        assert participants.participant_by_code(con, "ABC") is None
        assert db.query(con, "SELECT count(*) AS n FROM audit_log WHERE entity = 'participants'")[0]["n"] == 2
    finally:
        con.close()


def test_bad_participant_is_refused_field_by_field(con):
    before = count(con)
    with pytest.raises(ValidationError) as refused:
        participants.register_participant(
            con, ORGANISER_ACTOR, {"name": "", "kind": "martien", "email": "pas-un-mail"}
        )
    assert set(refused.value.fields) == {"name", "kind", "email"}
    assert "PTCE" in refused.value.fields["kind"]
    with pytest.raises(PermissionDenied):
        participants.register_participant(con, Actor(PARTNER, "p"), {"name": "X", "kind": "ptce"})
    assert count(con) == before


def test_self_registration_only_when_organisers_allow_it(con):
    values = {"name": "Jeanne Petit", "structure": "Tiers-lieu", "kind": "autre", "territory": "Creuse"}
    with pytest.raises(ValidationError, match="pas ouverte"):
        participants.self_register(con, WALK_IN, values)
    settings.set_setting(con, ORGANISER_ACTOR, participants.SELF_REGISTRATION, True)
    created = participants.self_register(con, WALK_IN, values)
    assert CODE.match(created["code"])
    row = db.query(con, "SELECT self_registered, email FROM participants WHERE id = ?", [created["id"]])[0]
    assert row["self_registered"] and row["email"] is None


def test_import_french_excel_csv(con):
    before = count(con)
    data = (
        "\ufeffNom;Structure;Type de participant;Territoire;E-mail\r\n"
        "Léa Fontaine;Coopérative Oxalis;Accompagnateur·ice;Auvergne-Rhône-Alpes;lea@exemple.org\r\n"
        "Hugo Renaud;Ville de Brest;collectivite;Bretagne;\r\n"
    ).encode("utf-8")
    created = participants.import_participants(con, ORGANISER_ACTOR, data, "inscrits.csv")
    assert [p["name"] for p in created] == ["Léa Fontaine", "Hugo Renaud"]
    assert all(CODE.match(p["code"]) for p in created) and count(con) == before + 2
    windows = "nom;structure;type de participant;territoire\r\nZoé Bérard;Réseau;Réseau;Île-de-France\r\n"
    assert participants.import_participants(con, ORGANISER_ACTOR, windows.encode("cp1252"), "w.csv")


def test_import_with_bad_rows_writes_nothing_and_reports_every_line(con):
    before = count(con)
    existing = db.query(con, "SELECT name, structure FROM participants ORDER BY id LIMIT 1")[0]
    data = (
        "nom;structure;type de participant;territoire\n"
        "Ok Personne;Structure A;PTCE;Bretagne\n"
        ";Structure B;PTCE;Bretagne\n"
        "Ok Personne;Structure A;PTCE;Bretagne\n"
        "Quelqu'un;Structure C;martien;Bretagne\n"
        f"{existing['name']};{existing['structure']};PTCE;Bretagne\n"
    ).encode()
    with pytest.raises(ImportRejected) as refused:
        participants.import_participants(con, ORGANISER_ACTOR, data, "inscrits.csv")
    lines = [line for line, _ in refused.value.rows]
    assert lines == [3, 4, 5, 6]
    reasons = dict(refused.value.rows)
    assert "ligne 2" in reasons[4] and "déjà inscrit" in reasons[6] and "type de participant" in reasons[5]
    assert count(con) == before
    with pytest.raises(ImportRejected, match="Colonne"):
        participants.import_participants(con, ORGANISER_ACTOR, b"nom;structure\nA;B\n", "x.csv")
    assert count(con) == before


def test_import_template_reads_back(fresh_db):
    template = participants.import_template()
    assert template.startswith(b"\xef\xbb\xbf") and b"type de participant" in template
    con = db.open_database(fresh_db)
    try:
        rows = participants.read_participants(con, template, "modele.csv").rows
        assert len(rows) == 1 and rows[0]["kind"] == "ptce"
    finally:
        con.close()


def test_cli_registers_a_file_and_prints_the_badges(fresh_db, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from pypdf import PdfReader

    root = Path(__file__).resolve().parents[1]
    people = tmp_path / "inscrits.csv"
    people.write_bytes("Nom;Structure;Type de participant;Territoire\r\n"
                       "Élise Martin;Réseau Cap;PTCE;Bretagne\r\n"
                       "Jean Dupont;;collectivité;Occitanie\r\n".encode("cp1252"))
    run = [sys.executable, "-m", "labo_dash"]
    ok = subprocess.run([*run, "import", "participants", str(people), "--db", str(fresh_db)],
                        capture_output=True, text=True, cwd=root)
    assert ok.returncode == 0 and "2 participant·e·s inscrit·e·s" in ok.stdout
    again = subprocess.run([*run, "import", "participants", str(people), "--db", str(fresh_db)],
                           capture_output=True, text=True, cwd=root)
    assert again.returncode == 1 and "ligne 2 : Élise Martin (Réseau Cap) est déjà inscrit·e." in again.stderr
    assert "Traceback" not in again.stderr

    sheet = tmp_path / "badges.pdf"
    printed = subprocess.run([*run, "badges", "--db", str(fresh_db), "--out", str(sheet),
                              "--base-url", "https://vote.exemple.org/"],
                             capture_output=True, text=True, cwd=root)
    assert printed.returncode == 0 and "2 badges" in printed.stdout
    text = PdfReader(sheet).pages[0].extract_text()
    con = db.open_database(fresh_db)
    codes = [r["code"] for r in db.query(con, "SELECT code FROM participants ORDER BY name")]
    con.close()
    assert len(codes) == 2 and "Élise Martin" in text
    assert all(f"{code[:4]} {code[4:]}" in text for code in codes)


def people_workbook(*sheets: tuple[str, str, list[list[object]]], active: int) -> bytes:
    """Return a workbook of (title, state, rows) sheets with the given active sheet."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, state, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    book.active = active
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADER = ["nom", "structure", "type de participant", "territoire"]


def test_a_hidden_first_sheet_is_not_registered_the_visible_active_one_is(con):
    before = count(con)
    old, new = ["Ancien Inscrit", "Réseau", "PTCE", "Bretagne"], ["Nouvelle Venue", "Coop", "PTCE", "Creuse"]
    data = people_workbook(("Liste 2025", "hidden", [HEADER, old]),
                           ("Inscrits 2026", "visible", [HEADER, new]), active=1)
    preview = participants.read_participants(con, data, "inscrits.xlsx")
    assert preview.source == "feuille « Inscrits 2026 » ; non lue : « Liste 2025 » (masquée)"
    created = participants.import_participants(con, ORGANISER_ACTOR, data, "inscrits.xlsx")
    assert [p["name"] for p in created] == ["Nouvelle Venue"] and count(con) == before + 1


def test_people_only_on_a_hidden_sheet_are_refused_and_nobody_is_registered(con):
    before = count(con)
    data = people_workbook(("Inscrits", "hidden", [HEADER, ["Caché", "Réseau", "PTCE", "Bretagne"]]),
                           ("Feuil1", "visible", []), active=1)
    with pytest.raises(ImportRejected) as refused:
        participants.import_participants(con, ORGANISER_ACTOR, data, "inscrits.xlsx")
    assert "dans une feuille masquée (« Inscrits »), qui n'est pas lue" in str(refused.value)
    assert count(con) == before


def test_a_participants_csv_with_a_sep_line(con):
    text = "sep=,\r\nnom,structure,type de participant,territoire\r\nAlí Ben,Coop,PTCE,Nord\r\n"
    data = text.encode("cp1252")
    preview = participants.read_participants(con, data, "inscrits.csv")
    assert [(r["line"], r["name"]) for r in preview.rows] == [(2, "Alí Ben")]


def test_cli_prints_the_sheet_it_read(fresh_db, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    people = tmp_path / "inscrits.xlsx"
    old, new = ["Ancien", "Réseau", "PTCE", "Nord"], ["Élise Martin", "", "PTCE", ""]
    people.write_bytes(people_workbook(("Liste 2025", "hidden", [HEADER, old]),
                                      ("Inscrits 2026", "visible", [HEADER, new]), active=1))
    run = [sys.executable, "-m", "labo_dash", "import", "participants", str(people), "--db", str(fresh_db)]
    ok = subprocess.run(run, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    assert ok.returncode == 0, ok.stderr
    assert ("1 participant·e inscrit·e, avec un code, depuis inscrits.xlsx "
            "(feuille « Inscrits 2026 » ; non lue : « Liste 2025 » (masquée))") in ok.stdout
