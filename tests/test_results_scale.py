"""The results at 100× the demo (issue 14): the pages answer, and the charts say what they leave out.

/resultats failed there after 18 minutes: the majority-judgment ranking went through every voter of every
item, then Altair refused the merit profile's 9 000 rows (1 500 solutions × 6 grades).
"""

from __future__ import annotations

import json
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from bench.scaling import replicate
from labo_dash import db, french, results, rounds

SCALE = 100


@pytest.fixture(scope="module")
def hundredfold(demo_template, tmp_path_factory):
    """A copy of the demo with 100× its participants, défis, ballots, solutions and actions."""
    path = tmp_path_factory.mktemp("scale") / "x100.duckdb"
    shutil.copy(demo_template, path)
    replicate(path, SCALE)
    return path


@pytest.fixture
def app_db(hundredfold, monkeypatch):
    monkeypatch.setenv("LABO_DB", str(hundredfold))
    yield hundredfold
    db.close()


def solutions_round(path) -> tuple[int, int]:
    """Return the id of the majority-judgment round on solutions and its number of items."""
    con = db.open_database(path)
    try:
        rnd = next(r for r in rounds.list_rounds(con) if r.target == "solutions")
        return rnd.id, len(rounds.round_items(con, rnd.id))
    finally:
        con.close()


def open_page(script: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.query_params.update(query)
    at.switch_page(script)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_ranking_at_a_hundred_times_the_demo_keeps_ties(hundredfold):
    round_id, items = solutions_round(hundredfold)
    con = db.open_database(hundredfold)
    try:
        table = results.round_results(con, round_id)
        profile = results.merit_profiles(con, round_id, table)
    finally:
        con.close()
    assert len(table) == items == 1500 and table["rank"].iloc[0] == 1
    # each demo solution has 100 copies with the same grades: every rank is shared by 100 items at least
    assert table.groupby("rank").size().min() >= SCALE
    assert len(profile) == items * 6 and profile["order"].max() == items - 1


@pytest.mark.slow  # a load: the results page of a round of 1 500 items, ~3 s
def test_projection_draws_the_first_thirty_items_and_says_so(app_db):
    round_id, items = solutions_round(app_db)
    at = open_page("pages/resultats.py", {"tour": str(round_id)})
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    notes = [s["title"]["text"] for s in specs if isinstance(s.get("title"), dict)]
    total = french.number(items)
    # one ranking per kind of screen (laptop and projector, tall screen, phone), each says so
    assert notes == [f"Seuls les 30 premiers éléments du classement sur {total} sont dessinés."] * 3


def test_admin_results_list_every_item_under_a_chart_of_thirty(app_db):
    round_id, items = solutions_round(app_db)
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.query_params["onglet"] = "Résultats"
    at.switch_page("pages/admin.py")
    at.run()
    at.selectbox(key="results-round").select(round_id)
    next(b for b in at.button if b.label == "Afficher").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    ranking = next(df.value for df in at.dataframe if "Rang" in df.value.columns)
    assert len(ranking) == items
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    [note] = [s["title"]["text"] for s in specs if "title" in s]
    assert note == f"Seuls les 30 premiers éléments du classement sur {french.number(items)} sont dessinés."
    assert any(m.value.count("\n\n") >= SCALE for m in at.markdown)  # tie-breaks and volunteers: one element
