"""Rounds and ballots on real DuckDB files: rules, locking, one-transaction ballots, results, concurrency."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest

from labo_dash import clock, db, participants, results, rounds, voting
from labo_dash.access import ANONYMOUS, ORGANISER, PARTICIPANT, PARTNER, Actor
from labo_dash.errors import NotFound, PermissionDenied, ValidationError
from labo_dash.rounds import RoundRules

ORGANISER_ACTOR = Actor(ORGANISER, "Hélène")
VOTER = Actor(PARTICIPANT, "participant·e")


def challenge_ids(con) -> list[int]:
    return [row.id for row in rounds.candidate_items(con, "challenges")]


def solution_ids(con) -> list[int]:
    return [row.id for row in rounds.candidate_items(con, "solutions")]


def open_new_round(con, **rules) -> int:
    target = rules.get("target", "challenges")
    items = challenge_ids(con) if target == "challenges" else solution_ids(con)
    round_id = rounds.create_round(con, ORGANISER_ACTOR, RoundRules(title="Test", **rules), items)
    rounds.set_status(con, ORGANISER_ACTOR, round_id, "open")
    return round_id


def codes(con, n: int) -> list[str]:
    return [row["code"] for row in db.query(con, "SELECT code FROM participants ORDER BY id LIMIT ?", [n])]


def ballot_rows(con, round_id: int) -> int:
    return db.query(con, "SELECT count(*) AS n FROM ballots WHERE round_id = ?", [round_id])[0]["n"]


def test_round_lifecycle_and_one_open_round(con):
    items = challenge_ids(con)
    first = rounds.create_round(con, ORGANISER_ACTOR, RoundRules("Premier tour"), items[:4])
    assert rounds.get_round(con, first).status == "draft"
    assert [i.id for i in rounds.round_items(con, first)] == items[:4]
    rounds.set_status(con, ORGANISER_ACTOR, first, "open")
    assert rounds.open_round(con).id == first
    second = rounds.create_round(con, ORGANISER_ACTOR, RoundRules("Second tour"), items[:3])
    with pytest.raises(ValidationError, match="encore ouvert"):
        rounds.set_status(con, ORGANISER_ACTOR, second, "open")
    rounds.set_status(con, ORGANISER_ACTOR, first, "closed")
    rounds.set_status(con, ORGANISER_ACTOR, second, "open")
    assert rounds.projected_round(con).id == second
    log = db.query(con, "SELECT operation FROM audit_log WHERE entity = 'rounds' ORDER BY id")
    operations = [r["operation"] for r in log]
    assert operations == ["create", "open", "create", "closed", "open"]


def test_bad_rules_are_refused_with_a_message_per_field(con):
    with pytest.raises(ValidationError) as refused:
        rounds.create_round(
            con, ORGANISER_ACTOR, RoundRules(" ", method="dots", dots_per_voter=2, max_per_item=3), [1]
        )
    assert set(refused.value.fields) == {"title", "max_per_item", "items"}
    with pytest.raises(ValidationError, match="n'existent plus"):
        rounds.create_round(con, ORGANISER_ACTOR, RoundRules("Tour"), [1, 999])
    assert db.query(con, "SELECT count(*) AS n FROM rounds")[0]["n"] == 2  # the demo's two rounds only


def test_only_organisers_manage_rounds(con):
    for role in (PARTICIPANT, PARTNER, ANONYMOUS):
        with pytest.raises(PermissionDenied):
            rounds.create_round(con, Actor(role, "x"), RoundRules("Tour"), challenge_ids(con))
    with pytest.raises(PermissionDenied):
        voting.submit_ballot(con, Actor(PARTNER, "x"), 1, codes(con, 1)[0], {})


def test_rules_lock_once_a_ballot_exists(con):
    round_id = open_new_round(con)
    items = challenge_ids(con)
    rounds.update_round(con, ORGANISER_ACTOR, round_id, RoundRules("Renommé", dots_per_voter=2), items)
    voting.submit_ballot(con, VOTER, round_id, codes(con, 1)[0], {items[0]: (1, False)})
    with pytest.raises(ValidationError, match="verrouillées"):
        rounds.update_round(con, ORGANISER_ACTOR, round_id, RoundRules("Autre", dots_per_voter=3), items)
    assert rounds.get_round(con, round_id).dots_per_voter == 2


def test_dot_ballot_rules(con):
    round_id = open_new_round(con, dots_per_voter=3, max_per_item=2)
    a, b, c, d = challenge_ids(con)[:4]
    code = codes(con, 1)[0]
    with pytest.raises(ValidationError, match="4 gommettes alors que vous en avez 3"):
        voting.submit_ballot(con, VOTER, round_id, code, {a: (2, False), b: (2, False)})
    with pytest.raises(ValidationError, match="Au plus 2 gommettes"):
        voting.submit_ballot(con, VOTER, round_id, code, {a: (3, False)})
    with pytest.raises(ValidationError, match="aucune gommette"):
        voting.submit_ballot(con, VOTER, round_id, code, {})
    with pytest.raises(ValidationError, match="solutions"):
        voting.submit_ballot(con, VOTER, round_id, code, {a: (1, True)})
    with pytest.raises(ValidationError, match="absents de ce vote"):
        voting.submit_ballot(con, VOTER, round_id, code, {99_999: (1, False)})
    assert ballot_rows(con, round_id) == 0
    typed = f" {code[:4].lower()}-{code[4:]} "  # case, spaces and dashes are ignored
    receipt = voting.submit_ballot(con, VOTER, round_id, typed, {a: (2, False), c: (1, False)})
    assert receipt.changed
    assert voting.current_ballot(con, round_id, 1) == {a: (2, False), c: (1, False)}
    table = results.round_results(con, round_id)
    assert table.iloc[0]["item_id"] == a and table.iloc[0]["value"] == 2 and table.iloc[1]["item_id"] == c
    assert d not in voting.current_ballot(con, round_id, 1)


def test_resubmitting_the_same_ballot_writes_nothing_and_changes_are_appended(con):
    round_id = open_new_round(con)
    a, b, c = challenge_ids(con)[:3]
    code = codes(con, 1)[0]
    first = voting.submit_ballot(con, VOTER, round_id, code, {a: (1, False), b: (1, False)})
    again = voting.submit_ballot(con, VOTER, round_id, code, {b: (1, False), a: (1, False), c: (0, False)})
    assert first.changed and not again.changed and again.ballot_id == first.ballot_id
    assert ballot_rows(con, round_id) == 1
    changed = voting.submit_ballot(con, VOTER, round_id, code, {c: (1, False)})
    assert changed.changed and ballot_rows(con, round_id) == 2
    totals = dict(zip(*(results.round_results(con, round_id)[k] for k in ("item_id", "value")), strict=True))
    assert totals[c] == 1 and totals[a] == 0 and totals[b] == 0
    assert results.turnout(con, round_id).voters == 1
    audit = db.query(con, "SELECT operation FROM audit_log WHERE entity = 'ballots' ORDER BY id")
    assert [r["operation"] for r in audit] == ["submit", "change"]


def test_wrong_code_and_closed_round_are_refused(con):
    round_id = open_new_round(con)
    item = challenge_ids(con)[0]
    with pytest.raises(NotFound, match="Code inconnu"):
        voting.submit_ballot(con, VOTER, round_id, "ZZZZZZZZ", {item: (1, False)})
    rounds.set_status(con, ORGANISER_ACTOR, round_id, "closed")
    with pytest.raises(ValidationError, match="clos"):
        voting.submit_ballot(con, VOTER, round_id, codes(con, 1)[0], {item: (1, False)})
    draft = rounds.create_round(con, ORGANISER_ACTOR, RoundRules("Brouillon"), challenge_ids(con))
    with pytest.raises(ValidationError, match="pas encore ouvert"):
        voting.submit_ballot(con, VOTER, draft, codes(con, 1)[0], {item: (1, False)})
    assert ballot_rows(con, round_id) == ballot_rows(con, draft) == 0


def test_majority_judgment_ballots_no_opinion_and_contribute(con):
    round_id = open_new_round(con, target="solutions", method="majority_judgment")
    items = solution_ids(con)
    people = codes(con, 3)
    with pytest.raises(ValidationError, match="aucune mention"):
        voting.submit_ballot(con, VOTER, round_id, people[0], {})
    with pytest.raises(ValidationError, match="mention de ce bulletin est inconnue"):
        voting.submit_ballot(con, VOTER, round_id, people[0], {items[0]: (6, False)})
    voting.submit_ballot(con, VOTER, round_id, people[0], {items[0]: (0, True), items[1]: (5, False)})
    voting.submit_ballot(con, VOTER, round_id, people[1], {items[0]: (1, False), items[1]: (4, False)})
    voting.submit_ballot(con, VOTER, round_id, people[2], {items[0]: (0, True)})
    saved = voting.current_ballot(con, round_id, 1)
    assert saved[items[0]] == (0, True) and saved[items[1]] == (5, False) and len(saved) == len(items)
    table = results.round_results(con, round_id).set_index("item_id")
    assert table.loc[items[0], "score"] == "Excellent" and table.loc[items[0], "rank"] == 1
    assert table.loc[items[0], "volunteers"] == 2
    assert table.loc[items[1], "score"] == "Insuffisant"  # "Pas d'avis" counts as the lowest grade
    profile = results.merit_profiles(con, round_id)
    second = profile[profile["item_id"] == items[1]].set_index("grade")["count"]
    assert second["Insuffisant"] == 1 and second["Pas d'avis"] == 2
    assert profile.groupby("item_id")["count"].sum().eq(3).all()
    names = results.volunteers(con, round_id)
    assert len(names) == 2 and set(names["item_id"]) == {items[0]}


def test_approval_results_and_split_by_kind(con):
    round_id = open_new_round(con, method="approval")
    a, b = challenge_ids(con)[:2]
    people = db.query(con, "SELECT code, kind FROM participants ORDER BY id LIMIT 4")
    for person in people:
        voting.submit_ballot(con, VOTER, round_id, person["code"], {a: (1, False)})
    voting.submit_ballot(con, VOTER, round_id, people[0]["code"], {a: (1, False), b: (1, False)})
    table = results.round_results(con, round_id).set_index("item_id")
    assert table.loc[a, "value"] == 4 and table.loc[a, "share"] == 1.0 and table.loc[b, "value"] == 1
    split = results.split_by_kind(con, round_id)
    assert split.groupby("kind")["voters"].first().sum() == 4
    shares = results.support_shares(con, round_id)
    assert shares[a] == pytest.approx(0.8) and sum(shares.values()) == pytest.approx(1.0)


def test_demo_results_are_full(con):
    dots, mj = (r.id for r in sorted(rounds.list_rounds(con), key=lambda r: r.id))
    assert results.turnout(con, dots).sentence() == "68 votant·e·s sur 80 inscrit·e·s"
    table = results.round_results(con, dots)
    assert table["tied"].sum() == 2 and table["value"].sum() == 201
    mj_table = results.round_results(con, mj)
    assert mj_table["rank"].tolist() == list(range(1, 16)) and mj_table["explanation"].iloc[1]
    spread = results.objective_spread(con, dots)
    assert len(spread) == 5 and spread["support"].sum() == pytest.approx(1.0)


def test_select_challenges(con):
    ids = challenge_ids(con)[:3]
    rounds.select_challenges(con, ORGANISER_ACTOR, ids)
    selected = db.query(con, "SELECT id FROM challenges WHERE selected ORDER BY id")
    assert [r["id"] for r in selected] == ids
    rounds.select_challenges(con, ORGANISER_ACTOR, ids)  # unchanged: no second audit record
    assert db.query(con, "SELECT count(*) AS n FROM audit_log WHERE entity = 'challenges'")[0]["n"] == 1


def test_visibility_and_reveal(con):
    round_id = open_new_round(con, results_visibility="hidden")
    assert not rounds.results_visible(rounds.get_round(con, round_id))
    with pytest.raises(ValidationError, match="clôturez-le"):
        rounds.set_visibility(con, ORGANISER_ACTOR, round_id, "hidden", revealed=True)
    rounds.set_status(con, ORGANISER_ACTOR, round_id, "closed")
    rounds.set_visibility(con, ORGANISER_ACTOR, round_id, "hidden", revealed=True)
    assert rounds.results_visible(rounds.get_round(con, round_id))
    rounds.set_status(con, ORGANISER_ACTOR, round_id, "open")  # reopened: hidden again while people vote
    assert not rounds.results_visible(rounds.get_round(con, round_id))


def all_at_once(vote: Callable[[Any], None], people: list[Any]) -> None:
    """Run ``vote(person)`` for every person in its own thread, all released at once; re-raise a failure."""
    barrier = threading.Barrier(len(people))
    failures: list[BaseException] = []

    def run(person: Any) -> None:
        try:
            barrier.wait()
            vote(person)
        except BaseException as exc:  # collected and re-raised in the main thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures[:3]


@pytest.mark.slow
def test_200_concurrent_voters_submit_and_resubmit(con):
    """200 threads vote at once, change their ballot, then resend it: one current ballot each, none lost."""
    round_id = open_new_round(con, dots_per_voter=2, max_per_item=1)
    items = challenge_ids(con)
    needed = 200 - db.query(con, "SELECT count(*) AS n FROM participants")[0]["n"]
    rows = "\n".join(f"Votant {i};Structure {i};PTCE;Bretagne" for i in range(needed))
    participants.import_participants(
        con, ORGANISER_ACTOR, f"nom;structure;type de participant;territoire\n{rows}\n".encode(), "p.csv"
    )
    people = db.query(con, "SELECT id, code FROM participants ORDER BY id")
    assert len(people) == 200
    final = {p["id"]: {items[p["id"] % 10]: (1, False), items[(p["id"] + 3) % 10]: (1, False)}
             for p in people}

    def vote(person):
        voting.submit_ballot(con, VOTER, round_id, person["code"], {items[0]: (1, False)})
        voting.submit_ballot(con, VOTER, round_id, person["code"], final[person["id"]])
        again = voting.submit_ballot(con, VOTER, round_id, person["code"], final[person["id"]])
        assert not again.changed

    all_at_once(vote, people)
    assert results.turnout(con, round_id).voters == 200
    changed = sum(1 for p in people if set(final[p["id"]]) != {items[0]})
    assert ballot_rows(con, round_id) == 200 + changed
    for person in people:
        assert voting.current_ballot(con, round_id, person["id"]) == final[person["id"]]
    expected = {item: 0 for item in items}
    for ballot in final.values():
        for item in ballot:
            expected[item] += 1
    totals = results.round_results(con, round_id).set_index("item_id")["value"].to_dict()
    assert totals == expected and sum(totals.values()) == 400


def tied_majority_round(con) -> tuple[int, list[int]]:
    """A majority-judgment round on four défis: the first three get identical merit profiles."""
    items = challenge_ids(con)[:4]
    round_id = rounds.create_round(
        con, ORGANISER_ACTOR, RoundRules(title="Égalités", method="majority_judgment"), items
    )
    rounds.set_status(con, ORGANISER_ACTOR, round_id, "open")
    for code, (same, fourth) in zip(codes(con, 3), [(0, 3), (1, 2), (0, 4)], strict=True):
        choices = {item: (same, False) for item in items[:3]} | {items[3]: (fourth, False)}
        voting.submit_ballot(con, VOTER, round_id, code, choices)
    return round_id, items


def test_tied_majority_judgment_items_share_their_rank(con):
    # Issue 12, fault 6: three identical merit profiles are one tie (« 1. 1. 1. 4. »), not 1, 2, 3.
    round_id, items = tied_majority_round(con)
    table = results.round_results(con, round_id)
    assert table["item_id"].tolist() == items and table["rank"].tolist() == [1, 1, 1, 4]
    assert table["tied"].tolist() == [True, True, True, False]
    assert "ex æquo" in table["explanation"].iloc[2]
    assert results.ranking(con, round_id).to_dict("list") == {
        "item_id": items, "rank": [1, 1, 1, 4], "tied": [True, True, True, False],
    }
    profile = results.merit_profiles(con, round_id).drop_duplicates("item_id")
    assert profile["item_id"].tolist() == items and profile["rank"].tolist() == [1, 1, 1, 4]
    assert profile["tied"].tolist() == [True, True, True, False]


def test_tied_dots_share_their_rank(con):
    round_id = open_new_round(con, method="dots", dots_per_voter=2)
    a, b, c = challenge_ids(con)[:3]
    for code, chosen in zip(codes(con, 3), [(a, b), (a, b), (c, a)], strict=True):
        voting.submit_ballot(con, VOTER, round_id, code, {item: (1, False) for item in chosen})
    ranked = results.ranking(con, round_id).set_index("item_id")
    assert (ranked.loc[a, "rank"], ranked.loc[b, "rank"], ranked.loc[c, "rank"]) == (1, 2, 3)
    others = ranked.drop(index=[a, b, c])
    assert set(others["rank"]) == {4} and others["tied"].all() and not ranked.loc[[a, b, c], "tied"].any()
# --- The timed vote: a ballot after the countdown's end is refused (injected clock) ----------------------


def test_a_timed_round_accepts_a_ballot_just_before_its_end_and_refuses_one_after(con):
    start = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)
    round_id = rounds.create_round(con, ORGANISER_ACTOR, RoundRules("Minuté"), challenge_ids(con))
    ends = rounds.start_countdown(con, ORGANISER_ACTOR, round_id, dt.timedelta(minutes=2), now=start)
    first, second = codes(con, 2)
    item = challenge_ids(con)[0]
    receipt = voting.submit_ballot(con, VOTER, round_id, first, {item: (1, False)},
                                   now=ends - dt.timedelta(seconds=1))
    assert receipt.changed
    for late in (ends, ends + dt.timedelta(seconds=1)):  # the end itself is already too late
        with pytest.raises(ValidationError, match="Ce vote est clos"):
            voting.submit_ballot(con, VOTER, round_id, second, {item: (1, False)}, now=late)
    assert ballot_rows(con, round_id) == 1  # the refused ballots wrote nothing
    # nobody closed the round yet: the refusal does not wait for it
    assert db.query(con, "SELECT status FROM rounds WHERE id = ?", [round_id])[0]["status"] == "open"


def test_a_ballot_on_a_round_past_its_end_is_refused_with_the_real_clock(con):
    round_id = rounds.create_round(con, ORGANISER_ACTOR, RoundRules("Minuté"), challenge_ids(con))
    rounds.start_countdown(con, ORGANISER_ACTOR, round_id, dt.timedelta(seconds=5),
                           now=clock.now() - dt.timedelta(seconds=6))
    with pytest.raises(ValidationError, match="Ce vote est clos"):
        voting.submit_ballot(con, VOTER, round_id, codes(con, 1)[0], {challenge_ids(con)[0]: (1, False)})
    assert ballot_rows(con, round_id) == 0


def test_more_ballots_at_once_than_pooled_connections_all_go_through(con):
    """Issue 17: on PostgreSQL the ballot's transaction read the seminar's time zone through the connection's
    pool; with every pooled connection held by ballots waiting for the first one's lock, that read waited out
    the pool's timeout and the ballots failed. 24 at once (a pool holds 8) are all recorded, at once."""
    round_id = open_new_round(con, dots_per_voter=1, max_per_item=1)
    items = challenge_ids(con)
    people = db.query(con, "SELECT id, code FROM participants ORDER BY id LIMIT 24")
    receipts: list[voting.Receipt] = []

    def vote(person):
        receipts.append(voting.submit_ballot(con, VOTER, round_id, person["code"], {items[0]: (1, False)}))

    all_at_once(vote, people)
    assert len(receipts) == 24 and all(r.changed for r in receipts)
    assert results.turnout(con, round_id).voters == 24
