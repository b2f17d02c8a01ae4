"""The projection page (/resultats) before the first ballot of a round with many items (AppTest)."""

from __future__ import annotations

import html

from labo_dash import challenges, db, seminar
from labo_dash.ui.projection import AGENDA_MAX
from tests.apptest import open_page
from tests.test_vote_pages import ORGANISER_ACTOR, html_texts, prepare


def test_an_agenda_too_long_for_the_screen_counts_the_items_it_leaves_out(app_db):
    # Issue 13: a projected page is not scrolled; items that cannot fit are counted, never silently dropped.
    con = db.open_database(app_db)
    objective = seminar.objectives(con)[0].id
    for n in range(1, 13):  # the demo's 10 défis and 12 more
        challenges.create_challenge(con, ORGANISER_ACTOR, title=f"Défi supplémentaire n° {n}",
                                    description=None, workshop_id=None, weights={objective: 100})
    con.close()
    prepare(app_db, dots_per_voter=3)
    texts = html_texts(open_page("pages/resultats.py"))
    agenda = texts[texts.index("<ol class='projo-items many'>"):]  # two columns, titles only (CSS)
    assert agenda.count("<li>") == AGENDA_MAX == 20
    assert html.escape("… et 2 autres : la liste complète est sur votre téléphone.") in agenda
    assert "Défi supplémentaire n° 10" in agenda and "Défi supplémentaire n° 11" not in agenda
