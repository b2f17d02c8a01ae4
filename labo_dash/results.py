"""Results of a round from the participants' current ballots: only aggregates, never a single ballot.

- turnout: voters (participants with a current ballot) out of the seminar's registered participants;
- dots and approval: totals per item, ranked, ties sharing a rank;
- majority judgment: grade counts ("Pas d'avis" counted as the lowest grade), ranked by
  :func:`labo_dash.majority.rank_majority_judgment`, with gauges and tie-break sentences;
- support shares (summing to 1): share of dots or approvals; for majority judgment, each item's mean
  grade score (best grade = 1, lowest grade or "Pas d'avis" = 0) divided by the sum of those means;
- spread of support over the objectives: sum over items of support × weight of the item's défi (a
  solution takes the weights of its défi).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from labo_dash import db, french, majority
from labo_dash.french import participant_kind
from labo_dash.rounds import VotingMethod, get_round, round_items

_CURRENT = """
WITH current AS (
    SELECT id, participant_id FROM ballots WHERE round_id = ?
    QUALIFY row_number() OVER (PARTITION BY participant_id ORDER BY id DESC) = 1
)
"""
# One row per participant kind × item × value: DuckDB counts, Python never sees a single ballot entry.
_COUNTS = _CURRENT + """
SELECT p.kind, e.item_id, e.value, count(*) AS n, count(*) FILTER (WHERE e.contribute) AS volunteers
FROM current c JOIN participants p ON p.id = c.participant_id JOIN ballot_entries e ON e.ballot_id = c.id
GROUP BY p.kind, e.item_id, e.value
"""
_VOTERS = _CURRENT + """
SELECT p.kind, count(*) AS voters FROM current c JOIN participants p ON p.id = c.participant_id
GROUP BY p.kind
"""


@dataclass(frozen=True)
class Counts:
    """The round's current ballots, aggregated in SQL.

    ``entries``: one row per participant kind, item and value: kind, item_id, value, n (entries),
    volunteers (entries with « je veux contribuer »); ``voters``: participants with a current ballot,
    per kind (a ballot may hold no entry).
    """

    entries: pd.DataFrame
    voters: dict[str, int]

    @property
    def total_voters(self) -> int:
        return sum(self.voters.values())

    def of_kind(self, kind: str) -> Counts:
        """Return the counts of one participant kind."""
        return Counts(self.entries[self.entries["kind"] == kind], {kind: self.voters[kind]})


def ballot_counts(con: db.Connection, round_id: int) -> Counts:
    """Return the round's current ballots counted per participant kind, item and value."""
    voters = db.query(con, _VOTERS, [round_id])
    return Counts(db.query_df(con, _COUNTS, [round_id]), {r["kind"]: int(r["voters"]) for r in voters})


@dataclass(frozen=True)
class Turnout:
    """How many registered participants have a current ballot in the round."""

    voters: int
    registered: int

    @property
    def share(self) -> float | None:
        """Return voters / registered, or None with nobody registered."""
        return self.voters / self.registered if self.registered else None

    def sentence(self) -> str:
        """Return ``42 votant·e·s sur 57 inscrit·e·s`` (``0 votant·e sur 1 inscrit·e``; domain brief §4)."""
        return french.out_of(self.voters, ("votant·e", "votant·e·s"),
                             self.registered, ("inscrit·e", "inscrit·e·s"))


_TURNOUT = """
    SELECT (SELECT count(DISTINCT participant_id) FROM ballots WHERE round_id = r.id) AS voters,
           (SELECT count(*) FROM participants p WHERE p.seminar_id = r.seminar_id) AS registered
    FROM rounds r WHERE r.id = ?
"""


def turnout(con: db.Connection, round_id: int) -> Turnout:
    """Return the round's turnout (0 sur 0 for a round that does not exist)."""
    rows = db.query(con, _TURNOUT, [round_id])
    return Turnout(**rows[0]) if rows else Turnout(0, 0)


def grade_counts(tally: Counts, item_ids: list[int], scale: int) -> dict[int, list[int]]:
    """Return, per item, the number of voters per grade best first; "Pas d'avis" counts as the lowest."""
    voters = tally.total_voters
    counts = {item: [0] * scale for item in item_ids}
    per_grade = tally.entries.groupby(["item_id", "value"])["n"].sum()
    for (item, value), n in per_grade.items():
        if int(item) in counts:
            counts[int(item)][min(int(value), scale - 1)] += int(n)
    for item in item_ids:  # a voter without an entry for an item said nothing: "Pas d'avis"
        counts[item][-1] += voters - sum(counts[item])
    return counts


def _no_opinion(tally: Counts, item_ids: list[int], scale: int) -> dict[int, int]:
    entries = tally.entries
    given = entries[entries["value"] < scale].groupby("item_id")["n"].sum()
    return {item: tally.total_voters - int(given.get(item, 0)) for item in item_ids}


def _totals(tally: Counts) -> pd.Series:
    """Return the dots (or approvals) per item: Σ value × entries."""
    entries = tally.entries
    return (entries["value"] * entries["n"]).groupby(entries["item_id"]).sum()


