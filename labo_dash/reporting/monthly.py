"""The monthly report the steering group sends: its data, its charts, and the key figures of a month.

Everything is read at the end of the month (today for the current month) with the action tracker's
functions (review.compare, progress roll-ups) and the signature's views: this module only assembles them.
The PDF and Excel renderings live in reporting/pdf.py and reporting/workbook.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

import altair as alt
import pandas as pd
import vl_convert

from labo_dash import charts, clock, db, french, review, seminar, signature
from labo_dash.errors import ValidationError
from labo_dash.review import MonthlyReview

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str, today: dt.date) -> dt.date:
    """Return the first day of the month ``YYYY-MM``, or raise a French ValidationError."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValidationError(
            f"Mois invalide : « {text} ». Écrivez-le sous la forme AAAA-MM, par exemple 2026-11.",
            fields={"month": "Format attendu : AAAA-MM."},
        )
    month = dt.date(int(match.group(1)), int(match.group(2)), 1)
    if month > today:
        raise ValidationError(
            f"Le mois {french.month(month)} n'est pas encore commencé : choisissez un mois passé ou le mois "
            "en cours.",
            fields={"month": "Mois à venir."},
        )
    return month


@dataclass(frozen=True, slots=True)
class MonthlyReport(MonthlyReview):
    """Everything a monthly report shows: the month's review (the same model as the /suivi page, read at
    ``as_of``: end of ``month``, or today) and what only the report adds.

    ``actions``: the comparison's actions with their fields (description, pilots, budgets in €, next step);
    ``updates``: every progress point up to ``as_of``; ``support``: support per défi in the reference round
    (signature.support_by_challenge), None when there is none.
    """

    generated_at: dt.datetime  # the seminar's local time, naive (Excel has no zones)
    figures: seminar.ActionFigures
    actions: pd.DataFrame
    updates: pd.DataFrame
    support_round: signature.SupportRound | None = None
    support: pd.DataFrame | None = None

    @property
    def title(self) -> str:
        """Return the report's French title (``Rapport mensuel · novembre 2026``)."""
        return f"Rapport mensuel · {french.month(self.month)}"

    @property
    def is_current(self) -> bool:
        """Tell whether the report describes today's situation (only such a workbook can be re-imported)."""
        return self.as_of == self.generated_at.date()


def build_report(
    con: db.Connection, month: dt.date, today: dt.date, seminar_id: int = seminar.DEFAULT_SEMINAR
) -> MonthlyReport:
    """Assemble the report of ``month`` (read at its end, or today for the current month)."""
    monthly_review = review.monthly_review(con, month, today, seminar_id)
    fields = db.query_df(
        con,
        "SELECT a.id, a.description, a.pilot_structure, a.pilot_person, a.contributors, a.funders, "
        "a.budget_planned, a.budget_secured, a.next_step FROM actions a",
    )
    actions = monthly_review.comparison.actions.merge(fields, on="id", how="left")
    updates = db.query_df(
        con,
        "SELECT u.id, u.action_id, a.title AS action, u.reported_on, u.status, u.progress, u.comment, "
        "u.evidence_url, u.reported_by FROM progress_points u JOIN actions a ON a.id = u.action_id "
        "JOIN solutions s ON s.id = a.solution_id "
        "WHERE s.seminar_id = ? AND u.reported_on <= ? ORDER BY u.reported_on, u.id",
        [seminar_id, monthly_review.as_of],
    )
    found = signature.support_round(con, seminar_id)
    support = signature.support_by_challenge(con, found.id, monthly_review.as_of) if found else None
    return MonthlyReport(
        **{f.name: getattr(monthly_review, f.name) for f in dataclasses.fields(MonthlyReview)},
        generated_at=dt.datetime.combine(today, clock.local_now(con).time()),  # local, naive (Excel)
        figures=seminar.action_figures(actions),
        actions=actions,
        updates=updates,
        support_round=found,
        support=support if support is not None and len(support) and support["score"].sum() else None,
    )


def report_charts(report: MonthlyReport) -> dict[str, alt.TopLevelMixin]:
    """Return the report's charts (the app's own builders), by name, in reading order."""
    result: dict[str, alt.TopLevelMixin] = {}
    numbers, labels = report.objectives["number"], report.objectives["short_label"]
    objectives = report.objectives.assign(
        label=[f"{int(n)} · {s}" for n, s in zip(numbers, labels, strict=True)]
    )
    result["objectives"] = charts.progress_bars_chart(
        objectives, colors=charts.OBJECTIVE_COLORS[: len(objectives)], title="Avancement par objectif"
    )
    challenges = report.challenges[report.challenges["actions"].fillna(0) > 0]
    if len(challenges):
        result["challenges"] = charts.progress_bars_chart(
            challenges.assign(label=challenges["title"]), title="Avancement par défi"
        )
    if len(report.history) and report.history["month"].nunique() > 1:
        result["history"] = charts.progress_trend_chart(report.history, report.objective_list).properties(
            title=alt.TitleParams("L'avancement des objectifs, mois après mois", anchor="start", fontSize=16)
        )
    if report.support is not None:
        chart = charts.support_by_challenge_chart(report.support, report.objective_list)
        result["signature"] = chart.properties(
            title=alt.TitleParams("Soutien aux défis et soutien réalisé", anchor="start", fontSize=16)
        )
    return result


def chart_png(chart: alt.TopLevelMixin, width: int = 900) -> bytes:
    """Render a chart to PNG offline (vl-convert), ``width`` pixels wide before a 2× scale."""
    spec = chart.to_dict()
    spec.setdefault("width", width)
    return vl_convert.vegalite_to_png(spec, scale=2)
