"""Participants: registration, personal codes, import from French files, walk-in self-registration."""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings

import pandas as pd
import pytest

from labo_dash import clock, db, participants, settings
from labo_dash.access import ANONYMOUS, ORGANISER, PARTNER, Actor
from labo_dash.errors import ImportRejected, PermissionDenied, ValidationError
from tests.workbooks import workbook_bytes

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
        assert CODE.match(first.code) and first.code != second.code
        assert first.name == "Camille Durand" and second.kind == "collectivite"
        found = participants.participant_by_code(con, f"{first.code[:4].lower()} {first.code[4:]}")
        assert found.id == first.id
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
    assert CODE.match(created.code)
    row = db.query(con, "SELECT self_registered, email FROM participants WHERE id = ?", [created.id])[0]
    assert row["self_registered"] and row["email"] is None


def test_import_french_excel_csv(con):
    before = count(con)
    data = (
        "\ufeffNom;Structure;Type de participant;Territoire;E-mail\r\n"
        "Léa Fontaine;Coopérative Oxalis;Accompagnateur·ice;Auvergne-Rhône-Alpes;lea@exemple.org\r\n"
        "Hugo Renaud;Ville de Brest;collectivite;Bretagne;\r\n"
    ).encode("utf-8")
    created = participants.import_participants(con, ORGANISER_ACTOR, data, "inscrits.csv")
    assert [p.name for p in created] == ["Léa Fontaine", "Hugo Renaud"]
    assert all(CODE.match(p.code) for p in created) and count(con) == before + 2
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


@pytest.mark.slow
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


HEADER = ["nom", "structure", "type de participant", "territoire"]


def test_a_hidden_first_sheet_is_not_registered_the_visible_active_one_is(con):
    before = count(con)
    old, new = ["Ancien Inscrit", "Réseau", "PTCE", "Bretagne"], ["Nouvelle Venue", "Coop", "PTCE", "Creuse"]
    data = workbook_bytes(("Liste 2025", "hidden", [HEADER, old]),
                          ("Inscrits 2026", "visible", [HEADER, new]), active=1)
    preview = participants.read_participants(con, data, "inscrits.xlsx")
    assert preview.source == "feuille « Inscrits 2026 » ; non lue : « Liste 2025 » (masquée)"
    created = participants.import_participants(con, ORGANISER_ACTOR, data, "inscrits.xlsx")
    assert [p.name for p in created] == ["Nouvelle Venue"] and count(con) == before + 1


