"""The shared diagnosis' charts: findings per objective (labo_dash.diagnosis), the territory barometer
(labo_dash.barometer)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from labo_dash import french
from labo_dash.charts.theme import builder, layered, objective_scale

BAROMETER_COLORS = ["#A6611A", "#DFC27D", "#D9D9D9", "#80CDC1", "#018571"]  # BrBG: 1 (rien) .. 5


@builder
def findings_per_objective(counts: pd.DataFrame, *, large: bool = False) -> alt.LayerChart:
    """Horizontal bars: findings per objective in the objectives' fixed colours, the count at the end.

    ``counts`` has the columns of :func:`labo_dash.diagnosis.objective_counts` (number, short_label,
    kind, findings); a finding tied to two objectives counts once for each.
    """
    kinds = {"frein": "freins", "levier": "leviers", "constat": "constats"}
    rows = []
    for (number, label), group in counts.groupby(["number", "short_label"], sort=True):
        by_kind = dict(zip(group["kind"], group["findings"], strict=True))
        rows.append({
            "objectif": f"{int(number)} · {label}",
            "total": int(sum(by_kind.values())),
            "détail": ", ".join(
                f"{int(by_kind.get(k, 0))} {word}" for k, word in kinds.items() if k in by_kind
            ),
        })
    data = pd.DataFrame(rows)
    labels = list(data["objectif"])
    size = 18 if large else 14
    base = alt.Chart(data).encode(
        y=alt.Y("objectif:N", sort=labels, title=None, axis=alt.Axis(labelFontSize=size, labelLimit=320)),
        x=alt.X("total:Q", title="Nombre de constats",
                axis=alt.Axis(tickMinStep=1, format="d", labelFontSize=size, titleFontSize=size),
                scale=alt.Scale(domain=[0, int(data["total"].max() or 0) * 1.15 + 1], nice=False)),
        tooltip=[alt.Tooltip("objectif:N", title="Objectif"), alt.Tooltip("total:Q", title="Constats"),
                 alt.Tooltip("détail:N", title="Dont")],
    )
    bars = base.mark_bar(height={"band": 0.7}).encode(
        color=alt.Color("objectif:N", scale=objective_scale(labels), legend=None)
    )
    text = base.mark_text(align="left", dx=6, fontSize=size + 2, fontWeight="bold").encode(text="total:Q")
    chart = layered(bars, text).properties(height=len(labels) * (64 if large else 44))
    return chart.configure_view(stroke=None)


@builder
def barometer_diverging(distribution: pd.DataFrame, score_labels: dict[int, str]) -> alt.LayerChart:
    """Diverging bars: per objective, the share of each score (1-2 left, 3 centred, 4-5 right).

    ``distribution`` has the columns of :func:`labo_dash.barometer.distribution` (number, short_label,
    score with 0 for "je ne sais pas", ratings). Shares are of the people who gave a score; the axis
    label of each objective says how many did and how many answered "je ne sais pas".
    """
    rows, labels = [], []
    for (number, label), group in distribution.groupby(["number", "short_label"], sort=True):
        counts = dict(zip(group["score"], group["ratings"], strict=True))
        rated = sum(int(counts.get(s, 0)) for s in score_labels)
        dont_know = int(counts.get(0, 0))
        unknown = f", {dont_know} ne sait pas" if dont_know else ""
        objective = f"{int(number)} · {label} ({rated}{unknown})"
        labels.append(objective)
        start = -(counts.get(1, 0) + counts.get(2, 0) + counts.get(3, 0) / 2) / rated if rated else 0.0
        for score, name in score_labels.items():
            share = counts.get(score, 0) / rated if rated else 0.0
            rows.append({"objectif": objective, "note": f"{score} · {name}", "début": start,
                         "fin": start + share, "part": french.percent(share, 0),
                         "réponses": int(counts.get(score, 0))})
            start += share
    data = pd.DataFrame(rows)
    names = [f"{s} · {n}" for s, n in score_labels.items()]
    y = alt.Y("objectif:N", sort=labels, title=None, axis=alt.Axis(labelFontSize=15, labelLimit=360))
    bars = alt.Chart(data).mark_bar(height={"band": 0.7}).encode(
        y=y,
        x=alt.X("début:Q", title="← territoire en retard · part des réponses · territoire avancé →",
                scale=alt.Scale(domain=[-1, 1]),
                axis=alt.Axis(values=[-1, -0.5, 0, 0.5, 1], labelExpr="abs(datum.value) * 100 + ' %'",
                              labelFontSize=13, titleFontSize=13)),
        x2="fin:Q",
        color=alt.Color("note:N", sort=names, scale=alt.Scale(domain=names, range=BAROMETER_COLORS),
                        legend=alt.Legend(title=None, orient="top", labelFontSize=14, symbolSize=220,
                                          columns=3, labelLimit=220)),
        tooltip=[alt.Tooltip("objectif:N", title="Objectif"), alt.Tooltip("note:N", title="Note"),
                 alt.Tooltip("réponses:Q", title="Réponses"), alt.Tooltip("part:N", title="Part")],
    )
    rule = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#333333", strokeWidth=2).encode(x="x:Q")
    return layered(bars, rule).properties(height=len(labels) * 56).configure_view(stroke=None)

