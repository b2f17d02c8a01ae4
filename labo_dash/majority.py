"""Majority judgment (jugement majoritaire): grade scales, majority grade, gauge, ranking, tie-breaks.

Pure functions on *tallies*: for each item, the number of voters who gave each grade, best grade first.
"Pas d'avis" is counted as the lowest grade by the caller, so every item has the same number of grades.

Rules (domain brief §4):

- the majority grade is the best grade that more than half of the voters give or better (the lower
  median when the number of voters is even);
- between items with the same majority grade: p = share of grades strictly above it, q = share strictly
  below; the largest of the tied items' p and q decides (a p wins, a q loses), and p = q counts as q;
- still tied: remove one majority-grade vote from each and repeat.

The last rule makes each item's comparison key a sequence, one step per removed vote: (majority grade,
gauge) at each step, where the gauge is +p when p > q and -q otherwise. Comparing these sequences
lexicographically applies the three rules at once, and depends on nothing but the item's own tally.

The sequence has one step per voter, so it is never built: the removed votes always form a window in
the middle of the item's sorted votes, so any step is computed from the grade counts in O(grades), and
two items' first differing step is found by evaluating O(grades) steps (``_first_difference``). Ranking
costs O(items × log items × grades) whatever the number of voters (it was items × voters).
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

from labo_dash.french import percent

GRADE_SCALES: dict[int, tuple[str, ...]] = {
    5: ("Excellent", "Très bien", "Bien", "Passable", "Insuffisant"),
    7: ("Excellent", "Très bien", "Bien", "Assez bien", "Passable", "Insuffisant", "À rejeter"),
}
NO_OPINION = "Pas d'avis"
K = TypeVar("K", bound=Hashable)  # an item's id (a défi or solution id, or a letter in examples)


@dataclass(frozen=True)
class Gauge:
    """The majority grade (index, 0 = best) and the shares p above and q below it."""

    grade: int
    p: Fraction
    q: Fraction

    @property
    def signed(self) -> Fraction:
        """Return +p when p > q, else -q (p = q counts on the q side)."""
        return self.p if self.p > self.q else -self.q


def majority_grade(counts: Sequence[int]) -> int | None:
    """Return the index of the majority grade (lower median), or None when nobody voted."""
    total = sum(counts)
    running = 0
    for index, count in enumerate(counts):
        running += count
        if 2 * running > total:
            return index
    return None


def gauge(counts: Sequence[int]) -> Gauge | None:
    """Return the majority grade with p (share strictly above) and q (strictly below); None if no vote."""
    grade = majority_grade(counts)
    if grade is None:
        return None
    total = sum(counts)
    return Gauge(grade, Fraction(sum(counts[:grade]), total), Fraction(sum(counts[grade + 1 :]), total))


class _Profile:
    """An item's grade counts, read as the sorted list of its votes (best first) without building it."""

    __slots__ = ("counts", "cumulative", "thresholds", "voters")

    def __init__(self, counts: Sequence[int]) -> None:
        self.counts = tuple(int(c) for c in counts)
        self.cumulative = list(itertools.accumulate(self.counts))  # votes with grade <= g
        self.voters = self.cumulative[-1] if self.cumulative else 0
        n = self.voters
        # Step i depends on i only through m = n - i, and every comparison in it is between m's halves
        # (P, S below) and a prefix sum or its complement: between two such thresholds each quantity is
        # constant or moves by one every two steps.
        values = {0, *self.cumulative, *(n - c for c in self.cumulative)}
        self.thresholds = {n - m for v in values for m in range(2 * v - 5, 2 * v + 6) if 0 < m <= n}

    def step(self, i: int) -> tuple[int, int, int]:
        """Return (majority grade, votes strictly above, votes strictly below) after ``i`` removals.

        Removing the lower median one vote at a time removes a window from the middle of the sorted
        votes: after i removals, m = n - i votes remain, the first P = ceil(m / 2) and the last
        S = floor(m / 2) of the list. The lower median is the last of the first part when m is odd, the
        first of the last part when m is even.
        """
        n, m = self.voters, self.voters - i
        first, last = (m + 1) // 2, m // 2
        position = first if m % 2 else n - last + 1  # 1-based, in the sorted votes
        grade = bisect.bisect_left(self.cumulative, position)
        above = self.cumulative[grade - 1] if grade else 0  # votes with a better grade, in all
        below = n - self.cumulative[grade]
        if m % 2:  # the median ends the first part: every better vote remains, some worse ones are gone
            below = min(last, below)
        else:
            above = min(first, above)
        return grade, above, below

    def key_at(self, i: int) -> tuple[int, int]:
        """Return step i of the sort key, as integers (the shares' common denominator is n - i)."""
        grade, above, below = self.step(i)
        return grade, (-above if above > below else below)

    def gauge_at(self, i: int) -> Gauge:
        grade, above, below = self.step(i)
        m = self.voters - i
        return Gauge(grade, Fraction(above, m), Fraction(below, m))


