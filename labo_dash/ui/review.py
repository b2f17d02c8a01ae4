"""The monthly review's widgets: month choice, what changed, progress at that month, decisions, export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from labo_dash import charts, db, french, progress, review, seminar
from labo_dash.access import Actor, Permission
from labo_dash.errors import LaboError, ValidationError
from labo_dash.reporting import print_review
from labo_dash.ui.actions import FOLLOW_UP_TOPICS
from labo_dash.ui.cache import by_version
from labo_dash.ui.chart_export import spec
from labo_dash.ui.common import md_escape
from labo_dash.ui.feedback import flash, next_version, show_errors, version

TABS = ["nouvelle", "progresse", "point_mort", "retard", "sans_point", "terminee", "abandonnee"]
SUMMARY = ["nouvelle", "progresse", "point_mort", "terminee", "abandonnee"]  # the first metrics, in order
TAB_LABELS = {
    **{code: label for code, (label, _) in review.CATEGORIES.items()},
    "retard": "En retard",
    "sans_point": "Sans point ce mois",
}
TAB_HELP = {
    **{code: meaning for code, (_, meaning) in review.CATEGORIES.items()},
    "retard": "échéance dépassée, ni terminées ni abandonnées",
    "sans_point": "ouvertes, sans aucun point d'avancement depuis la revue précédente",
}


def month_picker(months: list[dt.date]) -> dt.date:
    """Show the review month chooser (latest by default, ``?mois=AAAA-MM`` honoured) and return the month."""
    latest_first = list(reversed(months))
    wanted = st.query_params.get("mois", "")
    index = next((i for i, m in enumerate(latest_first) if f"{m:%Y-%m}" == wanted), 0)
    month = st.selectbox(
        "Mois passé en revue",
        latest_first,
        index=index,
        key="review_month",
        format_func=lambda m: french.month(m).capitalize(), placeholder="Choisissez…",
    )
    st.query_params["mois"] = f"{month:%Y-%m}"
    return month


@by_version(*FOLLOW_UP_TOPICS, max_entries=64)
def review_data(_con: db.Connection, month: dt.date, today: dt.date) -> review.MonthlyReview:
    """Return the review of ``month`` (review.monthly_review), cached per database, data version and month."""
    return review.monthly_review(_con, month, today)


def _chart_key(data: review.MonthlyReview) -> tuple[dt.date, dt.date]:
    """Return what, with the database's data versions, identifies the review's charts: month, reading date."""
    return data.month, data.as_of


def _points(after: float | None, before: float | None) -> str | None:
    """Return the change of a rolled-up fraction in points (``+4,5 points``), or None."""
    if after is None or before is None or pd.isna(after) or pd.isna(before):
        return None
    delta = (float(after) - float(before)) * 100
    return f"{'+' if delta >= 0 else ''}{french.number(delta, 1)} points"


def summary(data: review.MonthlyReview) -> None:
    """Show the reading dates and the key figures of the review."""
    comparison, meeting = data.comparison, data.meeting
    held = (
        f"Réunion du comité le **{french.date(meeting.held_on)}**. "
        if meeting and meeting.held_on
        else "Réunion du comité : date non renseignée. "
    )
    st.markdown(
        f"{held}Situation au **{french.date(comparison.as_of)}**, comparée à la fin "
        f"{french.of_month(comparison.previous)} (revue précédente)."
    )
    actions = comparison.actions
    counts = actions["category"].value_counts()
    cols = st.columns(7)
    for col, code in zip(cols, SUMMARY, strict=False):
        count = french.number(int(counts.get(code, 0)))
        col.metric(TAB_LABELS[code], count, help=f"Actions {TAB_HELP[code]}")
    figures = seminar.action_figures(actions)
    cols[5].metric(
        "En retard",
        french.number(figures.late),
        delta=french.plural(figures.newly_late, "nouvelle", "nouvelles") if figures.late else None,
        delta_color="inverse",
        help="Échéance dépassée, ni terminées ni abandonnées",
    )
    before = actions[actions["existed_before"]]
    overall_before = progress.rollup(
        zip(before["progress_before"], before["weight"], before["status_before"], strict=True)
    )
    cols[6].metric(
        "Avancement",
        french.progress(figures.progress, fraction=True),
        delta=_points(figures.progress, overall_before),
        help=progress.ROLLUP_EXPLANATION,
    )
    open_now = figures.total - figures.done - figures.abandoned
    st.caption(f"{figures.total} actions, dont {open_now} ouvertes. {progress.ROLLUP_EXPLANATION}")


def _rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a category's actions as the table the page shows."""

    def evolution(row: pd.Series) -> str:
        after = french.progress(row["progress"])
        if not row["existed_before"]:
            return f"nouvelle · {after}"
        before = french.progress(row["progress_before"])
        return after if before == after else f"{before} → {after}"

    def status(row: pd.Series) -> str:
        now = french.status(row["status"])
        was = row["status_before"]
        return now if not isinstance(was, str) or was == row["status"] else f"{french.status(was)} → {now}"

    return pd.DataFrame(
        {
            "N°": frame["id"].astype(int),
            "Action": frame["title"],
            "Statut": [status(r) for _, r in frame.iterrows()],
            "Avancement": frame["progress"].astype("float64"),
            "Évolution": [evolution(r) for _, r in frame.iterrows()],
            "Alerte": [
                "⏰ nouveau retard" if n else ("⏰ en retard" if o else "")
                for n, o in zip(frame["newly_late"], frame["overdue"], strict=True)
            ],
            "Échéance": frame["due_date"],
            "Dernier point": frame["last_update"],
            "Dernier commentaire": frame["comment"],
            "Pilote": frame["pilot"],
            "Défi": frame["challenge"],
            "Fiche": [f"/actions?action={int(i)}" for i in frame["id"]],
        }
    )