def _competition_ranks(scores: pd.Series) -> pd.Series:
    return scores.rank(method="min", ascending=False).astype(int)


def round_results(con: db.Connection, round_id: int) -> pd.DataFrame:
    """Return one row per item, best first: rank (shared when tied), score text, share, gauge, sentence.

    The round's one ranking, for every method: dots and approval rank by total (more is better),
    majority judgment by :func:`labo_dash.majority.explain_majority_judgment`. Ranks are competition
    ranks: tied items share the best rank and the next item skips theirs (1, 1, 1, 4); ``tied`` is True
    on every line of a shared rank. Ties keep the round's item order (majority judgment: the item ids).

    Columns: item_id, title, challenge, rank, tied, score (dots, approvals or majority grade label),
    value (number of dots/approvals, or the majority grade index), share (of dots, or of voters who
    approved), p, q (majority judgment), explanation (majority judgment tie-breaks), volunteers.
    """
    rnd = get_round(con, round_id)
    columns = ["id", "position", "title", "description", "challenge"]
    items = pd.DataFrame(round_items(con, round_id), columns=columns)
    tally = ballot_counts(con, round_id)
    item_ids = [int(i) for i in items["id"]]
    volunteers = tally.entries.groupby("item_id")["volunteers"].sum()
    base = items.rename(columns={"id": "item_id"})[["item_id", "title", "challenge", "position"]]
    base["volunteers"] = [int(volunteers.get(i, 0)) for i in item_ids]
    if rnd.method == VotingMethod.MAJORITY_JUDGMENT:
        scale = rnd.grade_scale
        tallies = grade_counts(tally, item_ids, scale)
        labels = dict(zip(item_ids, base["title"], strict=True))
        ranked = majority.explain_majority_judgment(tallies, labels, scale) if item_ids else []
        grades = majority.GRADE_SCALES[scale]
        rows = [
            {
                "item_id": r.item, "rank": r.rank, "tied": r.tied_with_previous,
                "value": None if r.gauge is None else r.gauge.grade,
                "score": "–" if r.gauge is None else grades[r.gauge.grade],
                "p": None if r.gauge is None else float(r.gauge.p),
                "q": None if r.gauge is None else float(r.gauge.q),
                "explanation": r.explanation,
            }
            for r in ranked
        ]
        columns = ["item_id", "rank", "tied", "value", "score", "p", "q", "explanation"]
        ranking = pd.DataFrame(rows, columns=columns)
        result = ranking.merge(base, on="item_id")
        result["tied"] = result["rank"].duplicated(keep=False)
        return result.drop(columns="position")
    totals = _totals(tally)
    base["value"] = [int(totals.get(i, 0)) for i in item_ids]
    voters = tally.total_voters
    if rnd.method == VotingMethod.DOTS:
        total = base["value"].sum()
        base["share"] = base["value"] / total if total else 0.0
        base["score"] = [f"{v} gommette{'s' if v > 1 else ''}" for v in base["value"]]
    else:
        base["share"] = base["value"] / voters if voters else 0.0
        base["score"] = [f"{v} approbation{'s' if v > 1 else ''}" for v in base["value"]]
    base["rank"] = _competition_ranks(base["value"])
    base["tied"] = base["rank"].duplicated(keep=False)
    base["p"] = base["q"] = None
    base["explanation"] = ""
    return base.sort_values(["rank", "position"]).drop(columns="position").reset_index(drop=True)


def ranking(con: db.Connection, round_id: int) -> pd.DataFrame:
    """Return the round's ranking as every view shows it: item_id, rank (1 = best), tied, best first.

    Taken from :func:`round_results` (the one ranking); format a rank with :func:`labo_dash.french.rank`.
    """
    return round_results(con, round_id)[["item_id", "rank", "tied"]]


