"""What bench_pages.py measures with and how it prints: the page addresses, the timings, the tables."""

from __future__ import annotations

import json
import os
import statistics
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.testing.v1 import AppTest

BEFORE = Path(__file__).resolve().parent / "pages_before.json"  # the figures before issue 14 (BENCHMARKS.md)
WRITE_TARGET_MS = 300


@dataclass(frozen=True)
class Variant:
    """One page as an address: its script, URL path and query."""

    script: str
    path: str
    query: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        """The address as printed (a participant's code shown as CODE)."""
        shown = [f"{k}={'CODE' if k == 'code' else v}" for k, v in self.query]
        return "/" + self.path + ("?" + "&".join(shown) if shown else "")

    def url(self, base: str) -> str:
        return f"{base}/{self.path}" + ("?" + urllib.parse.urlencode(self.query) if self.query else "")


@dataclass
class PageTiming:
    """Figures of one page at one scale (ms for AppTest, s for Chromium); None when not measured."""

    first_cpu: float | None = None
    first_wall: float | None = None
    warm_cpu: float | None = None
    warm_wall: float | None = None
    warm_runs: int = 0
    browser: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def short(text: str, size: int = 160) -> str:
    """Return the first line of ``text``, cut to ``size`` characters."""
    line = " ".join(str(text).split())
    return line if len(line) <= size else line[: size - 1] + "…"


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Call ``fn``; return (CPU ms of this process, wall ms)."""
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000


def run_failures(at: AppTest) -> list[str]:
    """Return the exceptions the page showed."""
    return [short(e.value) for e in at.exception]


@dataclass
class WriteTiming:
    name: str
    cpu: float | None = None
    wall: float | None = None
    runs: int = 0
    failure: str | None = None

    def record(self, cpus: list[float], walls: list[float]) -> None:
        """Keep the medians of the runs (ms), if any."""
        if cpus:
            self.cpu, self.wall, self.runs = statistics.median(cpus), statistics.median(walls), len(cpus)


def targets(factor: int) -> tuple[float | None, float | None]:
    """Return the (first run, warm rerun) targets in ms of CPU at this scale (None: none but no failure)."""
    return {1: (500.0, 150.0), 10: (None, 400.0)}.get(factor, (None, None))


def verdict(timing: PageTiming, factor: int) -> tuple[str, str]:
    """Return the target's text and « ok », « over: ... » or « FAILED » for a page at a scale."""
    first, warm = targets(factor)
    parts = [f"1st<={first:.0f}" if first else "", f"warm<={warm:.0f}" if warm else ""]
    text = " ".join(p for p in parts if p) or "no failure"
    if timing.failures:
        return text, "FAILED"
    over = []
    if first and timing.first_cpu is not None and timing.first_cpu > first:
        over.append("1st")
    if warm and timing.warm_cpu is not None and timing.warm_cpu > warm:
        over.append("warm")
    return text, "over: " + ", ".join(over) if over else "ok"


def fmt(value: float | None, spec: str = ".0f") -> str:
    return "-" if value is None else format(value, spec)


def summary(t: PageTiming) -> str:
    """One line of a page's AppTest figures, printed as they come."""
    line = (f"first {fmt(t.first_cpu)} ms CPU, {fmt(t.first_wall)} ms wall; "
            f"warm {fmt(t.warm_cpu)} ms CPU, {fmt(t.warm_wall)} ms wall ({t.warm_runs} runs)")
    return line + (f"; FAILED: {t.failures[0]}" if t.failures else "")


def print_pages(
    factor: int, sizes: dict[str, int], pages: list[Variant], timings: dict[str, PageTiming]
) -> None:
    print(f"\n== {factor}× the demo: " + ", ".join(f"{n} {name}" for name, n in sizes.items()))
    header = (f"{'page':<42} {'1st CPU':>8} {'1st wall':>8} {'warm CPU':>8} {'warm wall':>9} {'n':>2} "
              f"{'Chromium s (1st, 2nd)':>21}  {'target (ms CPU)':<22} verdict")
    print(header)
    print("-" * len(header))
    notes = []
    for variant in pages:
        t = timings[variant.label]
        target, result = verdict(t, factor)
        browser = ", ".join(f"{s:.1f}" for s in t.browser) or "-"
        print(f"{variant.label:<42} {fmt(t.first_cpu):>8} {fmt(t.first_wall):>8} {fmt(t.warm_cpu):>8} "
              f"{fmt(t.warm_wall):>9} {t.warm_runs:>2} {browser:>21}  {target:<22} {result}")
        notes += [f"  {variant.label}: {f}" for f in t.failures]
    if notes:
        print("failures:")
        print("\n".join(notes))


def load_before(path: Path = BEFORE) -> dict[str, dict[str, dict]]:
    """Return the previous figures: {scale: {page label: {first_cpu, warm_cpu, failed?}}} (ms of CPU)."""
    return json.loads(path.read_text(encoding="utf-8"))["scales"] if path.exists() else {}


def print_before_after(factor: int, pages: list[Variant], timings: dict[str, PageTiming],
                       before: dict[str, dict[str, dict]]) -> None:
    """Print the previous figures (bench/pages_before.json) and this run's side by side (ms of CPU)."""
    previous = before.get(str(factor), {})
    print(f"\n== {factor}× before / after ({BEFORE.name}; ms of CPU; « FAILED » = the page raised)")
    header = f"{'page':<42} {'1st before':>10} {'1st now':>8} {'warm before':>11} {'warm now':>9}  warm ×"
    print(header)
    print("-" * len(header))
    for variant in pages:
        now, was = timings[variant.label], previous.get(variant.label)
        if was is None:
            old_first = old_warm = "n/m"  # not measured before
        elif was.get("failed"):
            old_first, old_warm = fmt(was.get("first_cpu")), "FAILED"
        else:
            old_first, old_warm = fmt(was.get("first_cpu")), fmt(was.get("warm_cpu"))
        new_first = "FAILED" if now.failures and now.first_cpu is None else fmt(now.first_cpu)
        new_warm = "FAILED" if now.failures else fmt(now.warm_cpu)
        ratio = ""
        if was and not was.get("failed") and was.get("warm_cpu") and now.warm_cpu and not now.failures:
            ratio = f"{now.warm_cpu / was['warm_cpu']:.2f}"
        print(f"{variant.label:<42} {old_first:>10} {new_first:>8} {old_warm:>11} {new_warm:>9}  {ratio}")


def print_writes(rows: list[tuple[int, WriteTiming]]) -> None:
    print("\n== Writes (server side; target <= 300 ms at 1×)")
    header = f"{'size':>5}  {'write':<72} {'CPU ms':>7} {'wall ms':>8} {'n':>2}  verdict"
    print(header)
    print("-" * len(header))
    for factor, w in rows:
        if w.failure:
            result = f"FAILED: {w.failure}"
        elif factor == 1 and w.cpu is not None:
            result = "ok" if w.cpu <= WRITE_TARGET_MS else "over"
        else:
            result = "-"
        print(f"{factor:>4}×  {w.name:<72} {fmt(w.cpu):>7} {fmt(w.wall):>8} {w.runs:>2}  {result}")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f} (1, 5, 15 min) on {os.cpu_count()} cores"