COLUMNS = {
    "N°": st.column_config.NumberColumn(width="small"),
    "Action": st.column_config.TextColumn(width="large"),
    "Avancement": st.column_config.ProgressColumn(min_value=0, max_value=100, format="%d %%", width=110),
    "Alerte": st.column_config.TextColumn(width=170),  # « ⏰ nouveau retard » whole
    "Échéance": st.column_config.DateColumn(format=french.GRID_DATE),
    "Dernier point": st.column_config.DateColumn(format=french.GRID_DATE),
    "Dernier commentaire": st.column_config.TextColumn(width="large"),
    "Défi": st.column_config.TextColumn(width="medium"),
    "Fiche": st.column_config.LinkColumn(display_text="Ouvrir", width="small"),
}


def changes(data: review.MonthlyReview) -> None:
    """Show one tab per kind of change since the previous review, each listing its actions."""
    comparison = data.comparison
    actions = comparison.actions
    frames = {code: comparison.category(code) for code in review.CATEGORIES}
    frames["retard"] = comparison.late()
    frames["sans_point"] = actions[
        ~actions["updated"] & ~actions["status"].isin(progress.CLOSED) & actions["existed_before"]
    ]
    labels = [f"{TAB_LABELS[code]} ({len(frames[code])})" for code in TABS]
    first = next((label for label, code in zip(labels, TABS, strict=True) if len(frames[code])), labels[0])
    tabs = st.tabs(labels, default=first)
    for tab, code in zip(tabs, TABS, strict=True):
        with tab:
            st.caption(f"Actions {TAB_HELP[code]}.")
            if frames[code].empty:
                st.info("Aucune action dans cette catégorie ce mois-ci.")
            else:
                st.dataframe(_rows(frames[code]), column_config=COLUMNS, hide_index=True, placeholder="–")


def objectives_chart(con: db.Connection, objectives: pd.DataFrame, key: tuple) -> None:
    """Show the rolled-up progress of each objective (bars in the objectives' colours).

    ``objectives`` comes from progress.progress_by_objective on ``con``; ``key`` identifies it (with the
    database's data versions, the chart's cache key: e.g. month and reading date).
    """
    frame = objectives.assign(
        label=[
            f"{int(n)} · {s}" for n, s in zip(objectives["number"], objectives["short_label"], strict=True)
        ]
    )
    st.vega_lite_chart(
        spec(
            con,
            lambda: charts.progress_bars_chart(
                frame, colors=charts.OBJECTIVE_COLORS[: len(frame)], title="Par objectif"
            ),
            "progress-objectives",
            *key,
        ),
        width="stretch",
    )