def test_people_only_on_a_hidden_sheet_are_refused_and_nobody_is_registered(con):
    before = count(con)
    data = workbook_bytes(("Inscrits", "hidden", [HEADER, ["Caché", "Réseau", "PTCE", "Bretagne"]]),
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


@pytest.mark.slow
def test_cli_prints_the_sheet_it_read(fresh_db, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    people = tmp_path / "inscrits.xlsx"
    old, new = ["Ancien", "Réseau", "PTCE", "Nord"], ["Élise Martin", "", "PTCE", ""]
    people.write_bytes(workbook_bytes(("Liste 2025", "hidden", [HEADER, old]),
                                     ("Inscrits 2026", "visible", [HEADER, new]), active=1))
    run = [sys.executable, "-m", "labo_dash", "import", "participants", str(people), "--db", str(fresh_db)]
    ok = subprocess.run(run, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    assert ok.returncode == 0, ok.stderr
    assert ("1 participant·e inscrit·e, avec un code, depuis inscrits.xlsx "
            "(feuille « Inscrits 2026 » ; non lue : « Liste 2025 » (masquée))") in ok.stdout



# --- Presence ----------------------------------------------------------------------------------------------

T0 = dt.datetime(2026, 11, 26, 8, 45, tzinfo=dt.UTC)


def present(con) -> dict[str, dt.datetime | None]:
    rows = db.query(con, "SELECT code, checked_in_at FROM participants")
    return {r["code"]: r["checked_in_at"] for r in rows}


def before_the_doors_open(con) -> None:
    """The demo checks in its voters and walk-ins: start these tests from an empty room."""
    con.execute("UPDATE participants SET checked_in_at = NULL")


@pytest.fixture
def light(demo_db, monkeypatch):
    """A Starlette test client on the light pages of a demo database; yields (client, con)."""
    from starlette.applications import Starlette

    from labo_dash.phone.ballot import routes

    monkeypatch.setenv("LABO_DB", str(demo_db))
    con = db.connect(demo_db)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette's test client would rather have httpx2 than httpx
        from starlette.testclient import TestClient

        client = TestClient(Starlette(routes=routes()))
    with client:
        yield client, con
    db.close(demo_db)


def test_opening_the_light_ballot_with_ones_code_checks_in_once(light):
    client, con = light
    code, other = [r["code"] for r in db.query(con, "SELECT code FROM participants ORDER BY id LIMIT 2")]
    before_the_doors_open(con)
    assert participants.presence(con) == participants.Presence(0, 80)
    with clock.frozen(T0):
        assert client.get("/bulletin", params={"code": code}).status_code == 200
    assert present(con)[code] == dt.datetime(2026, 11, 26, 8, 45) and present(con)[other] is None
    with clock.frozen(T0 + dt.timedelta(hours=2)):
        client.get("/bulletin", params={"code": code})  # back later: the first check-in stays
        client.get("/contribuer", params={"code": other})  # the posts page checks in too
    assert present(con)[code] == dt.datetime(2026, 11, 26, 8, 45)
    assert present(con)[other] == dt.datetime(2026, 11, 26, 10, 45)
    assert participants.presence(con, now=T0).sentence() == "2 présent·e·s sur 80 inscrit·e·s"
    client.get("/bulletin", params={"code": "ZZZZ9999"})  # an unknown code checks nobody in
    assert participants.presence(con, now=T0).present == 2
    assert not db.query(con, "SELECT 1 FROM audit_log WHERE entity = 'participants'")  # not audited


def test_a_walk_in_is_present_from_registration(con):
    settings.set_setting(con, ORGANISER_ACTOR, participants.SELF_REGISTRATION, True)
    with clock.frozen(T0):
        created = participants.self_register(con, WALK_IN, {"name": "Léa Petit", "kind": "autre"})
    assert present(con)[created.code] == dt.datetime(2026, 11, 26, 8, 45)
    registered = participants.register_participant(con, ORGANISER_ACTOR, {"name": "Inscrit", "kind": "autre"})
    assert present(con)[registered.code] is None  # registered ahead by organisers: not there yet


def test_organisers_mark_presence_in_one_audited_write(con):
    before_the_doors_open(con)
    people = participants.list_participants(con)
    first, second, third = (int(i) for i in people["id"][:3])
    with clock.frozen(T0):
        came = participants.participant_by_code(con, people["code"][0])
        participants.check_in(con, came)  # came with their phone
    with clock.frozen(T0 + dt.timedelta(minutes=30)):
        assert participants.set_presence(con, ORGANISER_ACTOR, [first, second, third]) == 2
        assert participants.set_presence(con, ORGANISER_ACTOR, [third, second, first]) == 0  # no change
    rows = participants.list_participants(con).set_index("id")["checked_in_at"]
    assert rows[first] == pd.Timestamp("2026-11-26 08:45")  # kept: the earlier check-in
    assert rows[second] == rows[third] == pd.Timestamp("2026-11-26 09:15")
    with clock.frozen(T0 + dt.timedelta(minutes=40)):
        assert participants.set_presence(con, ORGANISER_ACTOR, [first]) == 2  # second and third left
        assert participants.presence(con).sentence() == "1 présent·e sur 80 inscrit·e·s"
    log = db.query(con, "SELECT after FROM audit_log WHERE operation = 'presence' ORDER BY id")
    assert [json.loads(r["after"])["arrived"] for r in log] == [[second, third], []]
    assert json.loads(log[-1]["after"])["left"] == [second, third]
    with clock.frozen(T0 + dt.timedelta(minutes=50)):
        with pytest.raises(ValidationError, match="ne sont plus inscrites"):
            participants.set_presence(con, ORGANISER_ACTOR, [first, 99999])
        assert participants.presence(con).present == 1  # the refused write changed nothing
        with pytest.raises(PermissionDenied):
            participants.set_presence(con, Actor(PARTNER, "x"), [])
        everyone = [int(i) for i in people["id"]]
        assert participants.set_presence(con, ORGANISER_ACTOR, everyone) == 79
        assert participants.presence(con).sentence() == "80 présent·e·s sur 80 inscrit·e·s"
        assert participants.set_presence(con, ORGANISER_ACTOR, []) == 80  # « Tout marquer absent »
        assert participants.presence(con).sentence() == "0 présent·e sur 80 inscrit·e·s"
    assert json.loads(db.query(con, "SELECT after FROM audit_log WHERE operation = 'presence' "
                                    "ORDER BY id DESC LIMIT 1")[0]["after"])["left"] == sorted(everyone)


def test_presence_is_per_day_a_rehearsal_check_in_does_not_count_today(con):
    """Checked in at the rehearsal the day before: absent today; the day's first check-in replaces it, a
    later one the same day keeps it. The day is the seminar's (Paris): 23:30 UTC on the 25th is the 26th."""
    before_the_doors_open(con)
    registered = participants.list_participants(con)
    first, code = int(registered["id"][0]), registered["code"][0]
    rehearsal = T0 - dt.timedelta(days=1)
    participants.check_in(con, participants.participant_by_code(con, code), rehearsal)
    assert participants.presence(con, now=rehearsal).present == 1
    assert participants.presence(con, now=T0).present == 0  # yesterday's check-in: not present today
    people = participants.list_participants(con, now=T0).set_index("id")
    assert not people.loc[first, "present"] and people.loc[first, "checked_in_at"] == pd.Timestamp(
        "2026-11-25 08:45")
    just_after_midnight = dt.datetime(2026, 11, 25, 23, 30, tzinfo=dt.UTC)  # 00:30 in Paris, the 26th
    person = participants.participant_by_code(con, people.loc[first, "code"])
    participants.check_in(con, person, just_after_midnight)  # a new day: replaces yesterday's
    assert present(con)[people.loc[first, "code"]] == dt.datetime(2026, 11, 25, 23, 30)
    person = participants.participant_by_code(con, people.loc[first, "code"])
    participants.check_in(con, person, T0)  # later the same local day: the day's first check-in stays
    assert present(con)[people.loc[first, "code"]] == dt.datetime(2026, 11, 25, 23, 30)
    assert participants.presence(con, now=T0).present == 1
    assert participants.list_participants(con, now=T0).set_index("id").loc[first, "present"]
    assert participants.today_window(con, T0) == (dt.datetime(2026, 11, 25, 23),
                                                  dt.datetime(2026, 11, 26, 23))
