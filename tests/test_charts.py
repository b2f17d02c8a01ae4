"""Specs of the signature charts (chart.to_dict()): marks, fields, the fixed colours of the objectives."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from types import SimpleNamespace

import pandas as pd
import pytest
import vl_convert

from labo_dash import charts, db, french, results, seminar, signature
from labo_dash.rounds import VotingMethod

WHEN = dt.date(2026, 11, 26)
MONTHS = [dt.date(2026, m, 1) for m in range(3, 12)]


@pytest.fixture(scope="module")
def demo(demo_template, tmp_path_factory):
    """The demo's views at the end of November 2026 (one copy of the demo for the module)."""
    path = tmp_path_factory.mktemp("charts") / "demo.duckdb"
    shutil.copy(demo_template, path)
    con = db.open_database(path)
    round_id = signature.support_round(con).id
    trend = signature.support_over_time(con, round_id, [signature.as_of(m, WHEN) for m in MONTHS])
    trend["month"] = trend["month"].dt.date
    views = {
        "objectives": seminar.objectives(con),
        "bars": signature.support_by_challenge(con, round_id, WHEN),
        "trend": trend,
        "weights": signature.challenge_weights(con, round_id),
        "timeline": signature.action_timeline(con, WHEN),
    }
    con.close()
    return views


def layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def mark(layer: dict) -> str:
    return layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]


def values(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][(layer.get("data") or spec["data"])["name"]]


def test_support_bars_spec(demo):
    labels = charts.objective_labels(demo["objectives"])
    assert labels[2] == "3 · Financement"
    spec = charts.support_by_challenge_chart(demo["bars"], demo["objectives"]).to_dict()
    parts = layers(spec)
    assert [mark(p) for p in parts] == ["bar", "bar", "text", "text"]
    realised, support = parts[0]["encoding"], parts[1]["encoding"]
    assert (realised["x"]["field"], realised["x2"]["field"]) == ("segment_start", "realised_end")
    assert (support["x"]["field"], support["x2"]["field"]) == ("segment_start", "segment_end")
    for encoding in (realised, support):
        assert encoding["color"]["field"] == "objectif"
        assert encoding["color"]["scale"] == {"domain": labels, "range": charts.OBJECTIVE_COLORS}
    assert support["x"]["axis"]["format"] == ".0%"
    assert support["x"]["scale"]["range"] == [
        0,
        {"expr": "max(width - 190, width * 0.5)"},
    ]  # figures at right
    assert parts[3]["encoding"]["x"] == {"value": "width"} and parts[3]["mark"]["align"] == "right"
    assert spec["config"]["legend"]["labelFontSize"] == 14 and support["color"]["legend"]["columns"] == 3
    (param,) = spec["params"]
    assert param["name"] == "defi" and param["select"] == {
        "type": "point",
        "fields": ["challenge_id"],
        "on": "click",
    }
    assert spec["config"]["locale"]["number"]["percent"] == "\u00a0%"
    rows = values(spec, parts[1])
    first = demo["bars"].iloc[0]
    assert rows[0]["t_support"] == french.percent(first["support"]) and "," in rows[0]["t_support"]
    assert rows[0]["t_progress"] == french.percent(first["progress"])
    tooltips = {t["title"] for t in support["tooltip"]}
    assert {
        "Défi",
        "Objectif",
        "Soutien du défi (part des votes)",
        "Avancement du défi",
        "Soutien réalisé",
    } <= tooltips
    assert values(spec, parts[2])[0]["t_title"] == f"1. {first['challenge']}"  # ranked by dots
    ends = {row["t_end"] for row in values(spec, parts[3])}
    assert "20,4\u00a0% · réalisé à 72,5\u00a0%" in ends and "6\u00a0% · aucune action" in ends


