"""The vote charts (data from labo_dash.results): merit profiles, vote totals, turnout, the round's support
spread over the objectives. They fit their container's width (a phone, a laptop, a projector): labels wrap
and a projected chart fits a height budget."""

from __future__ import annotations

import textwrap
from typing import Any

import altair as alt
import pandas as pd

from labo_dash import french
from labo_dash.charts.theme import ChartT, builder, layered, objective_label, objective_scale

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


def _wrapped_labels(fonts: dict[str, int], step: int) -> dict[str, Any]:
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


def _high_contrast(chart: ChartT) -> ChartT:
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


@builder
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
    chart = layered(bars, rule).properties(height=alt.Step(step), width="container", autosize=FIT_WIDTH)
    return _high_contrast(chart if note is None else chart.properties(title=note))


@builder
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
    chart = layered(bars, labels).properties(height=alt.Step(step), width="container", autosize=FIT_WIDTH)
    return _high_contrast(chart if note is None else chart.properties(title=note))


@builder
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
    chart = layered(bars, label).properties(height=46 if large else 40, width="container")
    return chart.configure_view(stroke=None)


@builder
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
        color=alt.Color("objectif:N", scale=objective_scale(labels),
                        legend=None)
    )
    text = base.mark_text(align="left", dx=6, fontSize=fonts["text"], fontWeight="bold").encode(text="part:N")
    return _high_contrast(layered(bars, text).properties(height=alt.Step(fonts["row"])))


@builder
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
        color=alt.Color("objectif:N", scale=objective_scale(labels),
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
    chart = layered(bars, text).properties(height=height, width="container", autosize=FIT_WIDTH)
    return chart.configure_view(stroke=None)

