"""Chart helpers shared by sections: PNG and SVG downloads rendered offline (vl-convert), figures tables."""

from __future__ import annotations

import functools
import json

import altair as alt
import pandas as pd
import streamlit as st
import vl_convert

from labo_dash import charts

EXPORT_WIDTH = 1000


@functools.lru_cache(maxsize=64)
def _image(spec: str, fmt: str) -> bytes:
    """Render a Vega-Lite spec (JSON text) to PNG or SVG offline."""
    if fmt == "png":
        return vl_convert.vegalite_to_png(spec, scale=2)
    return vl_convert.vegalite_to_svg(spec).encode("utf-8")


def downloads(
    chart: alt.TopLevelMixin,
    name: str,
    key: str,
    title: str,
    subtitle: str | None = None,
    width: int | None = EXPORT_WIDTH,
) -> None:
    """Offer ``chart`` with a title as ``name``.png and ``name``.svg (rendered when a button is clicked)."""
    spec = chart.to_dict()
    spec["title"] = charts.chart_title(title, subtitle)
    if width and "width" not in spec:
        spec["width"] = width
    text = json.dumps(spec, ensure_ascii=False)
    for column, fmt, mime, icon in zip(
        st.columns(2),
        ("png", "svg"),
        ("image/png", "image/svg+xml"),
        (":material/image:", ":material/draw:"),
        strict=True,
    ):
        column.download_button(
            f"Télécharger en {fmt.upper()}",
            data=functools.partial(_image, text, fmt),
            file_name=f"{name}.{fmt}",
            mime=mime,
            on_click="ignore",
            key=f"{key}-{fmt}",
            icon=icon,
            width="stretch",
        )


def figures_table(title: str, frame: pd.DataFrame) -> None:
    """Show the figures behind a chart as a table, in a closed expander under it."""
    with st.expander(f"Les chiffres : {title}"):
        st.dataframe(frame, hide_index=True, width="stretch")