def test_support_bars_without_progress_and_with_filters(demo):
    spec = charts.support_by_challenge_chart(demo["bars"], demo["objectives"], show_progress=False).to_dict()
    assert [mark(p) for p in layers(spec)] == ["bar", "text", "text"]
    bare = charts.support_by_challenge_chart(demo["bars"], demo["objectives"], legend=False).to_dict()
    assert layers(bare)[1]["encoding"]["color"]["legend"] is None  # the page shows its own legend
    assert "Avancement du défi" not in {t["title"] for t in layers(spec)[0]["encoding"]["tooltip"]}
    first = int(demo["bars"]["challenge_id"].iloc[0])
    spec = charts.support_by_challenge_chart(
        demo["bars"], demo["objectives"], highlight_challenge=first, highlight_objective=3
    ).to_dict()
    rows = values(spec, layers(spec)[1])
    lit = {(r["challenge_id"], r["objective_number"]) for r in rows if r["emphasis"] == 1.0}
    assert lit == {(first, 3)}
    assert all(
        r["emphasis"] == charts.DIMMED for r in rows if (r["challenge_id"], r["objective_number"]) not in lit
    )


def test_a_challenge_without_weights_is_grey(demo):
    bars = demo["bars"].copy()
    bars.loc[bars["challenge_id"] == bars["challenge_id"].iloc[-1], ["objective_number", "objective"]] = [
        None,
        None,
    ]
    encoding = layers(charts.support_by_challenge_chart(bars, demo["objectives"]).to_dict())[1]["encoding"]
    assert encoding["color"]["scale"]["domain"][-1] == charts.UNASSIGNED
    assert encoding["color"]["scale"]["range"] == [*charts.OBJECTIVE_COLORS, charts.UNASSIGNED_COLOR]


def test_objective_trend_spec(demo):
    objective = demo["objectives"][1]
    part = demo["trend"][demo["trend"]["objective_number"] == objective.number]
    spec = charts.finish(
        charts.objective_trend_chart(part, objective, MONTHS, MONTHS[4], y_max=0.3)
    ).to_dict()
    parts = layers(spec)
    assert [mark(p) for p in parts] == ["area", "line", "point", "rule"]
    assert {p["mark"]["color"] for p in parts[:3]} == {charts.OBJECTIVE_COLORS[1]}
    assert parts[1]["mark"]["strokeDash"] == [6, 4]  # the support the room gave: dashed
    assert parts[0]["encoding"]["x"]["scale"]["domain"][0] == "mars 2026"
    assert len(values(spec, parts[0])) == 5  # the area stops at the chosen month (July)
    assert len(values(spec, parts[1])) == len(MONTHS)
    assert spec["params"][0]["name"] == "objectif"
    assert spec["title"]["text"] == "2 · Animation territoriale"
    july = part[part["month"] == MONTHS[4]].iloc[0]
    assert (
        spec["title"]["subtitle"]
        == f"réalisé {french.percent(july['realised'])} sur {french.percent(july['support'])}"
    )


def test_support_over_time_export_has_five_panels(demo):
    spec = charts.support_over_time_chart(demo["trend"], demo["objectives"], MONTHS, MONTHS[-1]).to_dict()
    assert len(spec["concat"]) == 5 and spec["columns"] == 5
    assert [p["title"]["color"] for p in spec["concat"]] == charts.OBJECTIVE_COLORS
    assert "params" not in spec


def test_weights_heatmap_spec(demo):
    spec = charts.weights_heatmap(demo["weights"], demo["objectives"]).to_dict()
    parts = layers(spec)
    assert [mark(p) for p in parts] == ["rect", "rect", "text", "text"]
    assert parts[3]["encoding"]["text"]["field"] == "challenge" and parts[3]["encoding"]["x"] == {"value": 0}
    cells = parts[1]["encoding"]
    assert cells["color"]["scale"]["range"] == charts.OBJECTIVE_COLORS
    assert cells["opacity"]["field"] == "shade"
    assert (cells["x"]["field"], cells["y"]["field"]) == ("objectif", "challenge_id")
    assert spec["params"][0]["select"]["fields"] == ["challenge_id", "objective_number"]
    texts = {r["t_cell"] for r in values(spec, parts[2])}
    assert {"60\u00a0%", "100\u00a0%", ""} <= texts


