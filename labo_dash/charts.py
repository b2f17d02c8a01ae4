"""DataFrame -> Altair chart builders (pure: no database, no Streamlit).

One fixed, colour-blind-safe colour per objective everywhere in the app (Okabe-Ito palette).
"""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from labo_dash import french
from labo_dash.french import STATUSES

OBJECTIVE_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00"]
STATUS_COLORS = {
    "À lancer": "#9E9E9E",
    "En cours": "#0072B2",
    "En pause": "#E69F00",
    "Terminée": "#009E73",
    "Abandonnée": "#5F5F5F",
}
FRENCH_LOCALE = french.VEGA_LOCALE


@alt.theme.register("labo_francais", enable=True)
def french_theme() -> dict:
    """Every chart's numbers and dates in French (« 20 % », « 1 234,5 », « nov. 2026 »): Vega's locale,
    set once for all charts (Altair applies the enabled theme to each chart it writes out)."""
    return {"config": {"locale": FRENCH_LOCALE}}


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


# --- The signature view (data from labo_dash.signature) ----------------------------------------------

UNASSIGNED = "Objectif non renseigné"
UNASSIGNED_COLOR = "#BBBBBB"
OVERDUE_COLOR = "#B00020"
PALE = 0.35  # opacity of the support still to realise (the dark part of a bar is the support realised)
DIMMED = 0.15  # opacity of what a filter leaves in the background
def objective_label(number: float | None, short_label: str | None) -> str:
    """Return the label of an objective in every chart and legend: ``3 · Financement``."""
    if number is None or pd.isna(number):
        return UNASSIGNED
    return f"{int(number)} · {short_label}"


def objective_labels(objectives: list[dict]) -> list[str]:
    """Return the labels of the seminar's objectives (rows of seminar.objectives), in order."""
    return [objective_label(o["number"], o["short_label"]) for o in objectives]


def _objective_color(labels: list[str], used: pd.Series, legend: alt.Legend | None) -> alt.Color:
    """Colour by objective label, the fixed colours first, grey for a défi without objective weights."""
    domain, colors = list(labels), OBJECTIVE_COLORS[: len(labels)]
    if (used == UNASSIGNED).any():
        domain, colors = [*domain, UNASSIGNED], [*colors, UNASSIGNED_COLOR]
    return alt.Color("objectif:N", scale=alt.Scale(domain=domain, range=colors), legend=legend)


def _pct(value: float | None) -> str:
    return french.progress(value, fraction=True)


def chart_title(title: str, subtitle: str | list[str] | None = None) -> dict:
    """Return a top-level title (for an exported chart: on screen, the page shows the heading)."""
    params = {"text": title, "anchor": "start", "fontSize": 20}
    if subtitle:
        params.update(subtitle=subtitle, subtitleFontSize=14, subtitleColor="#444444")
    return params


def titled(spec: dict, title: str, subtitle: str | None = None) -> dict:
    """Return the chart ``spec`` with a top-level title; the note of :func:`noted` (rows left out) stays,
    as the last line of the subtitle."""
    note = spec.get("title")
    lines = [subtitle] if subtitle else []
    if isinstance(note, dict) and note.get("orient") == "bottom":
        lines.append(note["text"])
    return spec | {"title": chart_title(title, lines or None)}