def _progress_charts(con: db.Connection, data: review.MonthlyReview) -> None:
    """Show the rolled-up progress by objective and by défi at the month, side by side."""
    challenges = data.challenges
    left, right = st.columns(2, gap="large")
    with left:
        objectives_chart(con, data.objectives, _chart_key(data))
    with right:
        st.vega_lite_chart(
            spec(
                con,
                lambda: charts.progress_bars_chart(
                    challenges.assign(label=challenges["title"]), title="Par défi"
                ),
                "review-challenges",
                *_chart_key(data),
            ),
            width="stretch",
        )


def _progress_table(objectives: pd.DataFrame, challenges: pd.DataFrame) -> pd.DataFrame:
    """Return the objectives' and défis' roll-ups with their change since the previous review, as shown."""
    numbers, titles = objectives["number"], objectives["title"]
    labels = [f"Objectif {int(n)} · {t}" for n, t in zip(numbers, titles, strict=True)]
    rows = pd.concat(
        [objectives.assign(label=labels), challenges.assign(label="Défi · " + challenges["title"])]
    )
    now, before = rows["progress"], rows["progress_before"]
    measured, counted = rows["measured"], rows["actions"]
    return pd.DataFrame(
        {
            "Élément": rows["label"],
            "Avancement agrégé": [french.progress(p, fraction=True) for p in now],
            "Évolution": [_points(p, b) or "–" for p, b in zip(now, before, strict=True)],
            "Actions comptées": [f"{m} sur {n}" for m, n in zip(measured, counted, strict=True)],
        }
    )


def progress_section(con: db.Connection, data: review.MonthlyReview) -> None:
    """Show the rolled-up progress by objective and by défi at the month, and by objective over the months."""
    st.markdown(f"**Avancement agrégé au {french.date(data.as_of)}**")
    _progress_charts(con, data)
    st.caption(progress.ROLLUP_EXPLANATION)
    with st.expander("Les chiffres, et leur évolution depuis la revue précédente"):
        st.dataframe(_progress_table(data.objectives, data.challenges), hide_index=True)
    if data.history["month"].nunique() > 1:
        st.markdown("**Avancement agrégé par objectif, fin de chaque mois**")
        st.vega_lite_chart(
            spec(
                con,
                lambda: charts.progress_trend_chart(data.history, data.objective_list),
                "review-history",
                *_chart_key(data),
                tuple(o.number for o in data.objective_list),
            ),
            width="stretch",
        )


def _submit(write: Callable[[], object], slots: dict[str, Any], message: str, form: str) -> None:
    """Run a form's ``write``: on refusal show each field's French message in ``slots`` (what was typed
    stays); on success flash ``message``, renew the form (its version ``form``) and rerun the page."""
    try:
        write()
    except ValidationError as exc:
        show_errors(exc, slots)
        return
    flash(message)
    next_version(form)
    st.rerun()


def meeting_form(
    con: db.Connection, actor: Actor, month: dt.date, meeting: review.Meeting | None
) -> None:
    """Show the form recording the meeting's date and notes."""
    key = f"meeting_{month:%Y%m}_{version('meeting_form')}"
    with st.form(key):
        st.markdown("**Réunion du comité**")
        slots = {}
        held_on = st.date_input(
            "Date de la réunion",
            value=meeting.held_on if meeting else None,
            format="DD/MM/YYYY",
            key=f"{key}_held",
        )
        slots["held_on"] = st.empty()
        notes = st.text_area(
            "Notes de séance",
            value=(meeting.notes if meeting else None) or "",
            height=120,
            key=f"{key}_notes",
        )
        slots["notes"] = st.empty()
        submitted = st.form_submit_button("Enregistrer la réunion", icon="💾")
    if submitted:
        _submit(lambda: review.save_review(con, actor, month, held_on, notes), slots,
                "Réunion enregistrée.", "meeting_form")


