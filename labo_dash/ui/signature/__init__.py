"""The signature view (home page, /suivi, /partenaires): support per défi and objective, realised, Gantt.

    section.py   what pages call: :func:`render_signature` (every view, one per tab) and
                 :func:`render_support_by_challenge` (the per-défi bars alone), the month control
    views.py     the four views, each with its figures table and downloads (cached per data version)
    filters.py   the cross-filter: a click on a défi, an objective or a weight cell filters the others
    tables.py    the figures behind each chart as French tables

The figures come from :mod:`labo_dash.signature` (one SQL query per view), the charts from
:mod:`labo_dash.charts`.
"""

from labo_dash.ui.signature.section import VIEWS, render_signature, render_support_by_challenge

__all__ = ["VIEWS", "render_signature", "render_support_by_challenge"]
