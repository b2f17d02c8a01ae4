"""The figures behind each signature chart as French tables (the expander under each chart)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from labo_dash import french
from labo_dash.charts import objective_label


def _share(value: float | None) -> str:
    return "–" if value is None or pd.isna(value) else french.percent(value)


def bars(df: pd.DataFrame, show_progress: bool = True) -> pd.DataFrame:
    """One row per défi: rank, support, the support carried by each objective, progress, realised."""
    rows = []
    for _, part in df.groupby("challenge_id", sort=False):
        first = part.iloc[0]
        row = {
            "Rang": french.rank(int(first["rank"]), bool(first["tied"])),
            "Défi": first["challenge"],
            "Soutien": french.percent(first["support"]),
        }
        for _, cell in part.iterrows():
            row[objective_label(cell["objective_number"], cell["objective"])] = french.percent(
                cell["support_objective"]
            )
        if show_progress:
            if not first["actions"]:
                row["Avancement"] = "aucune action"
            else:
                row["Avancement"] = french.progress(first["progress"], fraction=True)
            row["Soutien réalisé"] = french.percent(part["realised"].sum())
            row["Actions comptées"] = f"{int(first['measured'])} sur {int(first['actions'])}"
        rows.append(row)
    table = pd.DataFrame(rows)
    head, tail = ["Rang", "Défi", "Soutien"], ["Avancement", "Soutien réalisé", "Actions comptées"]
    split = sorted(c for c in table.columns if c not in head + tail)
    return table[
        [c for c in head if c in table.columns] + split + [c for c in tail if c in table.columns]
    ].fillna("–")


def trend(df: pd.DataFrame, month: dt.date) -> pd.DataFrame:
    """One row per (month up to ``month``, objective): support expressed, realised and their ratio."""
    shown = df[df["month"] <= month]
    return pd.DataFrame(
        {
            "Mois": shown["month"].map(french.month),
            "Objectif": [
                objective_label(n, s)
                for n, s in zip(shown["objective_number"], shown["objective"], strict=True)
            ],
            "Soutien exprimé": shown["support"].map(french.percent),
            "Soutien réalisé": shown["realised"].map(french.percent),
            "Part réalisée": [
                _share(r / s if s else None) for r, s in zip(shown["realised"], shown["support"], strict=True)
            ],
        }
    )


def weights(df: pd.DataFrame) -> pd.DataFrame:
    """Défis × objectives: the normalised weight of each objective in each défi."""
    data = df.assign(
        objectif=[
            objective_label(n, s) for n, s in zip(df["objective_number"], df["objective"], strict=True)
        ],
        poids=df["weight"].map(lambda w: french.percent(w) if w > 0 else "–"),
    )
    table = data.pivot_table(
        index=["challenge_id", "challenge"], columns="objectif", values="poids", aggfunc="first", sort=False
    )
    table = table.reset_index().drop(columns="challenge_id").rename(columns={"challenge": "Défi"})
    table.columns.name = None
    support = data.drop_duplicates("challenge_id")["support"].map(
        lambda s: "hors du tour" if pd.isna(s) else french.percent(s)
    )
    table.insert(1, "Soutien", support.to_numpy())
    return table


def timeline(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (objective, action): dates, status, progress and whether it is overdue."""
    return pd.DataFrame(
        {
            "Objectif": [
                objective_label(n, s) for n, s in zip(df["objective_number"], df["objective"], strict=True)
            ],
            "Action": df["action"],
            "Défi": df["challenge"],
            "Début": df["start"].map(french.date),
            "Échéance": df["due_date"].map(lambda d: "sans échéance" if pd.isna(d) else french.date(d)),
            "Statut": df["status"].map(french.status),
            "Avancement": df["progress"].map(
                french.progress
            ),
            "En retard": df["overdue"].map(lambda late: "oui" if late else "non"),
        }
    )
