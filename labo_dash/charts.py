"""DataFrame -> Altair chart builders (pure: no database, no Streamlit).

One fixed, colour-blind-safe colour per objective everywhere in the app (Okabe-Ito palette).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from labo_dash.french import STATUSES

OBJECTIVE_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00"]
STATUS_COLORS = {
    "À lancer": "#9E9E9E",
    "En cours": "#0072B2",
    "En pause": "#E69F00",
    "Terminée": "#009E73",
    "Abandonnée": "#5F5F5F",
}
FRENCH_LOCALE = {
    "number": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0€"]},
}


def objective_scale(labels: list[str]) -> alt.Scale:
    """Return the colour scale mapping objective labels (in objective order) to their fixed colours."""
    return alt.Scale(domain=labels, range=OBJECTIVE_COLORS[: len(labels)])


def actions_by_status(counts: dict[str, int]) -> alt.Chart:
    """Horizontal bar chart of the number of actions per status, in the statuses' order."""
    labels = list(STATUSES.values())
    data = pd.DataFrame(
        {"Statut": labels, "Actions": [int(counts.get(code, 0)) for code in STATUSES]}
    )
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("Statut:N", sort=labels, title=None, axis=alt.Axis(labelFontSize=14)),
            x=alt.X("Actions:Q", title="Nombre d'actions", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "Statut:N",
                scale=alt.Scale(domain=labels, range=[STATUS_COLORS[s] for s in labels]),
                legend=None,
            ),
            tooltip=[alt.Tooltip("Statut:N"), alt.Tooltip("Actions:Q", format="d")],
        )
        .properties(height=220)
    )