def finish(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Configure a top-level chart: projector-size fonts (French formats: the theme, french_theme)."""
    return (
        chart.configure_legend(labelFontSize=14, titleFontSize=14, symbolSize=200, labelLimit=260)
        .configure_axis(labelFontSize=13, titleFontSize=13)
        .configure_view(stroke=None)
    )


MAX_CHART_ROWS = 30  # bars (défis, actions, items) drawn in one chart; the note under it gives the total


def first_rows(
    data: pd.DataFrame, key: str, noun: str, *, feminine: bool = False, limit: int = MAX_CHART_ROWS
) -> tuple[pd.DataFrame, str | None]:
    """Keep the rows of the first ``limit`` values of ``key`` (in the rows' order: rank, table order).

    Returns the kept rows and the French note that says what the chart leaves out, e.g. « Seuls les 30
    premiers défis sur 1 000 sont dessinés. » (``noun`` plural: « défis »; None when nothing is left out).
    A chart of thousands of bars is unreadable, and Altair refuses data of more than 5 000 rows.
    """
    keys = list(dict.fromkeys(data[key]))
    if len(keys) <= limit:
        return data, None
    kept = data[data[key].isin(set(keys[:limit]))]
    if feminine:
        note = f"Seules les {limit} premières {noun} sur {french.number(len(keys))} sont dessinées."
    else:
        note = f"Seuls les {limit} premiers {noun} sur {french.number(len(keys))} sont dessinés."
    return kept, note


def noted(chart: alt.TopLevelMixin, note: str | None) -> alt.TopLevelMixin:
    """Return ``chart`` with ``note`` written under it (a chart that leaves data out says so)."""
    if not note:
        return chart
    return chart.properties(title=alt.TitleParams(note, orient="bottom", anchor="start", fontSize=13,
                                                  fontWeight="normal", color="#333333"))


def support_by_challenge_chart(
    df: pd.DataFrame,
    objectives: list[dict],
    *,
    show_progress: bool = True,
    highlight_challenge: int | None = None,
    highlight_objective: int | None = None,
    legend: bool = True,
) -> alt.LayerChart:
    """One horizontal bar per défi: its support, split by objective; the dark part is the support realised.

    ``df`` comes from signature.support_by_challenge; each défi's title is written above its bar and its
    figures at the right edge, so that the chart reads at any width. A click on a bar selects the défi
    (param ``defi``). ``legend=False`` leaves the objectives' legend to the page. Only the first
    ``MAX_CHART_ROWS`` défis (in ``df``'s order) are drawn; a note under the chart says so.
    """
    labels = objective_labels(objectives)
    df, note = first_rows(df, "challenge_id", "défis")
    data = df.copy()
    data["objectif"] = [objective_label(n, s) for n, s in zip(data["objective_number"], data["objective"],
                                                              strict=True)]
    data["segment_end"] = data["segment_start"] + data["support_objective"]
    data["realised_end"] = data["segment_start"] + data["realised"]
    data["emphasis"] = 1.0
    if highlight_challenge is not None:
        data.loc[data["challenge_id"] != highlight_challenge, "emphasis"] = DIMMED
    if highlight_objective is not None:
        data.loc[data["objective_number"] != highlight_objective, "emphasis"] = DIMMED
    data["pale"] = data["emphasis"] * (PALE if show_progress else 1.0)
    data["t_support"] = data["support"].map(french.percent)
    data["t_weight"] = data["weight"].map(french.percent)
    data["t_split"] = data["support_objective"].map(french.percent)
    data["t_progress"] = data["progress"].map(_pct)
    data["t_realised"] = data["realised"].map(french.percent)
    data["t_actions"] = [
        f"{french.plural(m, 'mesurée', 'mesurées')} sur {n}"
        for m, n in zip(data["measured"], data["actions"], strict=True)
    ]
    data["t_title"] = [
        f"{french.rank(int(r), short=True)} {t}" for r, t in zip(data["rank"], data["challenge"], strict=True)
    ]
    if show_progress:
        data["t_end"] = data["t_support"] + [
            " · aucune action" if not n
            else f" · {french.UNMEASURED}" if pd.isna(p)
            else f" · réalisé à {french.percent(p)}"
            for n, p in zip(data["actions"], data["progress"], strict=True)
        ]
    else:
        data["t_end"] = data["t_support"]
    order = list(dict.fromkeys(data["challenge_id"]))
    top = max(float(data["support"].max()) if len(data) else 0.0, 0.01)
    tooltip = [
        alt.Tooltip("challenge:N", title="Défi"),
        alt.Tooltip("t_support:N", title="Soutien du défi (part des votes)"),
        alt.Tooltip("objectif:N", title="Objectif"),
        alt.Tooltip("t_weight:N", title="Poids de l'objectif dans le défi"),
        alt.Tooltip("t_split:N", title="Soutien porté par l'objectif"),
    ]
    if show_progress:
        tooltip += [
            alt.Tooltip("t_progress:N", title="Avancement du défi"),
            alt.Tooltip("t_realised:N", title="Soutien réalisé"),
            alt.Tooltip("t_actions:N", title="Actions"),
        ]
    y = alt.Y("challenge_id:N", sort=order, axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0))
    room = "max(width - 190, width * 0.5)" if show_progress else "max(width - 80, width * 0.7)"
    x_scale = alt.Scale(domain=[0, top], nice=False, range=[0, {"expr": room}])
    base = alt.Chart(data).encode(y=y)
    color = _objective_color(
        labels, data["objectif"],
        alt.Legend(title=None, orient="top", direction="horizontal", columns=3) if legend else None,
    )
    pick = alt.selection_point(name="defi", fields=["challenge_id"], on="click")
    layers = []
    if show_progress:
        layers.append(
            base.mark_bar(height=22, yOffset=9).encode(
                x=alt.X("segment_start:Q", scale=x_scale), x2="realised_end:Q", color=color,
                opacity=alt.Opacity("emphasis:Q", scale=None), tooltip=tooltip,
            )
        )
    layers.append(
        base.mark_bar(height=22, yOffset=9, stroke="white", strokeWidth=1).encode(
            x=alt.X(
                "segment_start:Q", scale=x_scale,
                axis=alt.Axis(format=".0%", title="Part des votes du tour", tickCount=6, grid=True),
            ),
            x2="segment_end:Q", color=color, opacity=alt.Opacity("pale:Q", scale=None), tooltip=tooltip,
        ).add_params(pick)
    )
    heads = data.drop_duplicates("challenge_id")
    layers.append(
        alt.Chart(heads).mark_text(align="left", baseline="middle", yOffset=-11, fontSize=15,
                                   fontWeight="bold", limit=alt.ExprRef("width")).encode(
            y=y, x=alt.value(0), text="t_title:N", opacity=alt.Opacity("emphasis:Q", scale=None),
            tooltip=[alt.Tooltip("challenge:N", title="Défi")],
        )
    )
    layers.append(
        alt.Chart(heads).mark_text(align="right", baseline="middle", yOffset=9, fontSize=14).encode(
            y=y, x=alt.value("width"), text="t_end:N",
            opacity=alt.Opacity("emphasis:Q", scale=None),
        )
    )
    return finish(noted(alt.layer(*layers).properties(height=alt.Step(50)), note))


def _month_labels(months: list) -> list[str]:
    """Short French month labels for an axis: ``mars 2026``, ``avr.``, … ``janv. 2027``."""
    short = FRENCH_LOCALE["time"]["shortMonths"]
    return [
        f"{short[m.month - 1]} {m.year}" if i == 0 or m.month == 1 else short[m.month - 1]
        for i, m in enumerate(months)
    ]


def objective_trend_chart(
    df: pd.DataFrame,
    objective: dict,
    months: list,
    month,
    *,
    y_max: float,
    emphasis: float = 1.0,
    width: int | None = None,
    selectable: bool = True,
) -> alt.LayerChart:
    """One objective over the months: the support the room gave it (dashed) and the support realised (area).

    ``df`` holds that objective's rows of signature.support_over_time (column ``month``: first day of the
    month); the area stops at ``month``. A click selects the objective (param ``objectif``).
    """
    axis_labels = _month_labels(months)
    label_of = dict(zip(months, axis_labels, strict=True))
    color = OBJECTIVE_COLORS[(int(objective["number"]) - 1) % len(OBJECTIVE_COLORS)]
    data = df.copy()
    data["mois"] = data["month"].map(label_of)
    data["t_month"] = data["month"].map(french.month)
    data["t_support"] = data["support"].map(french.percent)
    data["t_realised"] = data["realised"].map(french.percent)
    data["t_rate"] = [
        _pct(r / s if s else None) for r, s in zip(data["realised"], data["support"], strict=True)
    ]
    data["objective_number"] = int(objective["number"])
    past = data[data["month"] <= month].drop(columns=["month", "as_of"])
    now = data[data["month"] == month]
    data = data.drop(columns=["month", "as_of"])
    x = alt.X("mois:O", sort=axis_labels, scale=alt.Scale(domain=axis_labels),
              axis=alt.Axis(title=None, labelAngle=0, labelOverlap=True, labelFontSize=12))
    y = alt.Y("value:Q", scale=alt.Scale(domain=[0, max(y_max, 0.01)]),
              axis=alt.Axis(format=".0%", title=None, tickCount=4, labelFontSize=12))
    tooltip = [
        alt.Tooltip("t_month:N", title="Mois"),
        alt.Tooltip("t_support:N", title="Soutien exprimé"),
        alt.Tooltip("t_realised:N", title="Soutien réalisé"),
        alt.Tooltip("t_rate:N", title="Part réalisée"),
    ]
    realised = alt.Chart(past).transform_calculate(value="datum.realised").encode(x=x, y=y, tooltip=tooltip)
    points = realised.mark_point(color=color, filled=True, size=50, opacity=emphasis)
    if selectable:
        points = points.add_params(
            alt.selection_point(name="objectif", fields=["objective_number"], on="click", nearest=True)
        )
    layers = [
        realised.mark_area(color=color, opacity=0.75 * emphasis, line={"color": color}),
        alt.Chart(data).transform_calculate(value="datum.support").mark_line(
            color=color, strokeDash=[6, 4], strokeWidth=2.5, opacity=emphasis
        ).encode(x=x, y=y, tooltip=tooltip),
        points,
        alt.Chart(pd.DataFrame({"mois": [label_of[month]]})).mark_rule(color="#333333", strokeDash=[2, 2])
        .encode(x=x),
    ]
    subtitle = f"réalisé {now['t_realised'].iloc[0]} sur {now['t_support'].iloc[0]}" if len(now) else None
    title = alt.TitleParams(
        objective_label(objective["number"], objective["short_label"]), subtitle=subtitle, anchor="start",
        fontSize=15, subtitleFontSize=13, color=color if emphasis == 1.0 else "#999999",
    )
    chart = alt.layer(*layers).properties(title=title, height=250 if width is None else 170)
    return chart.properties(width=width) if width else chart


def support_over_time_chart(
    df: pd.DataFrame, objectives: list[dict], months: list, month
) -> alt.ConcatChart:
    """The five objective panels side by side (the exported figure; the app shows the panels in columns)."""
    y_max = float(df["support"].max()) * 1.1 if len(df) else 0.01
    panels = [
        objective_trend_chart(df[df["objective_number"] == o["number"]], o, months, month, y_max=y_max,
                              width=190, selectable=False)
        for o in objectives
    ]
    return finish(alt.concat(*panels, columns=len(panels)))


def weights_heatmap(
    df: pd.DataFrame,
    objectives: list[dict],
    *,
    highlight_challenge: int | None = None,
    highlight_objective: int | None = None,
) -> alt.LayerChart:
    """Défi × objective grid: each cell in its objective's colour, as opaque as the weight (from 0 to 1).

    ``df`` comes from signature.challenge_weights; each défi's title is written above its row (readable at
    any width). A click on a cell selects it (param ``cellule``). Only the first ``MAX_CHART_ROWS`` défis
    are drawn; a note under the chart says so.
    """
    labels = objective_labels(objectives)
    df, note = first_rows(df, "challenge_id", "défis")
    data = df.copy()
    data["objectif"] = [objective_label(n, s) for n, s in zip(data["objective_number"], data["objective"],
                                                              strict=True)]
    data["emphasis"] = 1.0
    if highlight_challenge is not None:
        data.loc[data["challenge_id"] != highlight_challenge, "emphasis"] = DIMMED
    if highlight_objective is not None:
        data.loc[data["objective_number"] != highlight_objective, "emphasis"] = DIMMED
    data["shade"] = data["weight"] * data["emphasis"]
    data["t_weight"] = data["weight"].map(french.percent)
    data["t_cell"] = data["weight"].map(lambda w: french.percent(w, 0) if w > 0 else "")
    data["t_support"] = data["support"].map(lambda s: "hors du tour" if pd.isna(s) else french.percent(s))
    data["t_entered"] = data["entered_weight"].map(lambda w: french.number(w, 2))
    order = list(dict.fromkeys(data["challenge_id"]))
    y = alt.Y("challenge_id:N", sort=order, axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0))
    x = alt.X("objectif:N", sort=labels, title=None,
              axis=alt.Axis(labelOverlap=False, labelFontSize=12, labelPadding=6, ticks=False,
                            labelAngle=alt.ExprRef("width < 520 ? -40 : 0"),
                            labelAlign=alt.ExprRef("width < 520 ? 'right' : 'center'"),
                            labelExpr="width < 520 ? datum.label "
                                      ": split(replace(datum.label, ' · ', ' '), ' ')"))
    tooltip = [
        alt.Tooltip("challenge:N", title="Défi"),
        alt.Tooltip("objectif:N", title="Objectif"),
        alt.Tooltip("t_weight:N", title="Poids (normalisé)"),
        alt.Tooltip("t_entered:N", title="Poids saisi"),
        alt.Tooltip("t_support:N", title="Soutien du défi"),
    ]
    base = alt.Chart(data).encode(x=x, y=y, tooltip=tooltip)
    pick = alt.selection_point(name="cellule", fields=["challenge_id", "objective_number"], on="click")
    cell = {"height": 26, "yOffset": 9, "stroke": "white", "strokeWidth": 2}
    heads = data.drop_duplicates("challenge_id")
    layers = [
        base.mark_rect(color="#F2F2F2", **cell),
        base.mark_rect(**cell).encode(
            color=_objective_color(labels, data["objectif"], None),
            opacity=alt.Opacity("shade:Q", scale=alt.Scale(domain=[0, 1], range=[0, 1]), legend=None),
        ).add_params(pick),
        base.mark_text(fontSize=14, fontWeight="bold", yOffset=9).encode(
            text="t_cell:N",
            color=alt.condition("datum.shade > 0.45", alt.value("white"), alt.value("#222222")),
        ),
        alt.Chart(heads).mark_text(align="left", baseline="middle", yOffset=-13, fontSize=14,
                                   limit=alt.ExprRef("width")).encode(
            y=y, x=alt.value(0), text="challenge:N", opacity=alt.Opacity("emphasis:Q", scale=None),
            tooltip=[alt.Tooltip("challenge:N", title="Défi"),
                     alt.Tooltip("t_support:N", title="Soutien du défi")],
        ),
    ]
    return finish(noted(alt.layer(*layers).properties(height=alt.Step(54)), note))


def action_timeline_part(
    df: pd.DataFrame,
    objective: dict | None,
    *,
    domain: tuple,
    as_of,
    legend: bool = True,
    width: int | None = None,
) -> alt.LayerChart:
    """Gantt of one objective's actions: a bar from start to due date coloured by status at ``as_of``.

    Each action's title is written above its bar (readable at any width). Overdue actions are outlined in
    red and marked « en retard »; a dashed rule marks ``as_of``. ``df`` holds that objective's rows of
    signature.action_timeline; ``domain`` is the (first, last) date shown. Only the first
    ``MAX_CHART_ROWS`` actions are drawn; the title (or a note under the chart) says so.
    """
    df, note = first_rows(df, "action_id", "actions", feminine=True)
    data = df.copy()
    data["start"] = pd.to_datetime(data["start"])
    data["end"] = pd.to_datetime(data["due_date"]).fillna(pd.Timestamp(as_of))
    data["statut"] = data["status"].map(french.status)
    data["t_start"] = data["start"].map(french.date)
    data["t_due"] = data["due_date"].map(lambda d: "sans échéance" if pd.isna(d) else french.date(d))
    data["t_progress"] = data["progress"].map(
        french.progress
    )
    data["t_weight"] = data["weight"].map(lambda w: "–" if pd.isna(w) else french.percent(w))
    data["t_end"] = [
        ("⚠ en retard · " if late else "") + ("" if pd.isna(p) else french.percent(p / 100))
        for late, p in zip(data["overdue"], data["progress"], strict=True)
    ]
    data["outline"] = data["overdue"].map(lambda late: 3 if late else 0)
    statuses = list(STATUSES.values())
    y = alt.Y("action_id:N", sort=list(dict.fromkeys(data["action_id"])), axis=None,
              scale=alt.Scale(paddingInner=0, paddingOuter=0))
    x_scale = alt.Scale(domain=[pd.Timestamp(d).isoformat() for d in domain])
    tooltip = [
        alt.Tooltip("action:N", title="Action"),
        alt.Tooltip("challenge:N", title="Défi"),
        alt.Tooltip("t_weight:N", title="Poids de l'objectif dans le défi"),
        alt.Tooltip("statut:N", title=f"Statut au {french.date(as_of)}"),
        alt.Tooltip("t_progress:N", title="Avancement"),
        alt.Tooltip("t_start:N", title="Début"),
        alt.Tooltip("t_due:N", title="Échéance"),
    ]
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    layers = [
        alt.Chart(pd.DataFrame({"as_of": [pd.Timestamp(as_of).isoformat()]}))
        .mark_rule(color="#333333", strokeDash=[4, 3], strokeWidth=1.5)
        .encode(x=alt.X("as_of:T", scale=x_scale)),
        base.mark_text(align="left", baseline="middle", yOffset=-9, fontSize=13, limit=alt.ExprRef("width"))
        .encode(x=alt.value(0), text="action:N"),
        base.mark_bar(height=14, yOffset=8, cornerRadius=3, stroke=OVERDUE_COLOR).encode(
            x=alt.X("start:T", scale=x_scale, axis=alt.Axis(format="%b %Y", title=None, labelOverlap=True)),
            x2="end:T",
            color=alt.Color("statut:N",
                            scale=alt.Scale(domain=statuses, range=[STATUS_COLORS[s] for s in statuses]),
                            legend=alt.Legend(title="Statut", orient="top", direction="horizontal",
                                              symbolStrokeWidth=0)
                            if legend else None),
            strokeWidth=alt.StrokeWidth("outline:Q", scale=None),
        ),
        base.mark_text(align="left", dx=5, yOffset=8, fontSize=12).encode(
            x=alt.X("end:T", scale=x_scale), text="t_end:N",
            color=alt.condition("datum.overdue", alt.value(OVERDUE_COLOR), alt.value("#333333")),
        ),
    ]
    chart = alt.layer(*layers).properties(height=alt.Step(42))
    if objective is not None:
        label = objective_label(objective["number"], objective["short_label"])
        color = (
            UNASSIGNED_COLOR if label == UNASSIGNED
            else OBJECTIVE_COLORS[(int(objective["number"]) - 1) % len(OBJECTIVE_COLORS)]
        )
        title = alt.TitleParams(label, anchor="start", fontSize=15, color=color,
                                subtitle=note or alt.Undefined, subtitleFontSize=13, subtitleColor="#333333")
        chart = chart.properties(title=title)
    else:
        chart = noted(chart, note)
    return chart.properties(width=width) if width else chart


def action_timeline_chart(
    df: pd.DataFrame, objectives: list[dict], *, as_of
) -> alt.VConcatChart:
    """The actions of every objective, one Gantt per objective stacked (the exported figure)."""
    domain = timeline_domain(df, as_of)
    groups = [(o, df[df["objective_number"] == o["number"]]) for o in objectives]
    groups.append(({"number": None, "short_label": None}, df[df["objective_number"].isna()]))
    parts = [
        action_timeline_part(part, o, domain=domain, as_of=as_of, legend=i == 0, width=760)
        for i, (o, part) in enumerate(g for g in groups if len(g[1]))
    ]
    return finish(alt.vconcat(*parts).resolve_scale(x="shared"))


def timeline_domain(df: pd.DataFrame, as_of) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return the dates a timeline spans: the first start to the last due date (or ``as_of``), by months."""
    dates = [pd.Timestamp(as_of)]
    dates += [pd.Timestamp(d) for d in pd.concat([df["start"], df["due_date"]]).dropna()]
    first, last = min(dates), max(dates)
    return first.to_period("M").to_timestamp(), (last.to_period("M") + 1).to_timestamp()


# --- Votes (data from labo_dash.results) -------------------------------------------------------------

GRADE_COLORS = {  # blue (best) to orange (worst): readable with every common colour-vision deficiency
    5: ["#08519C", "#4292C6", "#9ECAE1", "#FDAE6B", "#E6550D"],
    7: ["#08306B", "#2171B5", "#6BAED6", "#C6DBEF", "#FDAE6B", "#F16913", "#A63603"],
}
NO_OPINION_COLOR = "#D0D0D0"
VOTE_COLOR = "#0072B2"


NARROW = 700  # px: a chart whose container is narrower uses its phone sizes (a 390 px phone, a side column)
CONTAINER = "(containerSize()[0] || 1000)"  # the chart's container width (px; 1000 where there is none)
BAR_BAND = 0.7  # a bar's thickness, as a share of its row
PHONE_CHARS = 30  # characters per label line in a 390 px wide phone's chart (60 % of ~350 px, 12 px type)
PHONE_LINE = 14  # px: the height of a label line on a phone
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")  # the container's width, the height it needs


def _by_width(narrow: float | str, wide: float | str) -> alt.ExprRef:
    """Return an expression worth ``narrow`` in a container narrower than NARROW px, else ``wide``.

    Streamlit cannot tell the server the viewport's width: the charts read their container's width
    themselves (Vega's ``containerSize()``), so one spec suits a phone, a laptop and a projector.
    """
    return alt.ExprRef(f"{CONTAINER} < {NARROW} ? {narrow} : {wide}")


def _vote_fonts(large: bool) -> dict[str, int]:
    """Font sizes (px), label width (px), characters and line height (px) of a label line on wide screens,
    and the smallest row (px): normal screens, or a projector (``large``)."""
    if large:
        return {"label": 18, "title": 16, "text": 20, "limit": 520, "chars": 44, "line": 22, "row": 34}
    return {"label": 13, "title": 13, "text": 14, "limit": 420, "chars": 50, "line": 16, "row": 32}


PROJECTION_FONTS = range(18, 13, -1)  # px: label sizes tried to fit a projected chart, 14 at the smallest
PROJECTION_LABELS = 600  # px: the labels' width on a projected screen (the bars keep 300 px at 1280×720)
CHAR_WIDTH = 0.6  # a label character's width, as a share of its font size (generous: no line overflows)


def _projection_fonts(size: int) -> dict[str, int]:
    """Return :func:`_vote_fonts`' keys for labels of ``size`` px (a projector's chart in a height budget)."""
    line = round(size * 1.15)
    return {"label": size, "title": size - 2, "text": size + 2, "limit": PROJECTION_LABELS,
            "chars": int(PROJECTION_LABELS / (CHAR_WIDTH * size)), "line": line, "row": line + 6}


def _wide_step(labels: list[str], fonts: dict[str, int]) -> int:
    """Return the height (px) of a bar's row on a wide screen: room for the lines of its longest label."""
    lines = max([len(textwrap.wrap(label, fonts["chars"])) for label in labels] or [1])
    return max(fonts["row"], lines * fonts["line"] + 6)


def fit_rows(labels: list[str], ranks: list[int], rows_px: int) -> tuple[int, dict[str, int], int]:
    """Fit a ranking's rows into ``rows_px`` px of height on a wide screen (a projected page never scrolls).

    ``labels`` and ``ranks`` are in ranking order (tied items share their rank). Return how many rows to
    draw, the fonts (see :func:`_vote_fonts`) and the row height (px): the largest label type from 18 px
    down to 14 px (read from the back of a room) that fits every row; else, at 14 px, the first rows that
    fit, never cutting inside a tie (tied items are shown together or not at all, unless the first
    rank's tie alone does not fit: then as many as fit). The caller says how many are left out.
    """
    for size in PROJECTION_FONTS:
        fonts = _projection_fonts(size)
        step = _wide_step(labels, fonts)
        if step * len(labels) <= rows_px:
            return len(labels), fonts, step
    kept = len(labels)
    while kept > 1 and _wide_step(labels[:kept], fonts) * kept > rows_px:
        kept -= 1
    cut = kept
    while cut > 0 and cut < len(ranks) and ranks[cut] == ranks[cut - 1]:
        cut -= 1  # the first row left out is tied with the last one kept: leave the whole tie out
    kept = cut or kept
    return kept, fonts, _wide_step(labels[:kept], fonts)


def _left_out(total: int, kept: int, first_rank: int) -> alt.TitleParams | None:
    """Return the note written under a projected chart that shows only its first ``kept`` rows, else None."""
    if kept >= total:
        return None
    others = total - kept
    text = f"… et {french.number(others)} autre{'s' if others > 1 else ''}, à partir du rang {first_rank}"
    return alt.TitleParams(text, orient="bottom", anchor="start", fontSize=18, fontWeight="bold",
                           color="#000000", offset=10)


AXIS_PX, LEGEND_PX, NOTE_PX = 72, 80, 40  # px under a projected chart's rows: x axis, grade legend, note


def _fit_ranking(items: list[str], ranks: list[int], height: int, below: int
                 ) -> tuple[list[str], dict[str, int], int, alt.TitleParams | None]:
    """Return the items drawn, the fonts, the row height (px) and the note on those left out, for a
    projected chart of ``height`` px whose axis and legend take ``below`` px (see :func:`fit_rows`)."""
    kept, fonts, step = fit_rows(items, ranks, height - below)
    if kept < len(items):
        kept, fonts, step = fit_rows(items, ranks, height - below - NOTE_PX)
    return items[:kept], fonts, step, _left_out(len(items), kept, ranks[min(kept, len(ranks) - 1)])


def _wrapped_labels(fonts: dict[str, int], step: int) -> dict:
    """Axis properties that wrap long labels into lines instead of cutting them (phone: smaller type).

    Vega-Lite has no text wrapping: ``labelExpr`` splits the label at spaces into lines of at most N
    characters (an array of lines is drawn one under the other), N following the container's width.
    Vega writes the first line where a one-line label would be, so each label starts at the top of its
    bar (bars are 70 % of the ``step``, the row's height in px) and its lines go down the row.
    """
    chars = _by_width(f"max(12, floor({CONTAINER} * 0.6 / 6.6))", fonts["chars"]).expr
    return {
        "labelExpr": rf"split(trim(replace(datum.label, regexp('(.{{1,' + ({chars}) + '}})(\\s+|$)', 'g'), "
                     r"'$1\n')), '\n')",
        "labelFontSize": _by_width(12, fonts["label"]),
        "labelLimit": _by_width(f"{CONTAINER} * 0.6", fonts["limit"]),
        "labelLineHeight": _by_width(PHONE_LINE, fonts["line"]),
        "labelPadding": 6,
        "labelBaseline": "top",
        "ticks": False,
        "labelOffset": -round(step * BAR_BAND / 2),
    }


def _row_step(labels: list[str], fonts: dict[str, int]) -> int:
    """Return the height (px) of one bar's row: room for its label's lines on a phone and on a wide screen."""
    phone = [len(textwrap.wrap(label, PHONE_CHARS)) * PHONE_LINE for label in labels]
    wide = [len(textwrap.wrap(label, fonts["chars"])) * fonts["line"] for label in labels]
    lines = max([*phone, *wide, 0])
    return max(fonts["row"], lines + 10)


def _high_contrast(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """French number format, black text (projector contrast), no frame."""
    return (
        chart.configure_axis(labelColor="#000000", titleColor="#000000", domainColor="#000000",
                        tickColor="#000000")
        .configure_legend(labelColor="#000000", titleColor="#000000")
        .configure_view(stroke=None)
    )


def _item_label(rank: int, title: str) -> str:
    """Return ``1. Titre`` (the whole title: the axis wraps it)."""
    return f"{french.rank(int(rank), short=True)} {title}"


def _legend_columns(projected: bool) -> alt.ExprRef:
    """The grade legend's columns: one on a phone, three, or all six in one row on a projected screen
    whose chart is wide enough (1 200 px: a 1920 px wide screen)."""
    return _by_width(1, f"({CONTAINER} < 1200 ? 3 : 6)" if projected else 3)


def merit_profile_chart(
    profile: pd.DataFrame, grades: list[str], *, large: bool = False, height: int | None = None
) -> alt.LayerChart:
    """One 100 % horizontal bar per item (ranking order): grades best first from the left, "Pas d'avis"
    last, and a rule at 50 % (where the majority grade is read).

    ``profile`` has the columns of :func:`labo_dash.results.merit_profiles` (title, order, rank, grade,
    grade_index, count, share); ``grades`` is the scale, best first. Tied items share their rank. The chart
    fits its container's width: labels wrap; the legend sits below the bars, in as many columns as fit
    under them (3, one on a phone, where the labels take 60 % of the width).

    ``height`` (px), for a projected wide screen: the whole chart's height, which never grows past it:
    the label type shrinks to fit, else only the first items are drawn and a note under the chart says
    how many are left out (:func:`fit_rows`). Without it, the rows are as tall as the labels need.
    """
    fonts = _vote_fonts(large)
    data = profile.sort_values(["order", "grade_index"]).copy()
    data["item"] = [_item_label(r, t) for r, t in zip(data["rank"], data["title"], strict=True)]
    data["end"] = data.groupby("order")["share"].cumsum()
    data["start"] = data["end"] - data["share"]
    data["part"] = [french.percent(s) for s in data["share"]]
    domain = [*grades, "Pas d'avis"]
    colors = [*GRADE_COLORS[len(grades)], NO_OPINION_COLOR]
    items = list(dict.fromkeys(data["item"]))
    note = None
    if height is None:
        step = _row_step(items, fonts)
    else:
        ranks = data.drop_duplicates("order")["rank"].astype(int).tolist()
        items, fonts, step, note = _fit_ranking(items, ranks, height, AXIS_PX + LEGEND_PX)
        data = data[data["item"].isin(items)]
    y = alt.Y("item:N", sort=items, title=None, axis=alt.Axis(**_wrapped_labels(fonts, step)))
    bars = alt.Chart(data).mark_bar(height={"band": BAR_BAND}).encode(
        y=y,
        x=alt.X("start:Q", scale=alt.Scale(domain=[0, 1]), title="Part des votant·e·s",
                axis=alt.Axis(format="%", values=[0, 0.5, 1], labelFontSize=_by_width(12, fonts["label"]),
                              titleFontSize=_by_width(12, fonts["title"]))),
        x2="end:Q",
        color=alt.Color("grade:N", scale=alt.Scale(domain=domain, range=colors), title="Mention",
                        legend=alt.Legend(orient="bottom", direction="horizontal",
                                          columns=_legend_columns(height is not None),
                                          labelFontSize=_by_width(12, fonts["label"]),
                                          titleFontSize=_by_width(12, fonts["title"]),
                                          symbolSize=_by_width(120, 300 if large else 150), labelLimit=0)),
        tooltip=[alt.Tooltip("item:N", title="Élément"), alt.Tooltip("grade:N", title="Mention"),
                 alt.Tooltip("count:Q", title="Votant·e·s"), alt.Tooltip("part:N", title="Part")],
    )
    rule = alt.Chart(pd.DataFrame({"x": [0.5]})).mark_rule(color="#000000", strokeDash=[6, 4], size=2)
    rule = rule.encode(x="x:Q")
    chart = (bars + rule).properties(height=alt.Step(step), width="container", autosize=FIT_WIDTH)
    return _high_contrast(chart if note is None else chart.properties(title=note))


def vote_totals_chart(
    results: pd.DataFrame, unit: str, *, large: bool = False, height: int | None = None
) -> alt.LayerChart:
    """Horizontal bars of dots (or approvals) per item, best first, the count written at the end.

    ``results`` has the columns of :func:`labo_dash.results.round_results` (rank, title, value, tied).
    The chart fits its container's width: labels wrap, fewer ticks and smaller type on a phone.
    ``height``: as in :func:`merit_profile_chart` (a projected wide screen's height budget, px).
    """
    fonts = _vote_fonts(large)
    data = results.copy()
    data["item"] = [_item_label(r, t) for r, t in zip(data["rank"], data["title"], strict=True)]
    order = list(data["item"])
    top = max(int(data["value"].max()) if len(data) else 0, 1)
    note = None
    if height is None:
        step = _row_step(order, fonts)
    else:
        order, fonts, step, note = _fit_ranking(order, data["rank"].astype(int).tolist(), height, AXIS_PX)
        data = data[data["item"].isin(order)]
    base = alt.Chart(data).encode(
        y=alt.Y("item:N", sort=order, title=None, axis=alt.Axis(**_wrapped_labels(fonts, step))),
        x=alt.X("value:Q", title=unit, scale=alt.Scale(domain=[0, top * 1.12], nice=False),
                axis=alt.Axis(tickMinStep=1, format="d", tickCount=_by_width(3, 8),
                              labelFontSize=_by_width(12, fonts["label"]),
                              titleFontSize=_by_width(12, fonts["title"]))),
        tooltip=[alt.Tooltip("item:N", title="Élément"), alt.Tooltip("value:Q", title=unit, format="d")],
    )
    bars = base.mark_bar(color=VOTE_COLOR, height={"band": BAR_BAND})
    labels = base.mark_text(align="left", dx=4, fontSize=_by_width(13, fonts["text"]), fontWeight="bold")
    labels = labels.encode(text="value:Q")
    chart = (bars + labels).properties(height=alt.Step(step), width="container", autosize=FIT_WIDTH)
    return _high_contrast(chart if note is None else chart.properties(title=note))


def turnout_chart(voters: int, registered: int, *, large: bool = False) -> alt.LayerChart:
    """A single bar: voters out of registered participants, the figure written inside."""
    fonts = _vote_fonts(large)
    total = max(registered, voters, 1)
    data = pd.DataFrame({"part": ["Votant·e·s", "Pas encore"], "start": [0, voters], "end": [voters, total]})
    bars = alt.Chart(data).mark_bar(height=40 if large else 30).encode(
        x=alt.X("start:Q", scale=alt.Scale(domain=[0, total]), axis=None),
        x2="end:Q",
        color=alt.Color("part:N", scale=alt.Scale(domain=["Votant·e·s", "Pas encore"],
                                                  range=[VOTE_COLOR, "#E3E3E3"]), legend=None),
        tooltip=[alt.Tooltip("part:N", title=" "), alt.Tooltip("end:Q", title="Cumul", format="d")],
    )
    label = alt.Chart(pd.DataFrame({"x": [total / 2], "t": [f"{voters} sur {registered}"]})).mark_text(
        fontSize=fonts["text"], fontWeight="bold", color="#000000"
    ).encode(x="x:Q", text="t:N")
    chart = (bars + label).properties(height=46 if large else 40, width="container")
    return chart.configure_view(stroke=None)


def objective_spread_chart(spread: pd.DataFrame, *, large: bool = False) -> alt.LayerChart:
    """Horizontal bars: the round's support spread over the objectives, in their fixed colours.

    ``spread`` has the columns of :func:`labo_dash.results.objective_spread` (number, short_label,
    support as a fraction of the round's support).
    """
    fonts = _vote_fonts(large)
    data = spread.sort_values("number").copy()
    data["objectif"] = [
        objective_label(n, s) for n, s in zip(data["number"], data["short_label"], strict=True)
    ]
    data["part"] = [french.percent(s) for s in data["support"]]
    labels = list(data["objectif"])
    base = alt.Chart(data).encode(
        y=alt.Y("objectif:N", sort=labels, title=None,
                axis=alt.Axis(labelLimit=fonts["limit"], labelFontSize=fonts["label"])),
        x=alt.X("support:Q", title="Part du soutien exprimé",
                scale=alt.Scale(domain=[0, max(float(data["support"].max() or 0) * 1.2, 0.05)]),
                axis=alt.Axis(format="%", labelFontSize=fonts["label"], titleFontSize=fonts["title"])),
        tooltip=[alt.Tooltip("objectif:N", title="Objectif"), alt.Tooltip("part:N", title="Soutien")],
    )
    bars = base.mark_bar(height={"band": 0.7}).encode(
        color=alt.Color("objectif:N", scale=alt.Scale(domain=labels, range=OBJECTIVE_COLORS[: len(labels)]),
                        legend=None)
    )
    text = base.mark_text(align="left", dx=6, fontSize=fonts["text"], fontWeight="bold").encode(text="part:N")
    return _high_contrast((bars + text).properties(height=alt.Step(fonts["row"])))

def objective_spread_strip(spread: pd.DataFrame, height: int = 80) -> alt.LayerChart:
    """One 100 % bar for the projection: the round's support split over the objectives, in their colours.

    ``spread`` has the columns of :func:`labo_dash.results.objective_spread` (number, short_label,
    support). Each segment is labelled with its short name and share where they fit (the share alone in
    a narrow segment, nothing in a sliver: decided from the segment's width in px, so on any screen);
    the legend below always names every objective, in one column in a container narrower than 420 px
    (a phone, the projection's side column), two below NARROW px, else one row. ``height``: the bar's (px).
    """
    data = spread.sort_values("number").copy()
    data["objectif"] = [
        objective_label(n, s) for n, s in zip(data["number"], data["short_label"], strict=True)
    ]
    total = float(data["support"].sum()) or 1.0
    data["end"] = data["support"].cumsum() / total
    data["start"] = data["end"] - data["support"] / total
    data["middle"] = (data["start"] + data["end"]) / 2
    data["part"] = [french.percent(v) for v in data["support"] / total]
    data["encre"] = ["#FFFFFF" if n == 1 else "#000000" for n in data["number"]]  # contrast on each colour
    data = data.drop(columns=["support"])
    labels = list(data["objectif"])
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("start:Q", axis=None, scale=alt.Scale(domain=[0, 1])),
        y=alt.value(0), y2=alt.value("height"),
        x2="end:Q",
        color=alt.Color("objectif:N", scale=alt.Scale(domain=labels, range=OBJECTIVE_COLORS[: len(labels)]),
                        legend=alt.Legend(title=None, orient="bottom", direction="horizontal",
                                          columns=alt.ExprRef(f"{CONTAINER} < 420 ? 1 : "
                                                              f"{CONTAINER} < {NARROW} ? 2 : {len(labels)}"),
                                          labelFontSize=_by_width(13, 16),
                                          symbolSize=_by_width(150, 250), labelLimit=0,
                                          labelColor="#000000")),
        tooltip=[alt.Tooltip("objectif:N", title="Objectif"), alt.Tooltip("part:N", title="Soutien")],
    )
    text = alt.Chart(data).transform_calculate(
        pixels="(datum.end - datum.start) * width",
        texte="datum.pixels >= 8 * length(datum.short_label) + 12 ? [datum.short_label, datum.part] "
              ": datum.pixels >= 48 ? datum.part : ''",
    ).mark_text(fontSize=_by_width(13, 18), fontWeight="bold").encode(
        x="middle:Q", text="texte:N", color=alt.Color("encre:N", scale=None)
    )
    chart = (bars + text).properties(height=height, width="container", autosize=FIT_WIDTH)
    return chart.configure_view(stroke=None)


# --- Shared diagnosis: findings per objective, territory barometer ------------------------------------

BAROMETER_COLORS = ["#A6611A", "#DFC27D", "#D9D9D9", "#80CDC1", "#018571"]  # BrBG: 1 (rien) .. 5


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
    return (bars + text).properties(height=len(labels) * (64 if large else 44)).configure_view(stroke=None)


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
    return (bars + rule).properties(height=len(labels) * 56).configure_view(stroke=None)


# --- Action tracker and monthly review (data from labo_dash.progress, review, actions) ---------------

CHALLENGE_BAR_COLOR = "#56606B"


def _progress_label(value: float | None) -> str:
    """Return ``72 %`` for a rolled-up fraction, ``non mesuré`` when unknown."""
    return french.progress(value, fraction=True, decimals=0)


def progress_bars_chart(
    data: pd.DataFrame, *, colors: list[str] | None = None, title: str, label_limit: int = 240
) -> alt.LayerChart:
    """Horizontal 0–100 % bars of rolled-up progress, one per row, labelled with the % or « non mesuré ».

    ``data`` has ``label`` (row order kept), ``progress`` (fraction or None), ``actions`` and ``measured``;
    ``colors`` gives one colour per row (the objectives' fixed colours), else one neutral colour. Only the
    first ``MAX_CHART_ROWS`` rows are drawn; the subtitle says so.
    """
    data, note = first_rows(data.assign(row=range(len(data))), "row", "lignes", feminine=True)
    frame = data[["label", "progress", "actions", "measured"]].copy()
    frame["value"] = frame["progress"].astype("float64").fillna(0.0)
    frame["text"] = frame["progress"].map(_progress_label)
    frame["counted"] = [
        f"{french.plural(m, 'mesurée', 'mesurées')} sur {n}"
        for m, n in zip(frame["measured"], frame["actions"], strict=True)
    ]
    frame = frame.drop(columns=["progress"])
    labels = frame["label"].tolist()
    color = (
        alt.Color("label:N", scale=alt.Scale(domain=labels, range=colors), legend=None)
        if colors else alt.value(CHALLENGE_BAR_COLOR)
    )
    y = alt.Y("label:N", sort=labels, title=None, axis=alt.Axis(labelLimit=label_limit, labelFontSize=13))
    x = alt.X("value:Q", scale=alt.Scale(domain=[0, 1]), title="Avancement agrégé",
              axis=alt.Axis(format=".0%", tickCount=5, grid=True))
    tooltip = [alt.Tooltip("label:N", title="Élément"), alt.Tooltip("text:N", title="Avancement"),
               alt.Tooltip("counted:N", title="Actions comptées")]
    base = alt.Chart(frame).encode(y=y, tooltip=tooltip)
    track = base.mark_bar(color="#EEEEEE", height=20).encode(x=alt.X("one:Q", scale=alt.Scale(domain=[0, 1])))
    bars = base.mark_bar(height=20).encode(x=x, color=color)
    text = base.mark_text(align="left", dx=6, fontSize=13, fontWeight="bold").encode(x=x, text="text:N")
    chart = alt.layer(track.transform_calculate(one="1"), bars, text)
    return (
        chart.properties(height=alt.Step(32), title=alt.TitleParams(title, anchor="start", fontSize=16,
                                                                    subtitle=note or alt.Undefined))
        .configure_view(stroke=None)
    )


def progress_trend_chart(history: pd.DataFrame, objectives: list[dict]) -> alt.Chart:
    """Rolled-up progress of each objective at the end of every month (lines in the objectives' colours).

    ``history`` comes from review.objective_history (``month``, ``number``, ``short_label``, ``progress``).
    """
    frame = history[["month", "number", "short_label", "progress"]].copy()
    months = sorted(frame["month"].unique())
    names = {m: french.month(m) for m in months}
    frame["mois"] = frame["month"].map(names)
    frame["objectif"] = [
        f"{int(n)} · {s}" for n, s in zip(frame["number"], frame["short_label"], strict=True)
    ]
    frame["value"] = frame["progress"].astype("float64")
    frame["text"] = frame["progress"].map(_progress_label)
    frame = frame.drop(columns=["month", "progress"])
    labels = [f"{o['number']} · {o['short_label']}" for o in objectives]
    order = [names[m] for m in months]
    return (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=60, filled=True), strokeWidth=3)
        .encode(
            x=alt.X("mois:O", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelFontSize=12)),
            y=alt.Y("value:Q", scale=alt.Scale(domain=[0, 1]), title="Avancement agrégé",
                    axis=alt.Axis(format=".0%", tickCount=5)),
            color=alt.Color(
                "objectif:N",
                scale=alt.Scale(domain=labels, range=OBJECTIVE_COLORS[: len(labels)]),
                legend=alt.Legend(title=None, orient="bottom", columns=3, labelFontSize=13, labelLimit=260),
            ),
            tooltip=[alt.Tooltip("mois:N", title="Fin de"), alt.Tooltip("objectif:N", title="Objectif"),
                     alt.Tooltip("text:N", title="Avancement")],
        )
        .properties(height=300)
        .configure_view(stroke=None)
    )