def test_action_timeline_spec(demo):
    objective = demo["objectives"][2]
    part = demo["timeline"][demo["timeline"]["objective_number"] == 3]
    domain = charts.timeline_domain(demo["timeline"], WHEN)
    spec = charts.finish(charts.action_timeline_part(part, objective, domain=domain, as_of=WHEN)).to_dict()
    parts = layers(spec)
    assert [mark(p) for p in parts] == ["rule", "text", "bar", "text"]
    assert parts[1]["encoding"]["text"]["field"] == "action"  # the title above each bar
    bars = parts[2]["encoding"]
    assert (bars["x"]["field"], bars["x2"]["field"], bars["color"]["field"]) == ("start", "end", "statut")
    assert bars["color"]["scale"]["range"] == [charts.STATUS_COLORS[s] for s in french.STATUSES.values()]
    assert parts[2]["mark"]["stroke"] == charts.OVERDUE_COLOR and bars["strokeWidth"]["field"] == "outline"
    rows = values(spec, parts[2])
    late = [r for r in rows if r["overdue"]]
    assert late and all(r["t_end"].startswith("⚠ en retard") and r["outline"] == 3 for r in late)
    assert spec["title"]["text"] == "3 · Financement"
    assert spec["config"]["locale"]["time"]["months"][10] == "novembre"


@pytest.mark.slow
def test_exported_charts_render_offline(demo):
    exported = [
        charts.support_by_challenge_chart(demo["bars"], demo["objectives"]),
        charts.weights_heatmap(demo["weights"], demo["objectives"]),
    ]
    for chart in exported:
        spec = chart.to_dict() | {"title": charts.chart_title("Titre", "Sous-titre"), "width": 800}
        svg = vl_convert.vegalite_to_svg(json.dumps(spec))
        assert svg.startswith("<svg") and "Sous-titre" in svg and "%" in svg
    assert "20\u00a0%" in vl_convert.vegalite_to_svg(json.dumps(exported[0].to_dict() | {"width": 800}))
    assert vl_convert.vegalite_to_png(json.dumps(spec), scale=1)[:4] == b"\x89PNG"
    timeline = charts.action_timeline_chart(demo["timeline"], demo["objectives"], as_of=WHEN).to_dict()
    assert len(timeline["vconcat"]) == 5 and all(p["width"] == 760 for p in timeline["vconcat"])


def test_labels(demo):
    assert charts.objective_label(None, None) == charts.UNASSIGNED
    assert charts.objective_label(4.0, "Compétences") == "4 · Compétences"
    assert charts.month_labels([dt.date(2026, 11, 1), dt.date(2026, 12, 1), dt.date(2027, 1, 1)]) == [
        "nov. 2026",
        "déc.",
        "janv. 2027",
    ]
    assert pd.Timestamp(charts.timeline_domain(demo["timeline"], WHEN)[0]).day == 1


# --- The projection's vote charts: one spec for a phone, a laptop and a projector --------------------

GRADES = ["Excellent", "Très bien", "Bien", "Passable", "Insuffisant"]
PHONE_CONTAINER = 350  # px: a 390 px wide phone's chart (the projection's padding is 1rem on each side)


@pytest.fixture(scope="module")
def votes(demo_template, tmp_path_factory):
    """The demo's dot round (1) and majority-judgment round (2): results, merit profiles, spread."""
    path = tmp_path_factory.mktemp("votes") / "demo.duckdb"
    shutil.copy(demo_template, path)
    con = db.open_database(path)
    data = {"table": results.round_results(con, 1), "profile": results.merit_profiles(con, 2),
            "spread": results.objective_spread(con, 1), "objectives": seminar.objectives(con)}
    con.close()
    return data


def on_container(spec: dict, width: int | None) -> dict:
    """Return the spec as drawn in a container ``width`` px wide (None: no container, as offline)."""
    text = json.dumps(spec)
    if width is not None:  # vl-convert has no container: put its width where the chart would read it
        text = text.replace(json.dumps(charts.CONTAINER)[1:-1], str(width))
    return json.loads(text) | {"width": (width or 1000) - 40}


def found(pattern: str, svg: str) -> re.Match[str]:
    """Return the first match of ``pattern`` in a Vega SVG; fail the test when the SVG has none."""
    match = re.search(pattern, svg)
    assert match is not None, f"no {pattern!r} in the SVG"
    return match


def axis_labels(svg: str, axis: str) -> list[list[str]]:
    """Return the lines of each label of an axis of a Vega SVG (``Y`` or ``X``)."""
    group = found(rf'aria-label="{axis}-axis.*?<g class="mark-text role-axis-label"[^>]*>(.*?)</g>', svg)
    labels = re.findall(r"<text[^>]*>(.*?)</text>", group.group(1))
    return [[html.unescape(t) for t in (re.findall(r"<tspan[^>]*>(.*?)</tspan>", label) or [label])]
            for label in labels]


