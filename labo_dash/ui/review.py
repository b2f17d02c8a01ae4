"""The monthly review's widgets: month choice, what changed, progress at that month, decisions, export."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from labo_dash import charts, french, progress, review, review_print, seminar
from labo_dash.access import Actor
from labo_dash.errors import LaboError, ValidationError
from labo_dash.ui.actions import FOLLOW_UP_TOPICS, fraction
from labo_dash.ui.cache import by_version
from labo_dash.ui.chart_export import spec
from labo_dash.ui.common import md_escape
from labo_dash.ui.feedback import flash, next_version, show_errors, version

TABS = ["nouvelle", "progresse", "point_mort", "retard", "sans_point", "terminee", "abandonnee"]
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
def load_review(_con: duckdb.DuckDBPyConnection, month: dt.date, today: dt.date) -> dict[str, Any]:
    """Return everything the review of ``month`` shows (cached per database, data version and month).

    Keys: comparison (review.Comparison), objectives and challenges (roll-ups at the month's reading date,
    with ``progress_before`` at the previous review), history, meeting, decisions, and chart_key (what,
    with the database's data versions, identifies the charts built from them: month and reading date).
    """
    comparison = review.compare(_con, month, today)
    months = [m for m in review.review_months(_con, today) if m <= month]
    objectives = progress.progress_by_objective(_con, comparison.as_of)
    before = progress.progress_by_objective(_con, comparison.baseline)[["objective_id", "progress"]]
    challenges = progress.progress_by_challenge(_con, comparison.as_of)
    challenges_before = progress.progress_by_challenge(_con, comparison.baseline)[
        ["challenge_id", "progress"]
    ]
    return {
        "comparison": comparison,
        "objectives": objectives.merge(before, on="objective_id", how="left", suffixes=("", "_before")),
        "challenges": challenges.merge(
            challenges_before, on="challenge_id", how="left", suffixes=("", "_before")
        ),
        "history": review.objective_history(_con, months, today),
        "meeting": review.get_review(_con, month),
        "decisions": review.decisions(_con, month),
        "chart_key": (month, comparison.as_of),
    }


def review_data(con: duckdb.DuckDBPyConnection, month: dt.date, today: dt.date) -> dict[str, Any]:
    """Return the review of ``month`` for the current database, from the cache when nothing changed."""
    return load_review(con, month, today)


def _points(after: float | None, before: float | None) -> str | None:
    """Return the change of a rolled-up fraction in points (``+4,5 points``), or None."""
    if after is None or before is None or pd.isna(after) or pd.isna(before):
        return None
    delta = (float(after) - float(before)) * 100
    return f"{'+' if delta >= 0 else ''}{french.number(delta, 1)} points"


def summary(data: dict[str, Any]) -> None:
    """Show the reading dates and the key figures of the review."""
    comparison = data["comparison"]
    meeting = data["meeting"]
    held = (
        f"Réunion du comité le **{french.date(meeting['held_on'])}**. "
        if meeting and meeting["held_on"]
        else "Réunion du comité : date non renseignée. "
    )
    st.markdown(
        f"{held}Situation au **{french.date(comparison.as_of)}**, comparée à la fin de "
        f"**{french.month(comparison.previous)}** (revue précédente)."
    )
    actions = comparison.actions
    counts = actions["category"].value_counts()
    cols = st.columns(7)
    for col, code in zip(
        cols, ["nouvelle", "progresse", "point_mort", "terminee", "abandonnee"], strict=False
    ):
        col.metric(
            TAB_LABELS[code], french.number(int(counts.get(code, 0))), help=f"Actions {TAB_HELP[code]}"
        )
    late = comparison.late()
    cols[5].metric(
        "En retard",
        french.number(len(late)),
        delta=french.plural(int(late["newly_late"].sum()), "nouvelle", "nouvelles") if len(late) else None,
        delta_color="inverse",
        help="Échéance dépassée, ni terminées ni abandonnées",
    )
    open_now = actions[~actions["status"].isin(progress.CLOSED)]
    overall = progress.rollup(zip(actions["progress"], actions["weight"], actions["status"], strict=True))
    before = actions[actions["existed_before"]]
    overall_before = progress.rollup(
        zip(before["progress_before"], before["weight"], before["status_before"], strict=True)
    )
    cols[6].metric(
        "Avancement",
        fraction(overall),
        delta=_points(overall, overall_before),
        help=progress.ROLLUP_EXPLANATION,
    )
    st.caption(f"{len(actions)} actions, dont {len(open_now)} ouvertes. {progress.ROLLUP_EXPLANATION}")


def _rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a category's actions as the table the page shows."""

    def evolution(row: pd.Series) -> str:
        after = "non mesuré" if pd.isna(row["progress"]) else f"{int(row['progress'])} %"
        if not row["existed_before"]:
            return f"nouvelle · {after}"
        before = "non mesuré" if pd.isna(row["progress_before"]) else f"{int(row['progress_before'])} %"
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
    "Échéance": st.column_config.DateColumn(format="localized"),
    "Dernier point": st.column_config.DateColumn(format="localized"),
    "Dernier commentaire": st.column_config.TextColumn(width="large"),
    "Défi": st.column_config.TextColumn(width="medium"),
    "Fiche": st.column_config.LinkColumn(display_text="Ouvrir", width="small"),
}


def changes(data: dict[str, Any]) -> None:
    """Show one tab per kind of change since the previous review, each listing its actions."""
    comparison = data["comparison"]
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


