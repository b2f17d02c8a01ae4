"""/admin › « Tours de vote »: the dots' counts are typed as text and refused by the rules, never clamped."""

from __future__ import annotations

import pytest

from tests.apptest import open_page
from tests.test_vote_pages import read


@pytest.mark.parametrize(
    ("dots", "cap", "message"),
    [
        ("25", "1", "Le nombre de gommettes par personne doit être entre 1 et 20."),  # never made 20
        ("2,5", "1", "Gommettes par personne : « 2,5 » lu, un nombre entier attendu."),
        ("3", "4", "Le plafond par élément doit être entre 1 et le nombre de gommettes par personne."),
    ],
)
def test_dots_counts_out_of_range_are_refused_and_kept(app_db, dots, cap, message):
    at = open_page("pages/admin.py", {"onglet": "Tours de vote"})
    rounds_before = read(app_db, "SELECT count(*) AS n FROM rounds")[0]["n"]
    field = next(t for t in at.text_input if t.key.endswith("-title") and t.key.startswith("rules-new"))
    prefix = field.key.removesuffix("-title")
    field.input("Tour du matin")
    at.text_input(key=f"{prefix}-dots").input(dots)
    at.text_input(key=f"{prefix}-cap").input(cap)
    next(b for b in at.button if b.label == "Créer le tour").click()
    at.run()
    assert not at.exception
    assert message in [e.value for e in at.error]
    assert at.text_input(key=f"{prefix}-dots").value == dots  # kept as typed
    assert read(app_db, "SELECT count(*) AS n FROM rounds")[0]["n"] == rounds_before


def test_every_fault_of_the_form_is_shown_at_once_and_kept(app_db):
    at = open_page("pages/admin.py", {"onglet": "Tours de vote"})
    rounds_before = read(app_db, "SELECT count(*) AS n FROM rounds")[0]["n"]
    field = next(t for t in at.text_input if t.key.endswith("-title") and t.key.startswith("rules-new"))
    prefix = field.key.removesuffix("-title")
    field.input("   ")
    at.text_input(key=f"{prefix}-dots").input("2,5")
    at.text_input(key=f"{prefix}-cap").input("")
    at.multiselect(key=f"{prefix}-items").set_value([])
    next(b for b in at.button if b.label == "Créer le tour").click()
    at.run()
    assert not at.exception
    shown = [e.value for e in at.error]
    assert "Le tour de vote n'est pas enregistré : corrigez les champs signalés." in shown
    for message in ("Donnez un titre au tour de vote.",
                    "Gommettes par personne : « 2,5 » lu, un nombre entier attendu.",
                    "Au plus par élément : obligatoire (un nombre entier).",
                    "Choisissez au moins deux éléments sur lesquels voter."):
        assert message in shown
    assert at.text_input(key=f"{prefix}-title").value == "   "  # all kept as typed
    assert at.text_input(key=f"{prefix}-dots").value == "2,5"
    assert at.text_input(key=f"{prefix}-cap").value == ""
    assert read(app_db, "SELECT count(*) AS n FROM rounds")[0]["n"] == rounds_before
