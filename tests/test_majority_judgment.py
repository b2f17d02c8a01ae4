"""Majority judgment: the brief's rules, its worked example, tie-breaks, and properties (hypothesis)."""

from __future__ import annotations

import itertools
import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labo_dash.french import percent
from labo_dash.majority import GRADE_SCALES, explain_majority_judgment, gauge, majority_grade
from labo_dash.voting import rank_majority_judgment

WORKED_EXAMPLE = {"A": [3, 2, 1, 2, 2], "B": [1, 2, 4, 2, 1], "C": [0, 3, 1, 4, 2]}


def majority_values(counts: list[int]) -> tuple[int, ...]:
    """Independent reference: the sequence of lower medians obtained by removing them one by one."""
    votes = sorted(grade for grade, n in enumerate(counts) for _ in range(n))
    sequence = []
    while votes:
        sequence.append(votes.pop(len(votes) // 2))
    return tuple(sequence)


def test_worked_example_of_the_brief():
    assert rank_majority_judgment(WORKED_EXAMPLE) == ["A", "B", "C"]
    assert [majority_grade(c) for c in WORKED_EXAMPLE.values()] == [2, 2, 3]  # Bien, Bien, Passable
    a, b = gauge(WORKED_EXAMPLE["A"]), gauge(WORKED_EXAMPLE["B"])
    assert (a.p, a.q) == (Fraction(5, 10), Fraction(4, 10))
    assert (b.p, b.q) == (Fraction(3, 10), Fraction(3, 10))


def test_worked_example_sentences_explain_each_step():
    ranked = explain_majority_judgment(WORKED_EXAMPLE, {k: f"Défi {k}" for k in WORKED_EXAMPLE})
    assert [r.item for r in ranked] == ["A", "B", "C"] and [r.rank for r in ranked] == [1, 2, 3]
    assert ranked[0].explanation == ""
    assert ranked[1].explanation == (
        "« Défi A » et « Défi B » ont la même mention majoritaire (Bien). Parts au-dessus (p) et en dessous "
        "(q) de Bien : « Défi A » p = 50\u00a0% (5 sur 10), q = 40\u00a0% (4 sur 10) ; "
        "« Défi B » p = 30\u00a0% (3 sur 10), q = 30\u00a0% (3 sur 10). "
        "La plus grande de ces quatre parts est le p de « Défi A » (50\u00a0%) : "
        "une part au-dessus fait gagner, « Défi A » passe devant."
    )
    assert ranked[2].explanation == (
        "La mention majoritaire de « Défi B » (Bien) est meilleure que celle de « Défi C » (Passable) : "
        "« Défi B » passe devant."
    )


def test_same_largest_share_is_not_called_the_same_p_and_q():
    # Issue 12: 19 voters, 7 grades. A and B share the majority grade (Bien) and p = 9/19 (their largest
    # share), but not q (3/19 and 6/19): the sentence said « les mêmes parts p et q ».
    tallies = {"A": [1, 8, 7, 1, 1, 1, 0], "B": [6, 3, 4, 4, 1, 1, 0]}
    ranked = explain_majority_judgment(tallies, {"A": "A", "B": "B"}, scale=7)
    assert [r.item for r in ranked] == ["A", "B"] and [r.rank for r in ranked] == [1, 2]
    assert ranked[1].explanation == (
        "« A » et « B » ont la même mention majoritaire (Bien) et la même plus grande part, pour l'un comme "
        "pour l'autre : p = 47,4\u00a0% (9 sur 19) au-dessus ; leurs q diffèrent, "
        "15,8\u00a0% (3 sur 19) pour « A » et 31,6\u00a0% (6 sur 19) pour « B », mais ne décident pas. "
        "L'égalité de mention majoritaire et de plus grande part demeure après le retrait "
        "de 1 à 6 mentions majoritaires à chacun. Après "
        "avoir retiré 7 mentions majoritaires à chacun (12 votes restants) : la mention majoritaire de "
        "« A » (Bien) est meilleure que celle de « B » (Assez bien) : « A » passe devant."
    )


def test_three_identical_profiles_share_the_first_rank():
    tallies = {1: [2, 1, 0, 0, 0], 2: [2, 1, 0, 0, 0], 3: [2, 1, 0, 0, 0], 4: [0, 1, 2, 0, 0]}
    ranked = explain_majority_judgment(tallies, {i: f"Défi {i}" for i in tallies})
    assert [r.rank for r in ranked] == [1, 1, 1, 4]
    assert [r.tied_with_previous for r in ranked] == [False, True, True, False]


def test_lower_median_when_even():
    # 4 voters: 2 Excellent, 2 Insuffisant -> the lower of the two middle grades
    assert majority_grade([2, 0, 0, 0, 2]) == 4
    assert majority_grade([2, 0, 1, 0, 1]) == 2
    assert majority_grade([3, 0, 0, 0, 2]) == 0


def test_p_equal_q_counts_on_the_q_side():
    # X: p = q = 30 %; Z: p = 20 %, q = 10 %. X's 30 % is the largest share but counts as a q: X loses.
    tallies = {"X": [0, 3, 4, 3, 0], "Z": [0, 2, 7, 1, 0]}
    assert rank_majority_judgment(tallies) == ["Z", "X"]
    sentence = explain_majority_judgment(tallies, {"X": "X", "Z": "Z"})[1].explanation
    assert "p et q sont égaux" in sentence and "passe derrière" in sentence


def test_largest_q_loses():
    tallies = {"B": [1, 2, 4, 2, 1], "D": [0, 1, 5, 4, 0]}  # B: p .3 q .3 ; D: p .1 q .4
    assert rank_majority_judgment(tallies) == ["B", "D"]
    sentence = explain_majority_judgment(tallies, {"B": "B", "D": "D"})[1].explanation
    assert "le q de « D » (40\u00a0%)" in sentence


def test_still_tied_removes_majority_grade_votes():
    tallies = {"Y": [1, 2, 0, 1, 0], "X": [1, 2, 1, 0, 0]}  # same grade, p and q twice, then apart
    assert rank_majority_judgment(tallies) == ["X", "Y"]
    sentence = explain_majority_judgment(tallies, {"X": "X", "Y": "Y"})[1].explanation
    assert "(Très bien) et la même plus grande part, pour l'un comme pour l'autre : p = q = 25" in sentence
    assert "demeure après le retrait de 1 mention majoritaire à chacun" in sentence
    assert "Après avoir retiré 2 mentions majoritaires à chacun (2 votes restants)" in sentence


def test_equal_profiles_are_tied_and_ordered_by_id():
    tallies = {3: [1, 1, 1, 1, 1], 1: [1, 1, 1, 1, 1], 2: [0, 0, 5, 0, 0]}
    assert rank_majority_judgment(tallies) == [2, 1, 3]
    ranked = explain_majority_judgment(tallies, {1: "un", 2: "deux", 3: "trois"})
    assert [r.rank for r in ranked] == [1, 2, 2]
    assert ranked[2].tied_with_previous and "ex æquo" in ranked[2].explanation


def test_one_voter():
    assert rank_majority_judgment({"a": [0, 0, 1, 0, 0], "b": [0, 1, 0, 0, 0], "c": [0, 0, 0, 0, 1]}) == [
        "b", "a", "c",
    ]


def test_no_voter_keeps_id_order_all_tied():
    tallies = {"b": [0] * 5, "a": [0] * 5}
    assert rank_majority_judgment(tallies) == ["a", "b"]
    ranked = explain_majority_judgment(tallies, {"a": "a", "b": "b"})
    assert [r.rank for r in ranked] == [1, 1] and ranked[0].gauge is None
    assert rank_majority_judgment({}) == []


def test_seven_grade_scale():
    tallies = {"a": [0, 0, 0, 1, 0, 0, 0], "b": [0, 0, 0, 0, 0, 0, 1]}
    ranked = explain_majority_judgment(tallies, {"a": "a", "b": "b"}, scale=7)
    assert [r.item for r in ranked] == ["a", "b"]
    assert "Assez bien" in ranked[1].explanation and "À rejeter" in ranked[1].explanation
    assert len(GRADE_SCALES[7]) == 7


def test_items_must_have_the_same_voters():
    with pytest.raises(ValueError):
        rank_majority_judgment({"a": [1, 0, 0], "b": [1, 1, 0]})


@st.composite
def tallies_strategy(draw, min_items: int = 1):
    scale = draw(st.sampled_from([5, 7]))
    voters = draw(st.integers(min_value=0, max_value=12))
    n_items = draw(st.integers(min_value=min_items, max_value=6))
    tallies = {}
    for item in range(n_items):
        grades = draw(st.lists(st.integers(0, scale - 1), min_size=voters, max_size=voters))
        tallies[item] = [grades.count(g) for g in range(scale)]
    return tallies


@settings(max_examples=200, deadline=None)
@given(tallies_strategy(), st.randoms())
def test_ranking_does_not_depend_on_item_order(tallies, random):
    items = list(tallies)
    random.shuffle(items)
    shuffled = {item: tallies[item] for item in items}
    assert rank_majority_judgment(shuffled) == rank_majority_judgment(tallies)


@settings(max_examples=200, deadline=None)
@given(tallies_strategy(), st.data())
def test_moving_one_grade_up_never_lowers_an_item(tallies, data):
    item = data.draw(st.sampled_from(list(tallies)))
    movable = [g for g, n in enumerate(tallies[item]) if g > 0 and n > 0]
    if not movable:
        return
    grade = data.draw(st.sampled_from(movable))
    better = {**tallies, item: list(tallies[item])}
    better[item][grade] -= 1
    better[item][grade - 1] += 1
    assert rank_majority_judgment(better).index(item) <= rank_majority_judgment(tallies).index(item)


@settings(max_examples=200, deadline=None)
@given(tallies_strategy(min_items=2))
def test_agrees_with_lexicographic_majority_values(tallies):
    expected = sorted(tallies, key=lambda item: (majority_values(tallies[item]), item))
    assert rank_majority_judgment(tallies) == expected


# --- Every equality a tie-break sentence states is checked against the tallies --------------------------

_PART = r"([\d,]+)\u00a0% \((\d+) sur (\d+)\)"


def _reduced(counts: list[int], removed: int) -> list[int]:
    """Independent reference: the tally after removing ``removed`` majority-grade votes one by one."""
    remaining = list(counts)
    for _ in range(removed):
        remaining[majority_grade(remaining)] -= 1
    return remaining


def _decisive(counts: list[int]) -> tuple[int, Fraction]:
    g = gauge(counts)
    return g.grade, g.p if g.p > g.q else -g.q


def _check_claims(sentence: str, a: list[int], b: list[int], grades: tuple[str, ...]) -> None:
    assert "mêmes parts" not in sentence
    if "ex æquo" in sentence:
        assert a == b
        return
    for share, count, voters in re.findall(_PART, sentence):  # each share matches its count
        assert share == percent(int(count) / int(voters)).split("\u00a0")[0]
    removed = re.search(r"Après avoir retiré (\d+) mentions? majoritaires?", sentence)
    step = int(removed.group(1)) if removed else 0
    ga, gb = gauge(_reduced(a, step)), gauge(_reduced(b, step))
    for k in range(step):  # equal at every earlier step, as the sentence says
        assert _decisive(_reduced(a, k)) == _decisive(_reduced(b, k))
    if step >= 2:
        assert f"de 1 à {step - 1} mentions" in sentence or (step == 2 and "de 1 mention" in sentence)
    if step:
        a0, b0 = gauge(a), gauge(b)
        same = re.search(r"ont la même mention majoritaire \((.+?)\) et la même plus grande part", sentence)
        assert same and grades[a0.grade] == grades[b0.grade] == same.group(1)
        largest = re.search(r"pour l'autre : (p = q|p|q) = " + _PART, sentence)
        if largest is None:
            assert "aucune part au-dessus ni en dessous" in sentence
            assert a0.p == a0.q == b0.p == b0.q == 0
        else:
            value = Fraction(int(largest.group(3)), int(largest.group(4)))
            if largest.group(1) == "p":
                assert a0.p == b0.p == value and a0.p > a0.q and b0.p > b0.q
            elif largest.group(1) == "q":
                assert a0.q == b0.q == value and a0.q >= a0.p and b0.q >= b0.p
            else:
                assert a0.p == a0.q == b0.p == b0.q == value
        other = re.search(r"et le même (p|q) = " + _PART, sentence)
        if other:
            value = Fraction(int(other.group(3)), int(other.group(4)))
            assert getattr(a0, other.group(1)) == getattr(b0, other.group(1)) == value
        differ = re.search(r"leurs (p|q) diffèrent", sentence)
        if differ:
            assert getattr(a0, differ.group(1)) != getattr(b0, differ.group(1))
    if re.search(r"ont la même mention majoritaire \([^)]+\)\. Parts", sentence):
        decided = re.search(r"ont la même mention majoritaire \(([^)]+)\)\. Parts", sentence).group(1)
        assert grades[ga.grade] == grades[gb.grade] == decided
    else:
        assert ga.grade < gb.grade and "est meilleure que celle de" in sentence
    if "dont p et q sont égaux" in sentence:
        assert gb.p == gb.q
    if "tous égaux" in sentence:
        assert ga.p == gb.p == gb.q
    elif ", égaux (" in sentence:
        assert ga.p == gb.q


@st.composite
def close_tallies(draw):
    """Two or three items often tied on their majority grade and largest share (few voters, few grades)."""
    scale = draw(st.sampled_from([5, 7]))
    voters = draw(st.integers(min_value=1, max_value=21))
    used = draw(st.integers(min_value=2, max_value=scale))
    tallies = {}
    for item in range(draw(st.integers(min_value=2, max_value=3))):
        grades = draw(st.lists(st.integers(0, used - 1), min_size=voters, max_size=voters))
        tallies[item] = [grades.count(g) for g in range(scale)]
    return tallies


@settings(max_examples=400, deadline=None)
@given(close_tallies())
def test_a_sentence_never_claims_a_false_equality(tallies):
    scale = len(next(iter(tallies.values())))
    ranked = explain_majority_judgment(tallies, {k: f"Défi {k}" for k in tallies}, scale)
    for previous, current in itertools.pairwise(ranked):
        a, b = tallies[previous.item], tallies[current.item]
        _check_claims(current.explanation, a, b, GRADE_SCALES[scale])


@pytest.mark.parametrize("tallies", [
    WORKED_EXAMPLE,
    {"A": [1, 8, 7, 1, 1, 1, 0], "B": [6, 3, 4, 4, 1, 1, 0]},
    {"Y": [1, 2, 0, 1, 0], "X": [1, 2, 1, 0, 0]},
    {"X": [0, 3, 4, 3, 0], "Z": [0, 2, 7, 1, 0]},
])
def test_examples_claim_only_true_equalities(tallies):
    test_a_sentence_never_claims_a_false_equality.hypothesis.inner_test(tallies)


# --- The fast key (O(grades) per comparison) against the rule applied vote by vote ----------------------


def _reference_key(counts: list[int]) -> tuple[tuple[int, Fraction], ...]:
    """Independent reference: remove one majority-grade vote at a time, keep (grade, -gauge) each step."""
    remaining, key = list(counts), []
    while (g := gauge(remaining)) is not None:
        key.append((g.grade, -(g.p if g.p > g.q else -g.q)))
        remaining[g.grade] -= 1
    return tuple(key)


def _reference_ranking(tallies: dict) -> list:
    return sorted(tallies, key=lambda item: (_reference_key(tallies[item]), item))


@st.composite
def skewed_tallies(draw):
    """Items with many voters, often sharing grades in a few places (long equal runs, alternations)."""
    scale = draw(st.sampled_from([5, 7]))
    voters = draw(st.integers(min_value=0, max_value=120))
    shape = st.lists(st.integers(0, 6), min_size=scale, max_size=scale)
    shapes = draw(st.lists(shape, min_size=2, max_size=6))
    tallies = {}
    for item, shape in enumerate(shapes):
        total = sum(shape) or 1
        counts = [voters * w // total for w in shape]
        counts[draw(st.integers(0, scale - 1))] += voters - sum(counts)
        tallies[item] = counts
    return tallies


@settings(max_examples=500, deadline=None)
@given(st.one_of(tallies_strategy(min_items=2), close_tallies(), skewed_tallies()))
def test_fast_ranking_and_sentences_equal_the_vote_by_vote_rule(tallies):
    assert rank_majority_judgment(tallies) == _reference_ranking(tallies)
    scale = len(next(iter(tallies.values())))
    ranked = explain_majority_judgment(tallies, {k: f"Défi {k}" for k in tallies}, scale)
    for previous, current in itertools.pairwise(ranked):
        key_a, key_b = _reference_key(tallies[previous.item]), _reference_key(tallies[current.item])
        assert current.tied_with_previous == (key_a == key_b)
        if key_a != key_b:  # the sentence names the step where the keys first differ
            step = next(i for i, (x, y) in enumerate(zip(key_a, key_b, strict=True)) if x != y)
            removed = re.search(r"Après avoir retiré (\d+) mentions? majoritaires?", current.explanation)
            assert (int(removed.group(1)) if removed else 0) == step


def test_many_voters_mostly_without_opinion_like_a_hundred_fold_seminar():
    # 100× the demo: each item graded by a few voters, « Pas d'avis » from thousands, many identical items
    import random

    rng = random.Random(14)
    shapes = [[rng.randrange(0, 30) for _ in range(4)] for _ in range(10)]
    tallies = {item: [*shapes[item % 10], 3000 - sum(shapes[item % 10])] for item in range(40)}
    assert rank_majority_judgment(tallies) == _reference_ranking(tallies)
    ranked = explain_majority_judgment(tallies, {k: f"Solution {k}" for k in tallies})
    assert [r.rank for r in ranked[:4]] == [1, 1, 1, 1]  # the four copies of the best shape: ex æquo
