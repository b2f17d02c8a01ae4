"""Time to build each signature view's data at 1×, 10× and 100× the demo's size (target: < 100 ms at 100×).

Bigger databases replicate the demo's rows with new ids (participants, défis and their weights, round
items, ballots, solutions, actions, progress updates) in a temp folder; the support round then holds
100× the défis and ballots. Prints a table of median times over several runs, after a warm-up run.

    .venv/bin/python bench/bench_signature.py [--runs 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from labo_dash import db, signature
from labo_dash.demo import build_demo

TODAY = dt.date(2026, 11, 26)
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


def replicate(path: Path, factor: int) -> None:
    """Multiply the demo's rows in ``path`` by ``factor`` (one transaction)."""
    con = db.open_database(path)
    with db.transaction(con) as cur:
        for sql in REPLICATE:
            shifts = sql.count("k * ?")
            cur.execute(sql, [OFFSET] * shifts + [factor, OFFSET])
    con.execute("CHECKPOINT")
    con.close()


def median_ms(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Return the median wall time and process CPU time of ``fn`` in ms (after one warm-up call).

    CPU time (all threads of the process) shows the work done even when other processes share the cores.
    """
    fn()
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    folder = Path(tempfile.mkdtemp(prefix="bench-signature-"))
    try:
        template = folder / "demo.duckdb"
        con = db.open_database(template)
        build_demo(con, seed=42)
        con.execute("CHECKPOINT")
        con.close()
        rows = []
        for factor in (1, 10, 100):
            path = folder / f"x{factor}.duckdb"
            shutil.copy(template, path)
            if factor > 1:
                replicate(path, factor)
            con = db.open_database(path)
            round_id = signature.support_round(con)["id"]
            dates = [signature.as_of(m, TODAY) for m in signature.months(con, TODAY)]
            (n_challenges, n_ballots, n_actions, n_updates) = con.execute(
                "SELECT (SELECT count(*) FROM challenges), (SELECT count(*) FROM ballots), "
                "(SELECT count(*) FROM actions), (SELECT count(*) FROM progress_points)"
            ).fetchone()
            views = {
                "per défi (support_by_challenge)": partial(
                    signature.support_by_challenge, con, round_id, TODAY
                ),
                "per objective over months (support_over_time)": partial(
                    signature.support_over_time, con, round_id, dates
                ),
                "défi × objective weights (challenge_weights)": partial(
                    signature.challenge_weights, con, round_id
                ),
                "actions timeline (action_timeline)": partial(signature.action_timeline, con, TODAY),
                "cache key (data_version)": partial(signature.data_version, con),
            }
            for name, fn in views.items():
                rows.append(
                    (factor, n_challenges, n_ballots, n_actions, n_updates, name, *median_ms(fn, args.runs))
                )
            con.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    columns = ("size", "défis", "ballots", "actions", "updates")
    print(f"load average before the run: {load:.1f} on {os.cpu_count()} cores")
    header = " ".join(f"{c:>8}" for c in columns) + f"  {'view':<48} {'wall ms':>8} {'CPU ms':>7}"
    print(header)
    print("-" * len(header))
    for factor, ch, ba, ac, up, name, wall, cpu in rows:
        flag = "" if factor < 100 or wall < 100 else "  > 100 ms!"
        cells = " ".join(f"{v:>8}" for v in (f"{factor}×", ch, ba, ac, up))
        print(f"{cells}  {name:<48} {wall:>8.1f} {cpu:>7.1f}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
