"""/diagnostic in-process (AppTest): capture a finding, keep typed input on errors, formulate a défi."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from labo_dash import challenges, db, diagnosis

PAGE = "pages/diagnostic.py"


@pytest.fixture
def app(demo_db, monkeypatch):
    monkeypatch.setenv("LABO_DB", str(demo_db))
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    yield at
    db.close(demo_db)


def findings_count() -> int:
    return len(diagnosis.list_findings(db.connect()))


def test_capture_saves_clears_the_text_and_keeps_workshop_and_kind(app):
    before = findings_count()
    app.selectbox(key="cap_workshop").set_value(2)
    app.segmented_control(key="cap_kind").set_value("levier")
    app.text_area(key="cap_text").input("Un guichet unique de l'accompagnement par territoire")
    app.pills(key="cap_objectives").set_value([2, 5])
    app.text_input(key="cap_group").input("Table 7")
    next(b for b in app.button if b.label == "Enregistrer le constat").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert findings_count() == before + 1
    newest = diagnosis.list_findings(db.connect())[0]
    assert newest.text == "Un guichet unique de l'accompagnement par territoire"
    assert newest.kind == "levier" and newest.objective_numbers == [2, 5]
    assert newest.workshop_number == 2 and newest.group_label == "Table 7"
    assert app.text_area(key="cap_text").value == "" and app.pills(key="cap_objectives").value == []
    assert app.segmented_control(key="cap_kind").value == "levier"
    assert app.text_input(key="cap_group").value == "Table 7"
    assert any("enregistré" in t.value for t in app.toast)
    assert any("Un guichet unique" in m.value for m in app.markdown)  # visible at once beside the form


def test_capture_refused_keeps_what_was_typed_with_french_messages(app):
    before = findings_count()
    app.text_area(key="cap_text").input("   ")
    app.pills(key="cap_objectives").set_value([3])
    next(b for b in app.button if b.label == "Enregistrer le constat").click().run()
    assert findings_count() == before
    errors = [e.value for e in app.error]
    assert any("Le texte est vide" in e for e in errors)
    assert app.pills(key="cap_objectives").value == [3]
    app.text_area(key="cap_text").input("Les financeurs ne se parlent pas")
    app.pills(key="cap_objectives").set_value([])
    next(b for b in app.button if b.label == "Enregistrer le constat").click().run()
    assert findings_count() == before
    assert any("au moins un des cinq objectifs" in e.value for e in app.error)
    assert app.text_area(key="cap_text").value == "Les financeurs ne se parlent pas"


def test_formulate_a_defi_from_selected_findings_with_suggested_weights(app):
    con = db.connect()
    picked = [f.id for f in diagnosis.list_findings(con, kind="frein")[:3]]
    app.segmented_control(key="diagnostic_view").set_value("defis").run()
    for finding_id in picked:
        app.checkbox(key=f"sort_pick_{finding_id}").check()
    next(b for b in app.button if b.label == "Formuler un défi").click().run()
    assert not app.exception, [e.value for e in app.exception]
    suggested = challenges.suggest_weights(con, picked)
    weights = {o: app.text_input(key=f"ch_weight_{o}").value for o in range(1, 6)}
    assert {o: w for o, w in weights.items() if w != "0"} == {o: str(w) for o, w in suggested.items()}
    assert sorted(app.multiselect(key="ch_findings").value) == sorted(picked)
    # a wrong total is refused next to the weights, and the typed title stays
    app.text_input(key="ch_title").input("Sortir de la logique d'appels à projets")
    first = next(o for o, w in weights.items() if w != "0")
    app.text_input(key=f"ch_weight_{first}").input(str(int(weights[first]) + 10))
    next(b for b in app.button if b.label == "Créer le défi").click().run()
    assert any("doivent faire 100 %" in e.value for e in app.error)
    assert app.text_input(key="ch_title").value == "Sortir de la logique d'appels à projets"
    before = len(challenges.list_challenges(con))
    app.text_input(key=f"ch_weight_{first}").input(weights[first])
    next(b for b in app.button if b.label == "Créer le défi").click().run()
    assert not app.exception
    created = challenges.list_challenges(con)
    assert len(created) == before + 1
    new = created[-1]
    assert new.title == "Sortir de la logique d'appels à projets" and new.finding_count == 3
    assert sum(new.weights.values()) == pytest.approx(1)
    assert any("Défi n°" in s.value for s in app.success)


def test_weights_typed_as_french_decimals_or_with_a_unit_are_read_exactly(app):
    con = db.connect()
    app.segmented_control(key="diagnostic_view").set_value("defis").run()
    next(b for b in app.button if b.label == "Formuler un défi").click().run()
    app.text_input(key="ch_title").input("Partager les outils d'évaluation")
    for objective, typed in zip(range(1, 6), ["33,33", "33,33", "33,32", "", ""], strict=True):
        app.text_input(key=f"ch_weight_{objective}").input(typed)
    next(b for b in app.button if b.label == "Créer le défi").click().run()
    assert "Les pondérations totalisent 99,98 % : elles doivent faire 100 % (à 0,01 point près)." in [
        e.value for e in app.error]
    assert app.text_input(key="ch_weight_3").value == "33,32"  # kept as typed
    before = len(challenges.list_challenges(con))
    app.text_input(key="ch_weight_3").input("33,33 %")  # 99,99 %: within 0,01 point
    next(b for b in app.button if b.label == "Créer le défi").click().run()
    assert not app.exception
    created = challenges.list_challenges(con)
    assert len(created) == before + 1
    assert created[-1].weights == pytest.approx({1: 1 / 3, 2: 1 / 3, 3: 1 / 3})


def test_every_view_runs(app):
    for view in ["mur", "defis", "barometre", "import"]:
        app.segmented_control(key="diagnostic_view").set_value(view).run()
        assert not app.exception, (view, [e.value for e in app.exception])
    app.segmented_control(key="diagnostic_view").set_value("mur").run()
    assert any("constats · tous les ateliers" in s.value for s in app.subheader)


def test_barometer_paper_answers_are_recorded_then_the_form_clears(app):
    from labo_dash import barometer

    app.segmented_control(key="diagnostic_view").set_value("barometre").run()
    before = barometer.respondents(db.connect())
    app.segmented_control(key="baro_paper_1").set_value(2)
    app.segmented_control(key="baro_paper_3").set_value(0)  # je ne sais pas
    app.text_input(key="baro_paper_territory").input("t" * 10)
    app.selectbox(key="baro_paper_kind").set_value("collectivite")
    next(b for b in app.button if b.label == "Enregistrer mes réponses").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert barometer.respondents(db.connect()) == before + 1
    counts = barometer.distribution(db.connect(), participant_kind="collectivite", territory="t" * 10)
    by = {(r.number, r.score): r.ratings for r in counts.itertuples()}
    assert by[(1, 2)] == 1 and by[(3, 0)] == 1
    assert any("enregistrées" in s.value for s in app.success)
    assert app.segmented_control(key="baro_paper_1").value is None
    next(b for b in app.button if b.label == "Enregistrer mes réponses").click().run()
    assert any("au moins un objectif" in e.value for e in app.error)


def test_findings_for_a_defi_are_ticked_in_a_filtered_list_and_only_those_are_chosen(app):
    con = db.connect()
    app.segmented_control(key="diagnostic_view").set_value("defis").run()
    assert not [m for m in app.multiselect if m.key == "sort_ids"]  # no search box selecting every match
    everything = diagnosis.list_findings(con)
    app.multiselect(key="sort_filter_workshops").set_value([2])
    app.pills(key="sort_filter_kinds").set_value(["levier"])
    next(b for b in app.button if b.label == "Filtrer").click().run()
    levers = [f.id for f in diagnosis.list_findings(con, workshop_id=2, kind="levier")]
    shown = sorted(int(c.key.removeprefix("sort_pick_")) for c in app.checkbox
                   if c.key.startswith("sort_pick_"))
    assert shown == sorted(levers) and 2 < len(levers) < len(everything)
    for finding_id in levers[:2]:
        app.checkbox(key=f"sort_pick_{finding_id}").check()
    app.multiselect(key="sort_filter_workshops").set_value([1])  # ticks are kept through a filter change
    next(b for b in app.button if b.label == "Filtrer").click().run()
    assert any(c.value.startswith("2 constats choisis, dont 2 hors des filtres") for c in app.caption)
    other = diagnosis.list_findings(con, workshop_id=1, kind="levier")[0].id
    app.checkbox(key=f"sort_pick_{other}").check()
    next(b for b in app.button if b.label == "Formuler un défi").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert sorted(app.multiselect(key="ch_findings").value) == sorted([*levers[:2], other])
    assert app.multiselect(key="ch_findings").proto.select_all == 0  # no « Select N matches » either
