"""Results of a round on screen: the organisers' detailed view and the live projection's parts.

Aggregates only (never a single ballot). The figures are cached per round until a write of what they read
(ballots and rounds, registrations, items' titles: RESULTS_TOPICS), so the projection's refresh every 2 s
recomputes nothing while nobody votes.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from labo_dash import charts, db, french, results, rounds
from labo_dash.db import Topic
from labo_dash.majority import GRADE_SCALES
from labo_dash.rounds import VotingMethod
from labo_dash.ui.cache import by_version
from labo_dash.ui.common import connection, md_escape

UNITS = {VotingMethod.DOTS: "Gommettes", VotingMethod.APPROVAL: "Approbations"}


def round_label(rnd: rounds.Round) -> str:
    """Return ``Titre · Jugement majoritaire · Clos``."""
    return f"{rnd.title} · {rounds.METHODS[rnd.method]} · {rounds.STATUSES[rnd.status]}"


# What results read: ballots and rounds, registrations (turnout), défis' titles and objective weights; a
# round on solutions also reads their titles (the follow-up's topic: see titles_version).
RESULTS_TOPICS = (Topic.VOTES, Topic.PEOPLE, Topic.DIAGNOSIS)


def titles_version(con: db.Connection, round_id: int) -> tuple[int, ...]:
    """Return the follow-up's version for a round on solutions (their titles), () for a round on défis: a
    progress update during a vote on défis leaves the projection's cache warm."""
    on_solutions = rounds.get_round(con, round_id).target == "solutions"
    return db.versions(con, Topic.FOLLOW_UP) if on_solutions else ()


@by_version(*RESULTS_TOPICS, max_entries=64)
def _bundle(con: db.Connection, round_id: int, titles: tuple[int, ...]) -> dict[str, Any]:
    """Compute everything a results view shows (cached until a write of one of RESULTS_TOPICS, or of the
    solutions' titles: ``titles`` is :func:`titles_version`)."""
    rnd = rounds.get_round(con, round_id)
    bundle: dict[str, Any] = {
        "round": rnd,
        "turnout": results.turnout(con, round_id),
        "table": results.round_results(con, round_id),
        "spread": results.objective_spread(con, round_id),
    }
    if rnd.method == VotingMethod.MAJORITY_JUDGMENT:
        bundle["profile"] = results.merit_profiles(con, round_id, bundle["table"])
    return bundle


def bundle(round_id: int) -> dict[str, Any]:
    """Return the round's cached results."""
    con = connection()
    return _bundle(con, round_id, titles_version(con, round_id))


@by_version(*RESULTS_TOPICS, max_entries=64)
def _details(con: db.Connection, round_id: int, titles: tuple[int, ...]) -> dict[str, Any]:
    """Return what only the organisers' view adds, built once per results version: the ranking table, the
    tie-break sentences, the split by participant kind, the volunteers (markdown) and the specs of the two
    charts (building, validating and writing them cost most of a rerun: 380 ms at 100× the demo)."""
    data = _bundle(con, round_id, titles)
    rnd, table = data["round"], data["table"]
    rows = zip(table["rank"], table["title"], table["explanation"], strict=True)
    sentences = "\n\n".join(  # one element, not one per item (1 500 items at 100× the demo)
        f"**{french.rank(rank, short=True)} {md_escape(title)}** — {md_escape(sentence)}"
        for rank, title, sentence in rows if sentence
    )
    return {
        "ranking": _ranking_frame(rnd, table),
        "sentences": sentences,
        "split": _split_frame(rnd, table, results.split_by_kind(con, round_id)),
        "volunteers": _volunteer_lines(results.volunteers(con, round_id), table)
        if rnd.target == "solutions" else None,
        "result": result_chart(data).to_dict(validate=False),  # validated in test_charts
        "spread": charts.objective_spread_chart(data["spread"]).to_dict(validate=False),
    }


def result_chart(data: dict[str, Any], *, large: bool = False, height: int | None = None):
    """Return the round's main chart: the merit profile (majority judgment) or the totals.

    Only the first ``charts.MAX_CHART_ROWS`` items of the ranking are drawn; a note under the chart says
    so (the ranking's table lists them all). ``height``: a projected screen's height budget for the chart
    (px), see :func:`charts.fit_rows`.
    """
    rnd = data["round"]
    if rnd.method == VotingMethod.MAJORITY_JUDGMENT:
        grades = list(GRADE_SCALES[rnd.grade_scale])
        profile, note = charts.first_rows(data["profile"], "order", "éléments du classement")
        profile = _distinct_titles(profile, "order")
        return charts.noted(charts.merit_profile_chart(profile, grades, large=large, height=height), note)
    table, note = charts.first_rows(data["table"], "item_id", "éléments du classement")
    table = _distinct_titles(table, "item_id")
    chart = charts.vote_totals_chart(table, UNITS[rnd.method], large=large, height=height)
    return charts.noted(chart, note)