def merit_profiles(
    con: db.Connection, round_id: int, ranked: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return the merit profile of a majority-judgment round: item, rank, grade (with "Pas d'avis"), share.

    Columns: item_id, title, order (0 = first line), rank, tied (from :func:`ranking`), grade,
    grade_index, count, share (of the voters). Rows come item by item in the ranking's order, grades
    best first and "Pas d'avis" last (it counts as the lowest grade, next to which it is drawn).
    ``ranked``: the round's :func:`ranking` (or :func:`round_results`) when the caller has it already.
    """
    rnd = get_round(con, round_id)
    scale = rnd.grade_scale
    grades = majority.GRADE_SCALES[scale]
    items = round_items(con, round_id)
    item_ids = [i.id for i in items]
    tally = ballot_counts(con, round_id)
    tallies = grade_counts(tally, item_ids, scale)
    silent = _no_opinion(tally, item_ids, scale)
    voters = tally.total_voters
    titles = {i.id: i.title for i in items}
    if ranked is None:
        ranked = ranking(con, round_id) if item_ids else pd.DataFrame(columns=["item_id", "rank", "tied"])
    rows: list[dict[str, Any]] = []
    for order, (item, rank, tied) in enumerate(zip(ranked["item_id"], ranked["rank"], ranked["tied"],
                                                   strict=True)):
        item = int(item)
        counts = list(tallies[item])
        counts[-1] -= silent[item]
        labelled = [*zip(grades, counts, strict=True), (majority.NO_OPINION, silent[item])]
        for index, (label, count) in enumerate(labelled):
            rows.append({
                "item_id": item, "title": titles[item], "order": order, "rank": int(rank), "tied": bool(tied),
                "grade": label, "grade_index": index, "count": count,
                "share": count / voters if voters else 0.0,
            })
    columns = ["item_id", "title", "order", "rank", "tied", "grade", "grade_index", "count", "share"]
    return pd.DataFrame(rows, columns=columns)


def split_by_kind(con: db.Connection, round_id: int) -> pd.DataFrame:
    """Return the results per participant kind: kind label, voters, item_id, item title, score, value.

    Dots: share of that kind's dots; approval: share of that kind's voters who approved; majority
    judgment: the majority grade within that kind (value = grade index, 0 = best).
    """
    rnd = get_round(con, round_id)
    items = round_items(con, round_id)
    item_ids = [i.id for i in items]
    tally = ballot_counts(con, round_id)
    rows: list[dict[str, Any]] = []
    for kind in sorted(tally.voters):
        group = tally.of_kind(kind)
        voters = group.total_voters
        label = participant_kind(str(kind))
        if rnd.method == VotingMethod.MAJORITY_JUDGMENT:
            scale = rnd.grade_scale
            tallies = grade_counts(group, item_ids, scale)
            for item in items:
                grade = majority.majority_grade(tallies[item.id])
                rows.append({"kind": label, "voters": voters, "item_id": item.id, "title": item.title,
                             "value": grade,
                             "score": majority.GRADE_SCALES[scale][grade] if grade is not None else "–"})
            continue
        totals = _totals(group)
        denominator = totals.sum() if rnd.method == VotingMethod.DOTS else voters
        for item in items:
            share = float(totals.get(item.id, 0)) / denominator if denominator else 0.0
            rows.append(
                {"kind": label, "voters": voters, "item_id": item.id, "title": item.title,
                 "value": share, "score": share}
            )
    return pd.DataFrame(rows, columns=["kind", "voters", "item_id", "title", "value", "score"])


def support_shares(con: db.Connection, round_id: int) -> dict[int, float]:
    """Return each item's share of the round's support (summing to 1; all 0 before any vote)."""
    rnd = get_round(con, round_id)
    item_ids = [i.id for i in round_items(con, round_id)]
    tally = ballot_counts(con, round_id)
    if rnd.method == VotingMethod.MAJORITY_JUDGMENT:
        scale = rnd.grade_scale
        grades = grade_counts(tally, item_ids, scale)
        raw = {i: sum(n * (scale - 1 - g) for g, n in enumerate(c)) / (scale - 1) for i, c in grades.items()}
    else:
        totals = _totals(tally)
        raw = {i: float(totals.get(i, 0)) for i in item_ids}
    total = sum(raw.values())
    return {i: (v / total if total else 0.0) for i, v in raw.items()}


_ITEM_WEIGHTS = {
    "challenges": "SELECT i.item_id, w.objective_id, w.weight FROM round_items i "
    "JOIN challenge_objectives w ON w.challenge_id = i.item_id WHERE i.round_id = ?",
    "solutions": "SELECT i.item_id, w.objective_id, w.weight FROM round_items i "
    "JOIN solutions s ON s.id = i.item_id "
    "JOIN challenge_objectives w ON w.challenge_id = s.challenge_id WHERE i.round_id = ?",
}


def objective_spread(con: db.Connection, round_id: int) -> pd.DataFrame:
    """Return the round's support spread over the objectives: number, short_label, title, support."""
    rnd = get_round(con, round_id)
    shares = support_shares(con, round_id)
    weights = db.query_df(con, _ITEM_WEIGHTS[rnd.target], [round_id])
    objectives = db.query_df(
        con, "SELECT id, number, short_label, title FROM objectives WHERE seminar_id = ? ORDER BY number",
        [rnd.seminar_id],
    )
    weights["support"] = weights["item_id"].map(shares).fillna(0.0) * weights["weight"]
    by_objective = weights.groupby("objective_id")["support"].sum()
    objectives["support"] = [float(by_objective.get(i, 0.0)) for i in objectives["id"]]
    return objectives.drop(columns="id")


def volunteers(con: db.Connection, round_id: int) -> pd.DataFrame:
    """Return who ticked « je veux contribuer » in their current ballot: item, name, structure, kind."""
    return db.query_df(
        con,
        "WITH current AS (SELECT id, participant_id FROM ballots WHERE round_id = ? "
        "QUALIFY row_number() OVER (PARTITION BY participant_id ORDER BY id DESC) = 1) "
        "SELECT e.item_id, p.name, p.structure, p.kind FROM current c "
        "JOIN ballot_entries e ON e.ballot_id = c.id AND e.contribute "
        "JOIN participants p ON p.id = c.participant_id ORDER BY e.item_id, p.name",
        [round_id],
    )
