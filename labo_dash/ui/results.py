"""Results of a round on screen: the organisers' detailed view and the live projection's parts.

Aggregates only (never a single ballot). The figures are cached per round until a write of what they read
(ballots and rounds, registrations, items' titles: RESULTS_TOPICS), so the projection's refresh every 2 s
recomputes nothing while nobody votes.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from labo_dash import charts, db, french, results, rounds
from labo_dash.db import Topic
from labo_dash.majority import GRADE_SCALES
from labo_dash.ui.cache import by_version
from labo_dash.ui.common import connection, md_escape

UNITS = {"dots": "Gommettes", "approval": "Approbations"}


def round_label(rnd: dict[str, Any]) -> str:
    """Return ``Titre · Jugement majoritaire · Clos``."""
    return f"{rnd['title']} · {rounds.METHODS[rnd['method']]} · {rounds.STATUSES[rnd['status']]}"


# What results read: ballots and rounds, registrations (turnout), défis' titles and objective weights; a
# round on solutions also reads their titles (the follow-up's topic: see titles_version).
RESULTS_TOPICS = (Topic.VOTES, Topic.PEOPLE, Topic.DIAGNOSIS)


def titles_version(con: duckdb.DuckDBPyConnection, round_id: int) -> tuple[int, ...]:
    """Return the follow-up's version for a round on solutions (their titles), () for a round on défis: a
    progress update during a vote on défis leaves the projection's cache warm."""
    on_solutions = rounds.get_round(con, round_id)["target"] == "solutions"
    return db.versions(con, Topic.FOLLOW_UP) if on_solutions else ()


@by_version(*RESULTS_TOPICS, max_entries=64)
def _bundle(con: duckdb.DuckDBPyConnection, round_id: int, titles: tuple[int, ...]) -> dict[str, Any]:
    """Compute everything a results view shows (cached until a write of one of RESULTS_TOPICS, or of the
    solutions' titles: ``titles`` is :func:`titles_version`)."""
    rnd = rounds.get_round(con, round_id)
    bundle: dict[str, Any] = {
        "round": rnd,
        "turnout": results.turnout(con, round_id),
        "table": results.round_results(con, round_id),
        "spread": results.objective_spread(con, round_id),
    }
    if rnd["method"] == "majority_judgment":
        bundle["profile"] = results.merit_profiles(con, round_id)
    return bundle


def bundle(round_id: int) -> dict[str, Any]:
    """Return the round's cached results."""
    con = connection()
    return _bundle(con, round_id, titles_version(con, round_id))


def result_chart(data: dict[str, Any], *, large: bool = False):
    """Return the round's main chart: the merit profile (majority judgment) or the totals."""
    rnd = data["round"]
    if rnd["method"] == "majority_judgment":
        grades = list(GRADE_SCALES[rnd["grade_scale"]])
        return charts.merit_profile_chart(data["profile"], grades, large=large)
    return charts.vote_totals_chart(data["table"], UNITS[rnd["method"]], large=large)


def _ranking_frame(rnd: dict[str, Any], table: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame({
        "Rang": [french.rank(r, t) for r, t in zip(table["rank"], table["tied"], strict=True)],
        "Élément": table["title"],
    })
    if rnd["target"] == "solutions":
        frame["Défi"] = table["challenge"]
    if rnd["method"] == "majority_judgment":
        frame["Mention majoritaire"] = table["score"]
        frame["p (au-dessus)"] = [french.percent(v) for v in table["p"]]
        frame["q (en dessous)"] = [french.percent(v) for v in table["q"]]
    else:
        frame[UNITS[rnd["method"]]] = table["value"]
        title = "Part des gommettes" if rnd["method"] == "dots" else "Part des votant·e·s"
        frame[title] = [french.percent(v) for v in table["share"]]
    if rnd["target"] == "solutions":
        frame["Volontaires"] = table["volunteers"]
    return frame


def results_details(round_id: int) -> None:
    """The organisers' view of a round: turnout, ranking, tie-breaks, chart, split by kind, volunteers."""
    con = connection()
    data = bundle(round_id)
    rnd, turnout, table = data["round"], data["turnout"], data["table"]
    cols = st.columns(3)
    cols[0].metric("Participation", french.percent(turnout.share), help=turnout.sentence())
    cols[1].metric("Méthode", rounds.METHODS[rnd["method"]])
    cols[2].metric("État", rounds.STATUSES[rnd["status"]])
    visibility = "visibles par le public" if rounds.results_visible(rnd) else "masqués au public"
    st.markdown(f"**{turnout.sentence()}** · résultats {visibility}.")
    if not turnout.voters:
        st.info("Aucun bulletin pour l'instant : les résultats apparaîtront avec les premiers votes.",
                icon="⏳")
        return
    st.altair_chart(result_chart(data), width="stretch")
    if rnd["method"] == "majority_judgment":
        st.caption("Profil de mérite : une barre par élément, de la meilleure mention (à gauche) à la plus "
                   "basse ; « Pas d'avis » compte comme la mention la plus basse. La mention lue sur la "
                   "ligne des 50 % est la mention majoritaire.")
    st.dataframe(_ranking_frame(rnd, table), hide_index=True, width="stretch")
    rows = zip(table["rank"], table["title"], table["explanation"], strict=True)
    sentences = [(rank, title, sentence) for rank, title, sentence in rows if sentence]
    if sentences:
        with st.expander("Comment les égalités de mention ont été départagées", expanded=True):
            for rank, title, sentence in sentences:
                st.markdown(f"**{french.rank(rank, short=True)} {md_escape(title)}** — {md_escape(sentence)}")
    st.subheader("Par type de participant")
    split = results.split_by_kind(con, round_id)
    split["colonne"] = [f"{k} ({v})" for k, v in zip(split["kind"], split["voters"], strict=True)]
    if rnd["method"] != "majority_judgment":
        split["score"] = [french.percent(v) for v in split["value"]]
    # by item id: two items may share a title (solutions of two défis)
    pivot = split.pivot(index="item_id", columns="colonne", values="score").reindex(table["item_id"])
    pivot.index = table["title"].tolist()
    st.dataframe(pivot.rename_axis(index="Élément", columns=None), width="stretch")
    st.caption("Entre parenthèses, le nombre de votant·e·s de chaque type. "
               + ("Mention majoritaire au sein de chaque type." if rnd["method"] == "majority_judgment"
                  else "Part des gommettes de chaque type." if rnd["method"] == "dots"
                  else "Part des votant·e·s de chaque type qui soutiennent l'élément."))
    if rnd["target"] == "solutions":
        _volunteers(con, round_id, table)
    st.subheader("Soutien par objectif")
    st.altair_chart(charts.objective_spread_chart(data["spread"]), width="stretch")
    st.caption("Part du soutien exprimé qui va à chaque objectif : le soutien de chaque élément est réparti "
               "selon les poids de son défi sur les cinq objectifs.")


def _volunteers(con, round_id: int, table: pd.DataFrame) -> None:
    st.subheader("Volontaires « je veux contribuer »")
    names = results.volunteers(con, round_id)
    if names.empty:
        st.caption("Personne n'a encore coché « je veux contribuer ».")
        return
    titles = dict(zip(table["item_id"], table["title"], strict=True))
    for item_id, group in names.groupby("item_id", sort=False):
        pairs = zip(group["name"], group["structure"], strict=True)
        people = ", ".join(f"{name} ({where})" if where else name for name, where in pairs)
        title = md_escape(titles.get(item_id, str(item_id)))
        st.markdown(f"**{title}** ({len(group)}) : {md_escape(people)}")