def action_history_chart(history: pd.DataFrame) -> alt.LayerChart:
    """The % of one action over its progress updates: a step line, one point per update coloured by status.

    ``history`` comes from actions.history (``reported_on``, ``status``, ``progress``, ``comment``).
    """
    frame = history[["reported_on", "status", "progress", "comment"]].copy()
    dates = pd.to_datetime(frame["reported_on"]).dt.date.map(french.date)
    frame["date"] = [d if (dates[:i] != d).all() else f"{d} ({i + 1})" for i, d in enumerate(dates)]
    frame["statut"] = frame["status"].map(french.status)
    frame["value"] = frame["progress"].astype("float64") / 100
    frame["text"] = [
        french.progress(v) for v in frame["progress"]
    ]
    frame["comment"] = frame["comment"].fillna("")
    frame["position"] = range(len(frame))
    frame = frame.drop(columns=["reported_on", "progress", "status"])
    order = frame["date"].tolist()
    statuses = list(STATUSES.values())
    x = alt.X("date:O", sort=order, title=None, axis=alt.Axis(labelAngle=-30, labelFontSize=12))
    y = alt.Y("value:Q", scale=alt.Scale(domain=[0, 1]), title="Avancement",
              axis=alt.Axis(format=".0%", tickCount=5))
    tooltip = [alt.Tooltip("date:N", title="Point du"), alt.Tooltip("statut:N", title="Statut"),
               alt.Tooltip("text:N", title="Avancement"), alt.Tooltip("comment:N", title="Commentaire")]
    base = alt.Chart(frame).encode(x=x, y=y, tooltip=tooltip)
    line = base.mark_line(interpolate="step-after", color="#8A8A8A", strokeWidth=2)
    points = base.mark_point(filled=True, size=140, opacity=1).encode(
        color=alt.Color(
            "statut:N",
            scale=alt.Scale(domain=statuses, range=[STATUS_COLORS[s] for s in statuses]),
            legend=alt.Legend(title=None, orient="bottom", labelFontSize=13, columns=3),
        )
    )
    return (
        alt.layer(line, points).properties(height=240)
        .configure_view(stroke=None)
    )