def legend_labels(svg: str) -> list[str]:
    """Return the labels of the legend of a Vega SVG, in order."""
    groups = re.findall(r'<g class="mark-text role-legend-label"[^>]*>(.*?)</g>', svg)
    return [html.unescape(t) for group in groups for t in re.findall(r"<text[^>]*>(.*?)</text>", group)]


def legend_box(svg: str) -> tuple[float, float, float]:
    """Return the legend's width and height and the whole chart's width (px) in a Vega SVG."""
    legend = found(r'role-legend".*?<path class="background"[^>]*d="M0,0h([\d.]+)v([\d.]+)', svg)
    whole = found(r'<svg[^>]*width="([\d.]+)"', svg)
    return float(legend.group(1)), float(legend.group(2)), float(whole.group(1))


def bar_widths(svg: str) -> list[float]:
    """Return the width (px) of every bar of a Vega SVG (paths ``M x,y h W v H h -W Z``)."""
    group = found(r'<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)</g>', svg)
    return [float(w) for w in re.findall(r'd="M[-\d.e]+,[-\d.e]+h([-\d.e]+)', group.group(1))]


@pytest.mark.parametrize("width", [PHONE_CONTAINER, 900, None])
def test_vote_totals_wrap_long_titles_and_keep_their_bars_at_every_width(votes, width):
    # Issue 13: at 390 px the projection showed only cut labels (no bars); at 1280 px long labels were cut.
    chart = charts.vote_totals_chart(votes["table"], "Gommettes", large=True)
    spec = chart.to_dict()
    assert spec["width"] == "container" and spec["autosize"] == {"type": "fit-x", "contains": "padding"}
    svg = vl_convert.vegalite_to_svg(json.dumps(on_container(spec, width)))
    labels = axis_labels(svg, "Y")
    table = votes["table"]
    expected = [f"{french.rank(r, short=True)} {t}"
                for r, t in zip(table["rank"], table["title"], strict=True)]
    assert [" ".join(lines) for lines in labels] == expected  # every word, none cut with « … »
    longest = max(len(line) for lines in labels for line in lines)
    assert longest <= (charts.PHONE_CHARS + 2 if width == PHONE_CONTAINER else 44)
    step = spec["height"]["step"]
    line = charts.PHONE_LINE if width == PHONE_CONTAINER else 22
    assert max(len(lines) for lines in labels) * line + 10 <= step  # a label's lines stay in its row
    widths = bar_widths(svg)
    assert len(widths) == len(expected) and all(w > 0 for w in widths)  # every item has a visible bar
    ticks = axis_labels(svg, "X")
    assert 2 <= len(ticks) <= (5 if width == PHONE_CONTAINER else 12)  # fewer ticks on a phone


def test_merit_profile_legend_sits_below_and_wraps_on_a_phone(votes):
    chart = charts.merit_profile_chart(votes["profile"], GRADES, large=True)
    spec = chart.to_dict()
    legend = layers(spec)[0]["encoding"]["color"]["legend"]
    assert legend["orient"] == "bottom" and legend["labelLimit"] == 0
    assert legend["columns"] == {"expr": f"{charts.CONTAINER} < {charts.NARROW} ? 1 : 3"}
    heights = []
    for width in (PHONE_CONTAINER, 1300):
        svg = vl_convert.vegalite_to_svg(json.dumps(on_container(spec, width)))
        assert legend_labels(svg) == [*GRADES, "Pas d'avis"]
        legend_width, legend_height, whole = legend_box(svg)
        assert legend_width <= whole  # the legend is not clipped by the chart
        if width == PHONE_CONTAINER:
            assert legend_width <= 0.4 * width  # under the bars (the labels take 60 % of a phone's width)
        heights.append(legend_height)
        labels = axis_labels(svg, "Y")
        assert [lines[0].split(" ", 1)[0] for lines in labels][:3] == ["1.", "2.", "3."]
        assert all(not lines[-1].endswith("…") for lines in labels)
    assert heights[0] > heights[1]  # on a phone the legend wraps: 6 rows of 1 instead of 2 rows of 3


