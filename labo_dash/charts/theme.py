"""The charts' shared look: the Altair theme « labo_francais » (Vega's French locale), the fixed colours of
the objectives and statuses, objective labels, titles, notes and the rows a chart draws.

One fixed, colour-blind-safe colour per objective everywhere in the app (Okabe-Ito palette).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, TypeVar, cast

import altair as alt
import pandas as pd

from labo_dash import french
from labo_dash.french import STATUSES
from labo_dash.seminar import Objective

OBJECTIVE_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00"]
STATUS_COLORS = {
    "À lancer": "#9E9E9E",
    "En cours": "#0072B2",
    "En pause": "#E69F00",
    "Terminée": "#009E73",
    "Abandonnée": "#5F5F5F",
}
UNASSIGNED = "Objectif non renseigné"  # the label of a défi or action without objective
UNASSIGNED_COLOR = "#BBBBBB"
FRENCH_LOCALE = cast("alt.theme.LocaleKwds", french.VEGA_LOCALE)  # a nested dict literal of that shape

ChartT = TypeVar("ChartT", bound=alt.TopLevelMixin)
P = ParamSpec("P")


# What a screen reader says of each part of a chart (Vega writes it as the element's aria-label and
# aria-roledescription). Without these, Vega writes English: « Vega visualization », « Y-axis titled … for
# a discrete scale with … », and each mark's type (« bar », « rect mark »).
CHART_DESCRIPTION = "Graphique"
AXIS_NAMES = {"x": "Axe horizontal", "y": "Axe vertical"}
LEGEND_CHANNELS = ("color", "fill", "stroke", "opacity", "shape", "size")
LEGEND_DEFS = (alt.Color, alt.Fill, alt.Stroke, alt.Opacity, alt.Shape, alt.Size)  # field defs of those
MARK_ROLES = {  # Vega-Lite's mark types, and the French name of one of their items
    "arc": "secteur", "area": "aire", "bar": "barre", "circle": "point", "geoshape": "forme",
    "image": "image", "line": "ligne", "point": "point", "rect": "case", "rule": "trait",
    "square": "carré", "text": "texte", "tick": "trait", "trail": "tracé",
}


@alt.theme.register("labo_francais", enable=True)
def french_theme() -> alt.theme.ThemeConfig:
    """Every chart in French, set once for all charts (Altair applies the enabled theme to each chart it
    writes out, on screen and in the exported files).

    Numbers and dates (« 20 % », « 1 234,5 », « nov. 2026 »): Vega's locale. Screen-reader text: the
    chart's description (« Graphique ») and the French name of each mark's items (« barre »). Axes,
    legends and items are described by :func:`described` (Vega reads no axis or legend description from
    the configuration, and an item's depends on its fields). What Vega
    writes whatever the specification says (« axis », « rect mark container ») is translated in the
    browser, by labo_dash/ui/french_page.js.
    """
    marks: dict[str, Any] = {mark: {"ariaRoleDescription": role} for mark, role in MARK_ROLES.items()}
    config = {"locale": FRENCH_LOCALE, **marks}
    return cast("alt.theme.ThemeConfig", {"description": CHART_DESCRIPTION, "config": config})


def described(chart: ChartT) -> ChartT:
    """Return ``chart`` (changed in place) with French screen-reader descriptions, in every layer and panel.

    Vega describes in English an axis or legend without a ``description`` (« Y-axis titled 'Défi' for a
    discrete scale with 6 values… »), and Vega-Lite labels each mark's item with the names of the columns
    it draws (« segment_start: 0,03; challenge_id: 3 »). Here each x and y axis says « Axe vertical :
    Défi » (its title; « Axe horizontal » untitled), each legend « Légende : Objectif », and each item
    its tooltip's French lines (« Défi : … ; Soutien : 20 % »); an item of a text mark without tooltip
    says its text, and any other item without tooltip (a rule, a background) is hidden from screen
    readers (``aria: false``): it has nothing to say. Every chart builder of this package returns through
    it (:func:`builder`).
    """
    parts: list[tuple[Any, dict[str, Any]]] = [(chart, {})]
    while parts:
        part, inherited = parts.pop()
        encoding = part._get("encoding")
        channels = dict(inherited)
        if isinstance(encoding, alt.SchemaBase):
            _describe_guides(encoding)
            channels |= {name: encoding._get(name) for name in ("tooltip", "text")
                         if encoding._get(name) is not alt.Undefined}
        for nested in ("layer", "concat", "hconcat", "vconcat"):
            parts += [(p, channels) for p in part._get(nested, []) if isinstance(p, alt.SchemaBase)]
        mark = part._get("mark")
        if mark is not alt.Undefined:
            part["mark"] = _described_mark(mark, channels)
    return chart


def _describe_guides(encoding: alt.SchemaBase) -> None:
    """Give the x and y axes and the legends of ``encoding`` their French description (in place)."""
    for channel, name in AXIS_NAMES.items():
        position = encoding._get(channel)
        if not isinstance(position, alt.X | alt.Y | alt.XDatum | alt.YDatum) or position._get("axis") is None:
            continue
        axis = position._get("axis", alt.Axis())
        axis["description"] = _named(name, position._get("title", axis._get("title")))
        position["axis"] = axis
    for channel in LEGEND_CHANNELS:
        scale = encoding._get(channel)
        if isinstance(scale, LEGEND_DEFS) and scale._get("legend") is not None:
            legend = scale._get("legend", alt.Legend())
            legend["description"] = _named("Légende", scale._get("title", legend._get("title")))
            scale["legend"] = legend


def _described_mark(mark: str | alt.SchemaBase, channels: dict[str, Any]) -> alt.SchemaBase:
    """Return ``mark`` with the description of its items: the ``tooltip`` lines of ``channels`` (its
    encoding's and its parents'), else the ``text`` of a text mark; else ``aria: false``."""
    mark = alt.MarkDef(type=cast("Any", mark)) if isinstance(mark, str) else mark
    tooltip, text = channels.get("tooltip"), channels.get("text")
    if isinstance(tooltip, list) or _is_field(tooltip):
        expr = _read_out(tooltip if isinstance(tooltip, list) else [tooltip], titled=True)
    elif mark._get("type") == "text" and _is_field(text):
        expr = _read_out([text], titled=False)
    else:
        mark["aria"] = mark._get("aria", False)
        return mark
    if expr:
        mark["description"] = alt.ExprRef(expr)
    return mark


def _as_dict(channel: object) -> dict[str, Any]:
    """Return an encoding ``channel`` as Vega-Lite writes it (« challenge:N » read as field and type)."""
    return channel.to_dict(validate=False) if isinstance(channel, alt.SchemaBase) else {}


def _is_field(channel: object) -> bool:
    """Whether an encoding ``channel`` (a tooltip, a text) reads a field of the data."""
    return "field" in _as_dict(channel)


def _read_out(defs: list[Any], *, titled: bool) -> str | None:
    """Return the Vega expression that reads the fields ``defs`` (tooltip or text definitions) of an item
    in French (« 'Défi : ' + datum['challenge'] + ' ; ' + … », a number in Vega's French locale), or
    None when one is no plain field (an aggregate, a value): Vega-Lite's own label then stays."""
    pieces = []
    for field_def in defs:
        spec = _as_dict(field_def)
        field, title, number_format = (spec.get(k) for k in ("field", "title", "format"))
        if not isinstance(field, str) or any(k in spec for k in ("aggregate", "bin", "timeUnit")):
            return None
        value = f"datum[{json.dumps(field)}]"
        if spec.get("type") == "quantitative" or isinstance(number_format, str):
            value = f"format({value}, {json.dumps(number_format or ',')})"  # « 1 234,5 »
        elif spec.get("type") == "temporal":
            value = f"timeFormat({value}, {json.dumps(number_format or '%-d %B %Y')})"  # « 26 novembre 2026 »
        label = title.strip() if isinstance(title, str) else ""
        heading = json.dumps(f"{label} : " if titled and label else "", ensure_ascii=False)
        pieces.append(f"{heading} + {value}")
    return " + ' ; ' + ".join(pieces) or None


def _named(name: str, title: object) -> str:
    """« Axe vertical : Défi », or the ``name`` alone for a guide without a title."""
    return f"{name} : {title}" if isinstance(title, str) and title else name


def builder(build: Callable[P, ChartT]) -> Callable[P, ChartT]:
    """Decorate a chart builder: the chart it returns is :func:`described` (French screen-reader text)."""

    @functools.wraps(build)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> ChartT:
        return described(build(*args, **kwargs))

    return wrapper


def objective_scale(labels: list[str]) -> alt.Scale:
    """Return the colour scale mapping objective labels (in objective order) to their fixed colours."""
    return alt.Scale(domain=labels, range=OBJECTIVE_COLORS[: len(labels)])


def status_scale() -> alt.Scale:
    """Return the colour scale of the statuses' French names, in the statuses' order."""
    statuses = list(STATUSES.values())
    return alt.Scale(domain=statuses, range=[STATUS_COLORS[s] for s in statuses])


def objective_color(number: float) -> str:
    """Return the fixed colour of objective ``number`` (1 = the first colour; the palette repeats)."""
    return OBJECTIVE_COLORS[(int(number) - 1) % len(OBJECTIVE_COLORS)]


def objective_label(number: float | None, short_label: str | None) -> str:
    """Return the label of an objective in every chart and legend: ``3 · Financement``."""
    if number is None or pd.isna(number):
        return UNASSIGNED
    return f"{int(number)} · {short_label}"


def objective_labels(objectives: Sequence[Objective]) -> list[str]:
    """Return the labels of the seminar's objectives (rows of seminar.objectives), in order."""
    return [objective_label(o.number, o.short_label) for o in objectives]


def objective_encoding(labels: list[str], used: pd.Series, legend: alt.Legend | None) -> alt.Color:
    """Colour by objective label, the fixed colours first, grey for a défi without objective weights."""
    domain, colors = list(labels), OBJECTIVE_COLORS[: len(labels)]
    if (used == UNASSIGNED).any():
        domain, colors = [*domain, UNASSIGNED], [*colors, UNASSIGNED_COLOR]
    return alt.Color("objectif:N", scale=alt.Scale(domain=domain, range=colors), legend=legend)


def measured_percent(value: float | None) -> str:
    """Return ``72,5 %``, or ``non mesuré`` for a missing value (None or NaN)."""
    return french.progress(value, fraction=True)


def chart_title(title: str, subtitle: str | list[str] | None = None) -> dict[str, Any]:
    """Return a top-level title (for an exported chart: on screen, the page shows the heading)."""
    params = {"text": title, "anchor": "start", "fontSize": 20}
    if subtitle:
        params.update(subtitle=subtitle, subtitleFontSize=14, subtitleColor="#444444")
    return params


def titled(spec: dict[str, Any], title: str, subtitle: str | None = None) -> dict[str, Any]:
    """Return the chart ``spec`` with a top-level title; the note of :func:`noted` (rows left out) stays,
    as the last line of the subtitle."""
    note = spec.get("title")
    lines = [subtitle] if subtitle else []
    if isinstance(note, dict) and note.get("orient") == "bottom":
        lines.append(note["text"])
    return spec | {"title": chart_title(title, lines or None)}


def finish(chart: ChartT) -> ChartT:
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


def noted(chart: ChartT, note: str | None) -> ChartT:
    """Return ``chart`` with ``note`` written under it (a chart that leaves data out says so)."""
    if not note:
        return chart
    return chart.properties(title=alt.TitleParams(note, orient="bottom", anchor="start", fontSize=13,
                                                  fontWeight="normal", color="#333333"))



def tooltips(*fields: tuple[str, str]) -> list[alt.Tooltip]:
    """Return the tooltip lines of ``(column, French title)`` pairs, each column's text as it is."""
    return [alt.Tooltip(f"{column}:N", title=title) for column, title in fields]


def layered(*charts: alt.Chart | alt.LayerChart) -> alt.LayerChart:
    """Return ``charts`` drawn one over the other in one panel (``alt.layer`` without its facet case)."""
    return alt.LayerChart(layer=list(charts))