def _decision_list(decisions: pd.DataFrame) -> None:
    """Show the month's decisions, each with its action (linked), owner and due date."""
    if decisions.empty:
        st.info("Aucune décision enregistrée pour ce mois : ajoutez-les avec le formulaire ci-dessous.")
    for row in decisions.itertuples():
        extra = [
            f"action : [{md_escape(row.action)}](/actions?action={int(row.action_id)})"
            if isinstance(row.action, str)
            else None,
            f"responsable : {md_escape(row.owner)}" if isinstance(row.owner, str) else None,
            f"échéance : {french.date(row.due_date.date())}" if not pd.isna(row.due_date) else None,
        ]
        st.markdown(f"- **{md_escape(row.text)}**  \n:small[{' · '.join(e for e in extra if e)}]")


def _decision_form(
    con: db.Connection, actor: Actor, month: dt.date, actions: pd.DataFrame
) -> None:
    """Show the form adding a decision, about one of ``actions`` or general."""
    titles = dict(zip(actions["id"].astype(int), actions["title"], strict=True))
    key = f"decision_{month:%Y%m}_{version('decision_form')}"
    with st.form(key):
        st.markdown("**Ajouter une décision**")
        slots = {}
        text = st.text_area("Décision", height=80, key=f"{key}_text")
        slots["text"] = st.empty()
        action_id = st.selectbox(
            "Action concernée (facultatif)",
            list(titles),
            index=None,
            format_func=lambda i: f"N° {i} · {titles[i]}",
            key=f"{key}_action",
            placeholder="Décision générale",
        )
        slots["action_id"] = st.empty()
        left, right = st.columns(2)
        owner = left.text_input("Responsable", key=f"{key}_owner")
        slots["owner"] = left.empty()
        due = right.date_input("Échéance", value=None, format="DD/MM/YYYY", key=f"{key}_due")
        submitted = st.form_submit_button("Ajouter la décision", type="primary", icon="📝")
    if submitted:
        _submit(lambda: review.add_decision(con, actor, month, text, action_id, owner, due), slots,
                "Décision ajoutée au relevé.", "decision_form")


def _remove_decision_form(
    con: db.Connection, actor: Actor, month: dt.date, decisions: pd.DataFrame
) -> None:
    """Show the removal of a decision recorded by mistake (it stays in the audit log)."""
    with st.form(f"remove_{month:%Y%m}", border=False):
        ids = decisions["id"].astype(int).tolist()
        texts = dict(zip(ids, decisions["text"], strict=True))
        chosen = st.selectbox(
            "Retirer une décision saisie par erreur",
            ids,
            index=None,
            format_func=lambda i: texts[i][:90],
            key=f"remove_{month:%Y%m}_id",
            placeholder="Choisissez la décision à retirer",
        )
        if st.form_submit_button("Retirer", icon="🗑️") and chosen is not None:
            try:
                review.delete_decision(con, actor, chosen)
            except LaboError as exc:
                st.error(md_escape(str(exc)), icon="⚠️")
                return
            flash("Décision retirée (elle reste dans le journal des modifications).")
            st.rerun()


def decisions_section(
    con: db.Connection, actor: Actor, month: dt.date, data: review.MonthlyReview
) -> None:
    """Show the decisions of the month, the form adding one, and the removal of a mistaken one."""
    _decision_list(data.decisions)
    if not actor.can(Permission.REVIEWS_WRITE):
        return
    _decision_form(con, actor, month, data.comparison.actions)
    if not data.decisions.empty:
        _remove_decision_form(con, actor, month, data.decisions)


def export_button(data: review.MonthlyReview, today: dt.date) -> None:
    """Offer the review as a print-ready HTML document, built only when clicked."""
    st.download_button(
        "Télécharger le relevé imprimable (HTML)",
        lambda: print_review.render(data, today).encode("utf-8"),
        file_name=f"comite-de-pilotage-{data.month:%Y-%m}.html",
        mime="text/html",
        icon="🖨️",
        on_click="ignore",
        help="Ouvrez le fichier dans un navigateur puis « Imprimer » (ou « Enregistrer au "
        "format PDF ») : il est mis en page pour le papier A4.",
    )
