"""The one Jinja2 set-up of the app's server-rendered HTML (the phone pages, the print-ready review).

Every ``{{ value }}`` is escaped (autoescape), the way the standard library's ``html.escape`` writes it
(``'`` as ``&#x27;``, ``"`` as ``&quot;``), as everywhere else in the app; only ``markupsafe.Markup``
passes unescaped. Templates live in a ``templates/`` folder inside their package; their CSS in a static
``.css`` file beside them, included inline (each page is one self-contained response or file).
"""

from __future__ import annotations

from html import escape
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup


def _escaped(value: Any) -> Markup:
    """Return ``value`` escaped as ``html.escape`` does (Markup stays as it is)."""
    return value if isinstance(value, Markup) else Markup(escape(str(value)))


def environment(package: str) -> Environment:
    """Return the autoescaping environment of ``package``'s ``templates/`` folder (e.g. labo_dash.phone).

    Undefined names raise (StrictUndefined); block tags leave no blank line behind (trim and lstrip).
    """
    return Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=True,
        finalize=_escaped,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def static(package: str, name: str) -> Markup:
    """Return the static file ``static/<name>`` of ``package`` (a stylesheet, a script), to include inline."""
    return Markup((resources.files(package) / "static" / name).read_text(encoding="utf-8"))