def objectives_chart(con: duckdb.DuckDBPyConnection, objectives: pd.DataFrame, key: tuple) -> None:
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


def progress_section(
    con: duckdb.DuckDBPyConnection, data: dict[str, Any], objectives_list: list[dict]
) -> None:
    """Show the rolled-up progress by objective and by défi at the month, and by objective over the months."""
    objectives, challenges = data["objectives"], data["challenges"]
    st.markdown(f"**Avancement agrégé au {french.date(data['comparison'].as_of)}**")
    left, right = st.columns(2, gap="large")
    with left:
        objectives_chart(con, objectives, data["chart_key"])
    with right:
        st.vega_lite_chart(
            spec(
                con,
                lambda: charts.progress_bars_chart(
                    challenges.assign(label=challenges["title"]), title="Par défi"
                ),
                "review-challenges",
                *data["chart_key"],
            ),
            width="stretch",
        )
    st.caption(progress.ROLLUP_EXPLANATION)
    with st.expander("Les chiffres, et leur évolution depuis la revue précédente"):
        table = pd.concat(
            [
                pd.DataFrame(
                    {
                        "Élément": [
                            f"Objectif {int(n)} · {t}"
                            for n, t in zip(objectives["number"], objectives["title"], strict=True)
                        ],
                        "p": objectives["progress"],
                        "b": objectives["progress_before"],
                        "m": objectives["measured"],
                        "n": objectives["actions"],
                    }
                ),
                pd.DataFrame(
                    {
                        "Élément": "Défi · " + challenges["title"],
                        "p": challenges["progress"],
                        "b": challenges["progress_before"],
                        "m": challenges["measured"],
                        "n": challenges["actions"],
                    }
                ),
            ]
        )
        st.dataframe(
            pd.DataFrame(
                {
                    "Élément": table["Élément"],
                    "Avancement agrégé": [fraction(p) for p in table["p"]],
                    "Évolution": [_points(p, b) or "–" for p, b in zip(table["p"], table["b"], strict=True)],
                    "Actions comptées": [f"{m} sur {n}" for m, n in zip(table["m"], table["n"], strict=True)],
                }
            ),
            hide_index=True,
        )
    if data["history"]["month"].nunique() > 1:
        st.markdown("**Avancement agrégé par objectif, fin de chaque mois**")
        st.vega_lite_chart(
            spec(
                con,
                lambda: charts.progress_trend_chart(data["history"], objectives_list),
                "review-history",
                *data["chart_key"],
                tuple(o["number"] for o in objectives_list),
            ),
            width="stretch",
        )


def meeting_form(con: duckdb.DuckDBPyConnection, actor: Actor, month: dt.date, meeting: dict | None) -> None:
    """Show the form recording the meeting's date and notes."""
    key = f"meeting_{month:%Y%m}_{version('meeting_form')}"
    with st.form(key):
        st.markdown("**Réunion du comité**")
        slots = {}
        held_on = st.date_input(
            "Date de la réunion",
            value=meeting["held_on"] if meeting else None,
            format="DD/MM/YYYY",
            key=f"{key}_held",
        )
        slots["held_on"] = st.empty()
        notes = st.text_area(
            "Notes de séance",
            value=(meeting or {}).get("notes") or "",
            height=120,
            key=f"{key}_notes",
        )
        slots["notes"] = st.empty()
        submitted = st.form_submit_button("Enregistrer la réunion", icon="💾")
    if submitted:
        try:
            review.save_review(con, actor, month, held_on, notes)
        except ValidationError as exc:
            show_errors(exc, slots)
            return
        flash("Réunion enregistrée.")
        next_version("meeting_form")
        st.rerun()


def decisions_section(
    con: duckdb.DuckDBPyConnection, actor: Actor, month: dt.date, data: dict[str, Any]
) -> None:
    """Show the decisions of the month, the form adding one, and the removal of a mistaken one."""
    decisions = data["decisions"]
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
    if not actor.can("reviews.write"):
        return
    actions = data["comparison"].actions
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
        try:
            review.add_decision(con, actor, month, text, action_id, owner, due)
        except ValidationError as exc:
            show_errors(exc, slots)
            return
        flash("Décision ajoutée au relevé.")
        next_version("decision_form")
        st.rerun()
    if not decisions.empty:
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


def _print_document(con: duckdb.DuckDBPyConnection, data: dict[str, Any], today: dt.date) -> bytes:
    """Return the print-ready HTML of the review (built when the download button is clicked)."""
    comparison = data["comparison"]
    return review_print.render(
        seminar.get_seminar(con),
        comparison,
        data["objectives"],
        data["challenges"],
        data["decisions"],
        data["meeting"],
        today,
    ).encode("utf-8")


def export_button(con: duckdb.DuckDBPyConnection, data: dict[str, Any], today: dt.date) -> None:
    """Offer the review as a print-ready HTML document, built only when clicked."""
    st.download_button(
        "Télécharger le relevé imprimable (HTML)",
        functools.partial(_print_document, con, data, today),
        file_name=f"comite-de-pilotage-{data['comparison'].month:%Y-%m}.html",
        mime="text/html",
        icon="🖨️",
        on_click="ignore",
        help="Ouvrez le fichier dans un navigateur puis « Imprimer » (ou « Enregistrer au "
        "format PDF ») : il est mis en page pour le papier A4.",
    )
