"""Voting rounds: rules, item lists, open/close, results visibility and reveal, lifecycle, défis selected.

A round has a method (dots, majority judgment, approval), an ordered item list (défis or solutions), a
state (draft -> open -> closed; a closed round may be reopened; one round at most is open per seminar)
and a results visibility (live, or hidden until organisers reveal them after the close). Its rules and
items lock once the first ballot exists.

Lifecycle (domain brief §4): a round may be a rehearsal (« tour d'essai »: never used for support,
reports or exports), archived (hidden everywhere, kept with its ballots and audit trail), duplicated
(same rules and items, new title, in preparation) or deleted while it has no ballot. Organisers choose
the round on défis that gives support (the reference round, ``seminars.reference_round_id``; read by
:func:`labo_dash.signature.support_round`).

Timed vote: :func:`start_countdown` opens a round until ``closes_at`` (a UTC instant). From that instant
on a ballot is refused (:mod:`labo_dash.voting` checks it in the ballot's transaction); the round is
closed lazily, by :func:`close_due_rounds`, which every read of rounds here runs first, so a round past
its end always reads closed. With « clore quand tout le monde a voté », it also closes once every
PRESENT participant (checked in today, :mod:`labo_dash.participants`: a registered person who did not
come, or came only to yesterday's rehearsal, never holds the vote open) has a ballot in the round, with
at least one present (:func:`present_votes` counts them). Times come from :func:`labo_dash.clock.now`
(aware UTC), which the domain functions take as a ``now`` parameter so that tests inject the clock.

The package's public names are re-exported here (callers write ``rounds.create_round``); each lives in the
module of its concern:

- :mod:`~labo_dash.rounds.rules`: the rules and items, their validation (every fault at once), create,
  change, the défis selected for the afternoon;
- :mod:`~labo_dash.rounds.state`: open and close, the timed vote, the results visibility, the lazy close;
- :mod:`~labo_dash.rounds.lifecycle`: rehearsal, duplicate, archive, delete, reference round;
- :mod:`~labo_dash.rounds.reading`: one round, the list, the open and projected rounds, a round's items.
"""

from labo_dash.rounds.lifecycle import (
    REFERENCE_FIRST,
    delete_round,
    duplicate_round,
    set_archived,
    set_reference_round,
    set_rehearsal,
)
from labo_dash.rounds.reading import (
    RoundItem,
    RoundSummary,
    get_round,
    list_rounds,
    open_round,
    projected_round,
    results_visible,
    round_items,
    waiting_message,
)
from labo_dash.rounds.rules import (
    METHODS,
    REFUSED,
    STATUSES,
    TARGETS,
    TITLE_MAX,
    VISIBILITIES,
    CandidateItem,
    Round,
    RoundRules,
    RoundStatus,
    TypedRules,
    Visibility,
    VotingMethod,
    candidate_items,
    create_round,
    round_row,
    rule_errors,
    select_challenges,
    typed_rules,
    update_round,
    validate_rules,
)
from labo_dash.rounds.state import (
    AUTO_CLOSE,
    COUNTDOWN_MAX,
    COUNTDOWN_MIN,
    PresentVotes,
    close_due_rounds,
    countdown_over,
    present_votes,
    remaining_seconds,
    remaining_text,
    set_status,
    set_visibility,
    start_countdown,
)

__all__ = [
    "AUTO_CLOSE",
    "COUNTDOWN_MAX",
    "COUNTDOWN_MIN",
    "METHODS",
    "REFERENCE_FIRST",
    "REFUSED",
    "STATUSES",
    "TARGETS",
    "TITLE_MAX",
    "VISIBILITIES",
    "CandidateItem",
    "PresentVotes",
    "Round",
    "RoundItem",
    "RoundRules",
    "RoundStatus",
    "RoundSummary",
    "TypedRules",
    "Visibility",
    "VotingMethod",
    "candidate_items",
    "close_due_rounds",
    "countdown_over",
    "create_round",
    "delete_round",
    "duplicate_round",
    "get_round",
    "list_rounds",
    "open_round",
    "present_votes",
    "projected_round",
    "remaining_seconds",
    "remaining_text",
    "results_visible",
    "round_items",
    "round_row",
    "rule_errors",
    "select_challenges",
    "set_archived",
    "set_reference_round",
    "set_rehearsal",
    "set_status",
    "set_visibility",
    "start_countdown",
    "typed_rules",
    "update_round",
    "validate_rules",
    "waiting_message",
]
