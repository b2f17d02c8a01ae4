"""DataFrame -> Altair chart builders (pure: no database, no Streamlit), one module per feature.

``theme`` registers and enables the Altair theme « labo_francais » (Vega's French locale) and holds the
fixed colour of each objective; ``signature`` and ``timeline`` draw the signature view, ``votes`` the
results, ``diagnosis`` the shared diagnosis and the barometer, ``follow_up`` the action tracker and the
monthly review. Callers use this package's names (``charts.X``): the builders and the constants pages
need, re-exported below.
"""

from __future__ import annotations

from labo_dash.charts.diagnosis import (
    barometer_diverging,
    findings_per_objective,
)
from labo_dash.charts.follow_up import (
    CHALLENGE_BAR_COLOR,
    action_history_chart,
    actions_by_status,
    progress_bars_chart,
    progress_trend_chart,
)
from labo_dash.charts.signature import (
    DIMMED,
    month_labels,
    objective_trend_chart,
    support_by_challenge_chart,
    support_over_time_chart,
    weights_heatmap,
)
from labo_dash.charts.theme import (
    MAX_CHART_ROWS,
    OBJECTIVE_COLORS,
    STATUS_COLORS,
    UNASSIGNED,
    UNASSIGNED_COLOR,
    chart_title,
    finish,
    first_rows,
    noted,
    objective_label,
    objective_labels,
    titled,
)
from labo_dash.charts.timeline import (
    OVERDUE_COLOR,
    action_timeline_chart,
    action_timeline_part,
    timeline_domain,
)
from labo_dash.charts.votes import (
    CONTAINER,
    NARROW,
    PHONE_CHARS,
    PHONE_LINE,
    fit_rows,
    merit_profile_chart,
    objective_spread_chart,
    objective_spread_strip,
    turnout_chart,
    vote_totals_chart,
)

__all__ = [
    "CHALLENGE_BAR_COLOR",
    "CONTAINER",
    "DIMMED",
    "MAX_CHART_ROWS",
    "NARROW",
    "OBJECTIVE_COLORS",
    "OVERDUE_COLOR",
    "PHONE_CHARS",
    "PHONE_LINE",
    "STATUS_COLORS",
    "UNASSIGNED",
    "UNASSIGNED_COLOR",
    "action_history_chart",
    "action_timeline_chart",
    "action_timeline_part",
    "actions_by_status",
    "barometer_diverging",
    "chart_title",
    "findings_per_objective",
    "finish",
    "first_rows",
    "fit_rows",
    "merit_profile_chart",
    "month_labels",
    "noted",
    "objective_label",
    "objective_labels",
    "objective_spread_chart",
    "objective_spread_strip",
    "objective_trend_chart",
    "progress_bars_chart",
    "progress_trend_chart",
    "support_by_challenge_chart",
    "support_over_time_chart",
    "timeline_domain",
    "titled",
    "turnout_chart",
    "vote_totals_chart",
    "weights_heatmap",
]