@pytest.mark.parametrize("width", [PHONE_CONTAINER, 1400])
def test_objective_strip_names_every_objective_at_every_width(votes, width):
    chart = charts.objective_spread_strip(votes["spread"])
    spec = chart.to_dict()
    svg = vl_convert.vegalite_to_svg(json.dumps(on_container(spec, width)))
    names = charts.objective_labels(votes["objectives"])
    assert legend_labels(svg) == names  # the legend below always names the five objectives
    inside = re.search(r'<g class="mark-text role-mark[^"]*"[^>]*>(.*?)</g>', svg).group(1)
    shares = [french.percent(v) for v in votes["spread"].sort_values("number")["support"]
              / votes["spread"]["support"].sum()]
    assert all(html.escape(s) in inside for s in shares)  # each share is written in its segment
    short = [o.short_label for o in votes["objectives"]]
    written = [s for s in short if f">{html.escape(s)}<" in inside]
    assert written == (short if width == 1400 else [])  # the names inside only where they fit
    assert len(bar_widths(svg)) == 5


# --- A projected screen's height budget (issue 13: the ranking fell below the fold at 1280×720) --------

def svg_height(svg: str) -> float:
    return float(found(r'<svg[^>]*height="([\d.]+)"', svg).group(1))


def test_rows_keep_the_largest_type_that_fits():
    labels = [f"{n}. Un titre court" for n in range(1, 6)]
    kept, fonts, step = charts.fit_rows(labels, [1, 2, 3, 4, 5], 1000)
    assert (kept, fonts["label"]) == (5, 18) and step * 5 <= 1000
    kept, fonts, step = charts.fit_rows(labels, [1, 2, 3, 4, 5], 5 * 25)  # 25 px a row: 16 px type
    assert (kept, fonts["label"], step) == (5, 16, 24)


def test_rows_left_out_at_the_smallest_type_never_split_a_tie():
    labels = [f"{n}. Titre" for n in range(1, 11)]
    ranks = [1, 2, 3, 3, 3, 6, 7, 8, 9, 10]
    kept, fonts, step = charts.fit_rows(labels, ranks, 4 * 22)  # room for 4 rows of 14 px type (22 px)
    assert fonts["label"] == 14 and step == 22
    assert kept == 2  # rows 3 to 5 are tied: shown together or not at all
    kept, _, _ = charts.fit_rows(labels, [1] * 10, 4 * 22)  # the first rank's tie alone does not fit
    assert kept == 4


@pytest.mark.parametrize("height", [300, 520])
def test_projected_totals_never_grow_past_their_height_and_count_what_is_left_out(votes, height):
    chart = charts.vote_totals_chart(votes["table"], "Gommettes", large=True, height=height)
    svg = vl_convert.vegalite_to_svg(json.dumps(on_container(chart.to_dict(), 900)))
    assert svg_height(svg) <= height
    labels = axis_labels(svg, "Y")
    table = votes["table"]
    expected = [f"{french.rank(r, short=True)} {t}"
                for r, t in zip(table["rank"], table["title"], strict=True)]
    drawn = [" ".join(lines) for lines in labels]
    assert drawn == expected[: len(drawn)]  # the first ones, whole
    others = len(expected) - len(drawn)
    if height == 300:
        assert others > 0
        first = table["rank"].iloc[len(drawn)]
        note = f"… et {others} autre{'s' if others > 1 else ''}, à partir du rang {first}"
        assert html.escape(note, quote=False) in svg  # never silently dropped
    else:
        assert others == 0 and "… et " not in svg


def test_projected_merit_profile_fits_its_height_with_its_legend(votes):
    chart = charts.merit_profile_chart(votes["profile"], GRADES, large=True, height=520)
    svg = vl_convert.vegalite_to_svg(json.dumps(on_container(chart.to_dict(), 900)))
    assert svg_height(svg) <= 520
    assert legend_labels(svg) == [*GRADES, "Pas d'avis"]
    legend_width, _, whole = legend_box(svg)
    assert legend_width <= whole  # three columns in a 900 px chart: no grade cut off


# --- Thousands of rows (100× the demo): a chart draws the first 30 and says so ------------------------------


def copies(frame: pd.DataFrame, key: str, times: int) -> pd.DataFrame:
    """Return ``frame`` repeated ``times`` times, each copy with new ids in ``key``."""
    return pd.concat([frame.assign(**{key: frame[key] + k * 1_000_000}) for k in range(times)],
                     ignore_index=True)