def _first_difference(a: _Profile, b: _Profile) -> int | None:
    """Return the first step at which the two profiles' keys differ, or None when they never do.

    Between two consecutive thresholds of either profile, each key component is, on the steps of one
    parity, constant or affine in the step with slope 1/2 (see ``_Profile``): two keys equal on the
    first two steps of each parity are equal on the whole interval. O(grades) steps are evaluated.
    """
    if a.counts == b.counts:
        return None
    if a.key_at(0) != b.key_at(0):  # most pairs: the majority grade or the largest share decides
        return 0
    bounds = sorted({0, a.voters} | a.thresholds | b.thresholds)
    for start, end in itertools.pairwise(bounds):
        for i in range(start, min(start + 4, end)):
            if a.key_at(i) != b.key_at(i):
                return i
    raise AssertionError("two different tallies differ at some step")  # the steps' grades are the votes


def _check(tallies: Mapping[K, Sequence[int]]) -> None:
    shapes = {(len(counts), sum(counts)) for counts in tallies.values()}
    if len(shapes) > 1:
        raise ValueError("every item needs the same number of grades and of voters (count 'Pas d'avis')")
    if any(count < 0 for counts in tallies.values() for count in counts):
        raise ValueError("grade counts cannot be negative")


def _sort_id(item: Hashable) -> tuple[int, int | str]:
    return (0, item) if isinstance(item, int) else (1, str(item))


def rank_majority_judgment(tallies: Mapping[K, Sequence[int]]) -> list[K]:
    """Return the item ids ranked by majority judgment, best first.

    ``tallies`` maps each item id to its grade counts from the best grade to the worst, e.g.
    ``{"A": [3, 2, 1, 2, 2], "B": [1, 2, 4, 2, 1], "C": [0, 3, 1, 4, 2]}`` gives ``["A", "B", "C"]``
    (10 voters; A and B share the majority grade "Bien", A's 50 % above it is the largest share, so A
    wins). Items tied on every step (identical profiles, or nobody voted) keep the order of their ids,
    so the result never depends on the order of ``tallies``. Raises ValueError when the items do not
    have the same number of grades and voters.
    """
    _check(tallies)
    profiles = {item: _Profile(counts) for item, counts in tallies.items()}

    def compare(x: K, y: K) -> int:
        step = _first_difference(profiles[x], profiles[y])
        if step is None:
            return -1 if _sort_id(x) < _sort_id(y) else int(_sort_id(x) > _sort_id(y))
        return -1 if profiles[x].key_at(step) < profiles[y].key_at(step) else 1

    return sorted(tallies, key=functools.cmp_to_key(compare))


@dataclass(frozen=True)
class RankedItem:
    """One line of a majority-judgment result."""

    item: Hashable
    rank: int  # 1 = best; tied items share a rank
    tied_with_previous: bool
    gauge: Gauge | None
    explanation: str  # why it comes after the previous item ("" for the first)


def _quoted(label: str, limit: int = 48) -> str:
    """Return a label in French quotes, shortened to ``limit`` characters so sentences stay readable."""
    text = str(label)
    return f"« {text if len(text) <= limit else text[: limit - 1].rstrip() + '…'} »"


def _share(value: Fraction) -> str:
    return percent(float(value))


def _part(value: Fraction, voters: int) -> str:
    """Return a share with its count: ``47,4 % (9 sur 19)``."""
    return f"{_share(value)} ({int(value * voters)} sur {voters})"


def _same_largest(A: str, B: str, ga: Gauge, gb: Gauge, voters: int, grades: Sequence[str]) -> str:
    """Return the sentence saying what two gauges with the same sort key share, and what differs.

    The same key means the same majority grade and the same largest share, on the same side (p, or q
    where p = q counts as a q); the other share may differ.
    """
    text = (
        f"{A} et {B} ont la même mention majoritaire ({grades[ga.grade]}) et la même plus grande part, "
        "pour l'un comme pour l'autre : "
    )
    if ga.p == ga.q == gb.p == gb.q:
        if ga.p == 0:
            return text + "aucune part au-dessus ni en dessous (p = q = 0\u00a0%)."
        return text + f"p = q = {_part(ga.q, voters)}, qui compte comme une part en dessous."
    if ga.signed > 0:
        text += f"p = {_part(ga.p, voters)} au-dessus"
        name, a, b = "q", ga.q, gb.q
    else:
        text += f"q = {_part(ga.q, voters)} en dessous"
        name, a, b = "p", ga.p, gb.p
    if a == b:
        return text + f", et le même {name} = {_part(a, voters)}."
    text += (
        f" ; leurs {name} diffèrent, {_part(a, voters)} pour {A} et {_part(b, voters)} pour {B}, "
        "mais ne décident pas"
    )
    if ga.p == ga.q or gb.p == gb.q:
        text += " (un p égal au q compte comme une part en dessous)"
    return text + "."


