"""The benchmarks' databases: the demo, and copies of it scaled 10× or 100× (a helper, not a benchmark).

A bigger database replicates the demo's rows with new ids (participants, défis and their weights, round
items, ballots, solutions, actions, progress updates not withdrawn): at 100× the support round holds 100×
the défis and ballots and the tracker 100× the actions. Findings, rounds and reviews are not copied.
Used by bench_signature.py and bench_pages.py; running this file does nothing.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from labo_dash import db
from labo_dash.demo import build_demo

OFFSET = 1_000_000  # id offset of each copy (far above the demo's ids)

# One statement per table: every row of the demo, copied k = 1 .. factor-1 times, ids shifted by k × OFFSET.
REPLICATE = [
    "INSERT INTO participants (id, seminar_id, name, structure, kind, territory, email, code, "
    "self_registered, created_at) SELECT id + k * ?, seminar_id, name, structure, kind, territory, email, "
    "code || '-' || k, self_registered, created_at FROM participants, range(1, ?) r(k) WHERE id < ?",
    "INSERT INTO challenges (id, seminar_id, workshop_id, title, description, selected, created_at) "
    "SELECT id + k * ?, seminar_id, workshop_id, title || ' (' || k || ')', description, selected, "
    "created_at FROM challenges, range(1, ?) r(k) WHERE id < ?",
    "INSERT INTO challenge_objectives (challenge_id, objective_id, weight) "
    "SELECT challenge_id + k * ?, objective_id, weight FROM challenge_objectives, range(1, ?) r(k) "
    "WHERE challenge_id < ?",
    "INSERT INTO round_items (round_id, item_id, position) "
    "SELECT round_id, item_id + k * ?, position + k * 1000 FROM round_items, range(1, ?) r(k) "
    "WHERE item_id < ?",
    "INSERT INTO ballots (id, round_id, participant_id, fingerprint, submitted_at) "
    "SELECT id + k * ?, round_id, participant_id + k * ?, fingerprint, submitted_at "
    "FROM ballots, range(1, ?) r(k) WHERE id < ?",
    "INSERT INTO ballot_entries (ballot_id, item_id, value, contribute) "
    "SELECT ballot_id + k * ?, item_id + k * ?, value, contribute FROM ballot_entries, range(1, ?) r(k) "
    "WHERE ballot_id < ?",
    "INSERT INTO solutions (id, seminar_id, challenge_id, workshop_id, title, description, created_at) "
    "SELECT id + k * ?, seminar_id, challenge_id + k * ?, workshop_id, title, description, created_at "
    "FROM solutions, range(1, ?) r(k) WHERE id < ?",
    "INSERT INTO actions (id, solution_id, title, pilot_structure, start_date, due_date, weight, created_at) "
    "SELECT id + k * ?, solution_id + k * ?, title, pilot_structure, start_date, due_date, weight, "
    "created_at FROM actions, range(1, ?) r(k) WHERE id < ?",
    "INSERT INTO progress_updates (id, action_id, reported_on, status, progress, comment, reported_by, "
    "recorded_at) SELECT id + k * ?, action_id + k * ?, reported_on, status, progress, comment, reported_by, "
    "recorded_at FROM progress_points, range(1, ?) r(k) WHERE id < ?",  # withdrawn points not copied
]


def build_template(path: Path) -> Path:
    """Build the deterministic demo (seed 42) in a new database file ``path``, checkpointed; return it."""
    con = db.open_database(path)
    build_demo(con, seed=42)
    con.execute("CHECKPOINT")
    con.close()
    return path


def replicate(path: Path, factor: int) -> None:
    """Multiply the demo's rows in the database file ``path`` by ``factor`` (one transaction)."""
    con = db.open_database(path)
    with db.transaction(con) as cur:
        for sql in REPLICATE:
            shifts = sql.count("k * ?")
            cur.execute(sql, [OFFSET] * shifts + [factor, OFFSET])
    con.execute("CHECKPOINT")
    con.close()


def scaled_copy(template: Path, path: Path, factor: int) -> Path:
    """Copy the demo database ``template`` to ``path`` and scale it ``factor`` times (1 = a plain copy)."""
    shutil.copy(template, path)
    if factor > 1:
        replicate(path, factor)
    return path