def test_first_rows_keeps_the_first_thirty_keys_in_order_and_names_the_total():
    data = pd.DataFrame({"id": [i // 2 for i in range(6000)], "v": range(6000)})  # 3 000 ids, 2 rows each
    kept, note = charts.first_rows(data, "id", "défis")
    assert kept["id"].unique().tolist() == list(range(30)) and len(kept) == 60
    assert note == "Seuls les 30 premiers défis sur 3\u00a0000 sont dessinés."
    _, note = charts.first_rows(data, "id", "actions", feminine=True)
    assert note == "Seules les 30 premières actions sur 3\u00a0000 sont dessinées."
    exact, none = charts.first_rows(data[data["id"] < 30], "id", "défis")
    assert none is None and len(exact) == 60


def test_signature_charts_of_a_thousand_challenges_draw_thirty(demo):
    """At 100× the demo the heat map had 5 000 rows and more (Altair's limit: MaxRowsError)."""
    for build, frame in ((charts.support_by_challenge_chart, demo["bars"]),
                         (charts.weights_heatmap, demo["weights"])):
        many = copies(frame, "challenge_id", 100)
        spec = build(many, demo["objectives"]).to_dict()  # the default data transformer: no MaxRowsError
        drawn = list(dict.fromkeys(r["challenge_id"] for r in values(spec, layers(spec)[0])))
        assert drawn == list(dict.fromkeys(many["challenge_id"]))[:30]
        total = french.number(many["challenge_id"].nunique())
        assert spec["title"]["text"] == f"Seuls les 30 premiers défis sur {total} sont dessinés."
        assert spec["title"]["orient"] == "bottom"
        exported = charts.titled(spec, "Soutien par défi", "26 novembre 2026")
        assert exported["title"]["text"] == "Soutien par défi"
        assert exported["title"]["subtitle"] == ["26 novembre 2026", spec["title"]["text"]]
    assert "title" not in charts.weights_heatmap(demo["weights"], demo["objectives"]).to_dict()


def test_timeline_and_progress_bars_of_hundreds_of_rows_draw_thirty(demo):
    objective = demo["objectives"][2]
    part = copies(demo["timeline"][demo["timeline"]["objective_number"] == 3], "action_id", 100)
    domain = charts.timeline_domain(part, WHEN)
    spec = charts.finish(charts.action_timeline_part(part, objective, domain=domain, as_of=WHEN)).to_dict()
    assert len({r["action_id"] for r in values(spec, layers(spec)[2])}) == 30
    total = french.number(part["action_id"].nunique())
    assert spec["title"]["text"] == "3 · Financement"
    assert spec["title"]["subtitle"] == f"Seules les 30 premières actions sur {total} sont dessinées."
    bars = pd.DataFrame({"label": [f"Défi {i}" for i in range(1000)], "progress": [0.5] * 1000,
                         "actions": [2] * 1000, "measured": [1] * 1000})
    spec = charts.progress_bars_chart(bars, title="Par défi").to_dict()
    assert [r["label"] for r in values(spec, layers(spec)[0])] == [f"Défi {i}" for i in range(30)]
    assert spec["title"]["subtitle"] == "Seules les 30 premières lignes sur 1\u00a0000 sont dessinées."


def test_results_chart_of_fifteen_hundred_items_draws_the_first_thirty(votes):
    """At 100× the demo /resultats failed with MaxRowsError (1 500 solutions × 6 grades = 9 000 rows)."""
    from labo_dash.ui.results import result_chart

    profile = votes["profile"]
    items = profile["order"].max() + 1
    many = pd.concat([profile.assign(order=profile["order"] + k * items, title=profile["title"] + f" ({k})")
                      for k in range(100)], ignore_index=True)
    rnd = SimpleNamespace(method=VotingMethod.MAJORITY_JUDGMENT, grade_scale=5)  # what it reads of a Round
    spec = result_chart({"round": rnd, "profile": many}).to_dict()
    bars = values(spec, layers(spec)[0])
    assert len({r["item"] for r in bars}) == 30 and len(bars) == 30 * 6
    total = french.number(many["order"].nunique())
    assert spec["title"]["text"] == f"Seuls les 30 premiers éléments du classement sur {total} sont dessinés."
    table = copies(votes["table"], "item_id", 100)
    table["title"] = [f"{t} ({i})" for i, t in enumerate(table["title"])]
    spec = result_chart({"round": SimpleNamespace(method=VotingMethod.DOTS), "table": table}).to_dict()
    assert len(values(spec, layers(spec)[0])) == 30 and "sur 1\u00a0000" in spec["title"]["text"]


def test_results_chart_draws_one_bar_per_item_when_titles_repeat(votes):
    """Two solutions of two défis may share a title and a rank: they were drawn as one bar."""
    from labo_dash.ui.results import result_chart

    profile = votes["profile"].copy()
    profile["title"] = "Un fonds territorial"
    profile["rank"] = 1
    rnd = SimpleNamespace(method=VotingMethod.MAJORITY_JUDGMENT, grade_scale=5)  # what it reads of a Round
    spec = result_chart({"round": rnd, "profile": profile}).to_dict()
    labels = list(dict.fromkeys(r["item"] for r in values(spec, layers(spec)[0])))
    items = profile["order"].nunique()
    numbered = [f"1. Un fonds territorial ({n})" for n in range(2, items + 1)]
    assert labels == ["1. Un fonds territorial", *numbered]


def test_every_chart_writes_percentages_the_french_way():
    """« 20 % » on the axes of /suivi's and /partenaires' charts (they showed « 20% »): the theme's locale."""
    data = pd.DataFrame({"label": ["Défi A", "Défi B"], "progress": [0.2, None], "actions": [2, 1],
                         "measured": [2, 0]})
    spec = charts.progress_bars_chart(data, title="Par défi").to_dict()
    assert spec["config"]["locale"] == french.VEGA_LOCALE
    svg = vl_convert.vegalite_to_svg(spec)
    labels = re.findall(r">(\d+)(\s|&#160;|&nbsp;)?%<", svg.replace("\u00a0", "&#160;"))
    assert labels and all(space for _, space in labels), labels  # « 20 % », never « 20% »


def units(spec: dict) -> list[dict]:
    """Every unit (a part with a mark) of ``spec``, in its layers and panels."""
    found = [spec] if "mark" in spec else []
    for nested in ("layer", "concat", "hconcat", "vconcat"):
        for part in spec.get(nested, []):
            found += units(part)
    return found


def test_screen_readers_hear_every_chart_in_french(demo):
    """Vega's screen-reader text was English (« Y-axis titled 'Défi' for a discrete scale… », « bar »)
    and read the columns' code names (« segment_start: 0,03; challenge_id: 3 »): each axis, legend and
    item is described in French, in every layer and panel of every builder's chart."""
    specs = [
        charts.support_by_challenge_chart(demo["bars"], demo["objectives"]).to_dict(),
        charts.action_timeline_chart(demo["timeline"], demo["objectives"], as_of=WHEN).to_dict(),
        charts.weights_heatmap(demo["weights"], demo["objectives"]).to_dict(),
    ]
    for spec in specs:
        assert spec["description"] == "Graphique"
        assert spec["config"]["bar"]["ariaRoleDescription"] == "barre"
        for unit in units(spec):
            encoding = unit.get("encoding", {})
            for channel, name in (("x", "Axe horizontal"), ("y", "Axe vertical")):
                axis = encoding.get(channel, {}).get("axis", {})
                if axis is not None and "field" in encoding.get(channel, {}):
                    assert axis["description"].startswith(name), (channel, axis)
            color = encoding.get("color", {})
            if color.get("legend", {}) is not None and "field" in color:
                assert color["legend"]["description"].startswith("Légende")
            described = unit["mark"].get("description", {}).get("expr", "")
            assert described or unit["mark"].get("aria") is False, unit["mark"]
            assert "segment_start" not in described and "challenge_id" not in described
    bars = units(specs[0])[1]
    assert bars["mark"]["description"]["expr"].startswith('"Défi : " + datum["challenge"]')
    # Vega draws it: « Défi : Financer durablement… ; Soutien du défi (part des votes) : 20,4 % ».
    svg = vl_convert.vegalite_to_svg(specs[0])
    labels = set(re.findall(r'aria-label="([^"]*)"', html.unescape(svg)))
    assert any(label.startswith("Défi : ") and " ; " in label for label in labels), labels
    assert not [label for label in labels if "segment_start" in label or "challenge_id" in label]