def _decision(A: str, B: str, ga: Gauge, gb: Gauge, voters: int, grades: Sequence[str]) -> str:
    """Return why ``A`` ranks before ``B`` from gauges whose sort keys differ."""
    if ga.grade != gb.grade:
        return (
            f"la mention majoritaire de {A} ({grades[ga.grade]}) est meilleure que celle de {B} "
            f"({grades[gb.grade]}) : {A} passe devant."
        )
    grade = grades[ga.grade]
    text = (
        f"{A} et {B} ont la même mention majoritaire ({grade}). Parts au-dessus (p) et en dessous (q) de "
        f"{grade} : {A} p = {_part(ga.p, voters)}, q = {_part(ga.q, voters)} ; "
        f"{B} p = {_part(gb.p, voters)}, q = {_part(gb.q, voters)}. "
    )
    if ga.signed > 0 and (gb.signed > 0 or ga.p > gb.q):
        return text + (
            f"La plus grande de ces quatre parts est le p de {A} ({_share(ga.p)}) : une part au-dessus fait "
            f"gagner, {A} passe devant."
        )
    if ga.signed > 0 and ga.p == gb.q:
        theirs = f"les p et q de {B}, tous égaux" if gb.p == gb.q else f"le q de {B}, égaux"
        return text + (
            f"Les plus grandes de ces quatre parts sont le p de {A} et {theirs} ({_share(ga.p)}) : une part "
            f"au-dessus fait gagner, une part en dessous (p = q compte comme telle) fait perdre, {A} passe "
            "devant."
        )
    if gb.p == gb.q:
        return text + (
            f"La plus grande de ces quatre parts est celle de {B}, dont p et q sont égaux ({_share(gb.q)}) : "
            f"p = q compte comme une part en dessous, qui fait perdre, {B} passe derrière."
        )
    return text + (
        f"La plus grande de ces quatre parts est le q de {B} ({_share(gb.q)}) : une part en dessous fait "
        f"perdre, {B} passe derrière."
    )


def _explain(above: str, below: str, a: Sequence[int], b: Sequence[int], grades: Sequence[str]) -> str:
    """Return a French sentence saying why ``above`` ranks before ``below`` (or that they are tied).

    Every equality it states holds (tested by property): the sentence names what was equal at each
    step before the one that decides, then what decided, with the shares and their counts.
    """
    A, B = _quoted(above), _quoted(below)
    pa, pb = _Profile(a), _Profile(b)
    step = _first_difference(pa, pb)
    if step is None:
        return f"{A} et {B} sont ex æquo : leurs profils de mérite sont identiques."
    voters = pa.voters
    decision = _decision(A, B, pa.gauge_at(step), pb.gauge_at(step), voters - step, grades)
    if step == 0:
        return decision[0].upper() + decision[1:]
    text = _same_largest(A, B, pa.gauge_at(0), pb.gauge_at(0), voters, grades)
    if step > 1:
        text += (
            " L'égalité de mention majoritaire et de plus grande part demeure après le retrait de "
            + ("1 mention majoritaire" if step == 2 else f"1 à {step - 1} mentions majoritaires")
            + " à chacun."
        )
    plural = "s" if step > 1 else ""
    return text + f" Après avoir retiré {step} mention{plural} majoritaire{plural} à chacun " \
        f"({voters - step} votes restants) : {decision}"


def explain_majority_judgment(
    tallies: Mapping[K, Sequence[int]], labels: Mapping[K, str], scale: int = 5
) -> list[RankedItem]:
    """Return the ranking with shared ranks for ties, each gauge and a French tie-break sentence.

    The sentence of an item explains why it comes after the previous one (its majority grade, or the
    p/q rule, or the removal of majority-grade votes, or an exact tie).
    """
    grades = GRADE_SCALES[scale]
    order = rank_majority_judgment(tallies)
    result: list[RankedItem] = []
    for position, item in enumerate(order):
        if position == 0:
            result.append(RankedItem(item, 1, False, gauge(tallies[item]), ""))
            continue
        previous, before = result[-1], order[position - 1]
        tied = list(tallies[item]) == list(tallies[before])  # equal keys: equal tallies
        sentence = _explain(labels[before], labels[item], tallies[before], tallies[item], grades)
        rank = previous.rank if tied else position + 1
        result.append(RankedItem(item, rank, tied, gauge(tallies[item]), sentence))
    return result