def _distinct_titles(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Number the 2nd, 3rd... item sharing a title (« Titre (2) »): the charts draw one bar per label, and
    two solutions of two défis may share a title and a rank (they were drawn as one bar)."""
    items = frame.drop_duplicates(key)[[key, "title"]]
    seen = items.groupby("title").cumcount() + 1
    pairs = zip(items[key], items["title"], seen, strict=True)
    renamed = {k: f"{t} ({n})" if n > 1 else t for k, t, n in pairs}
    return frame.assign(title=frame[key].map(renamed))


def _ranking_frame(rnd: rounds.Round, table: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame({
        "Rang": [french.rank(r, t) for r, t in zip(table["rank"], table["tied"], strict=True)],
        "Élément": table["title"],
    })
    if rnd.target == "solutions":
        frame["Défi"] = table["challenge"]
    if rnd.method == VotingMethod.MAJORITY_JUDGMENT:
        frame["Mention majoritaire"] = table["score"]
        frame["p (au-dessus)"] = [french.percent(v) for v in table["p"]]
        frame["q (en dessous)"] = [french.percent(v) for v in table["q"]]
    else:
        frame[UNITS[rnd.method]] = table["value"]
        title = "Part des gommettes" if rnd.method == VotingMethod.DOTS else "Part des votant·e·s"
        frame[title] = [french.percent(v) for v in table["share"]]
    if rnd.target == "solutions":
        frame["Volontaires"] = table["volunteers"]
    return frame


def results_details(round_id: int) -> None:
    """The organisers' view of a round: turnout, ranking, tie-breaks, chart, split by kind, volunteers."""
    con = connection()
    key = (con, round_id, titles_version(con, round_id))
    data = _bundle(*key)
    rnd, turnout = data["round"], data["turnout"]
    cols = st.columns(3)
    cols[0].metric("Participation", french.percent(turnout.share), help=turnout.sentence())
    cols[1].metric("Méthode", rounds.METHODS[rnd.method])
    cols[2].metric("État", rounds.STATUSES[rnd.status])
    visibility = "visibles par le public" if rounds.results_visible(rnd) else "masqués au public"
    st.markdown(f"**{turnout.sentence()}** · résultats {visibility}.")
    if not turnout.voters:
        st.info("Aucun bulletin pour l'instant : les résultats apparaîtront avec les premiers votes.",
                icon="⏳")
        return
    details = _details(*key)
    st.vega_lite_chart(details["result"], width="stretch")
    if rnd.method == VotingMethod.MAJORITY_JUDGMENT:
        st.caption("Profil de mérite : une barre par élément, de la meilleure mention (à gauche) à la plus "
                   "basse ; « Pas d'avis » compte comme la mention la plus basse. La mention lue sur la "
                   "ligne des 50 % est la mention majoritaire.")
    st.dataframe(details["ranking"], hide_index=True, width="stretch")
    if details["sentences"]:
        with st.expander("Comment les égalités de mention ont été départagées", expanded=True):
            st.markdown(details["sentences"])
    st.subheader("Par type de participant")
    st.dataframe(details["split"], width="stretch")
    reading = {
        VotingMethod.MAJORITY_JUDGMENT: "Mention majoritaire au sein de chaque type.",
        VotingMethod.DOTS: "Part des gommettes de chaque type.",
        VotingMethod.APPROVAL: "Part des votant·e·s de chaque type qui soutiennent l'élément.",
    }[rnd.method]
    st.caption(f"Entre parenthèses, le nombre de votant·e·s de chaque type. {reading}")
    if details["volunteers"] is not None:
        st.subheader("Volontaires « je veux contribuer »")
        if details["volunteers"]:
            st.markdown(details["volunteers"])
        else:
            st.caption("Personne n'a encore coché « je veux contribuer ».")
    st.subheader("Soutien par objectif")
    st.vega_lite_chart(details["spread"], width="stretch")
    st.caption("Part du soutien exprimé qui va à chaque objectif : le soutien de chaque élément est réparti "
               "selon les poids de son défi sur les cinq objectifs.")


def _split_frame(rnd: rounds.Round, table: pd.DataFrame, split: pd.DataFrame) -> pd.DataFrame:
    """Return the split by participant kind as shown: a row per item (ranking order), a column per kind."""
    split = split.copy()
    split["colonne"] = [f"{k} ({v})" for k, v in zip(split["kind"], split["voters"], strict=True)]
    if rnd.method != VotingMethod.MAJORITY_JUDGMENT:
        split["score"] = [french.percent(v) for v in split["value"]]
    # by item id: two items may share a title (solutions of two défis)
    pivot = split.pivot(index="item_id", columns="colonne", values="score").reindex(table["item_id"])
    pivot.index = table["title"].tolist()
    return pivot.rename_axis(index="Élément", columns=None)


def _volunteer_lines(names: pd.DataFrame, table: pd.DataFrame) -> str:
    """Return one markdown line per item with volunteers: « **Titre** (2) : Nom (Structure), … »."""
    titles = dict(zip(table["item_id"], table["title"], strict=True))
    lines = []
    for item_id, group in names.groupby("item_id", sort=False):
        pairs = zip(group["name"], group["structure"], strict=True)
        people = ", ".join(f"{name} ({where})" if where else name for name, where in pairs)
        title = md_escape(titles.get(item_id, str(item_id)))
        lines.append(f"**{title}** ({len(group)}) : {md_escape(people)}")
    return "\n\n".join(lines)
