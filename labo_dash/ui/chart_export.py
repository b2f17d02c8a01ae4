"""Chart helpers shared by sections: specs built once per data version (labo_dash.ui.cache), PNG and SVG
downloads rendered offline with vl-convert only when asked for, the figures behind a chart as a table.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
import vl_convert

from labo_dash import charts, db
from labo_dash.ui.cache import by_version

EXPORT_WIDTH = 1000
Build = Callable[[], alt.TopLevelMixin]


@by_version(max_entries=512)  # every topic: this helper does not know what a chart shows
def spec(_con: db.Connection, _build: Build, name: str, *args: Any) -> dict:
    """Return the Vega-Lite spec of ``_build()``, built (and validated) once per data version and arguments.

    ``name`` and ``args`` must identify everything the chart shows from the data of ``_con``: with the
    database's data versions, they are the cache key.
    """
    return _build().to_dict()


def _image(build: Build, title: str, subtitle: str | None, width: int | None, fmt: str) -> bytes:
    """Render the chart with its title to PNG or SVG (runs when the download button is clicked)."""
    exported = charts.titled(build().to_dict(), title, subtitle)
    if width and "width" not in exported:
        exported["width"] = width
    text = json.dumps(exported, ensure_ascii=False)
    if fmt == "png":
        return vl_convert.vegalite_to_png(text, scale=2)
    return vl_convert.vegalite_to_svg(text).encode("utf-8")


def downloads(
    build: Build,
    name: str,
    key: str,
    title: str,
    subtitle: str | None = None,
    width: int | None = EXPORT_WIDTH,
) -> None:
    """Offer the chart ``build()`` makes, with a title, as ``name``.png and ``name``.svg."""
    for column, fmt, mime, icon in zip(
        st.columns(2),
        ("png", "svg"),
        ("image/png", "image/svg+xml"),
        (":material/image:", ":material/draw:"),
        strict=True,
    ):
        column.download_button(
            f"Télécharger en {fmt.upper()}",
            data=functools.partial(_image, build, title, subtitle, width, fmt),
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
