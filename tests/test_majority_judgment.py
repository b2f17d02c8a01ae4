"""Majority judgment: the brief's rules, its worked example, tie-breaks, and properties (hypothesis)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    assert "même mention majoritaire (Bien)" in ranked[1].explanation
    assert "le p de « Défi A » (50\u00a0%)" in ranked[1].explanation
    assert "Passable" in ranked[2].explanation and "meilleure" in ranked[2].explanation


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
    assert "après avoir retiré 2 mentions majoritaires" in sentence


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
