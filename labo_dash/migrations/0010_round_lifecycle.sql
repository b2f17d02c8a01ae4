-- 0010_round_lifecycle: rehearsal rounds, archived rounds, the timed vote and the reference round for support.
-- DuckDB cannot add a NOT NULL column to a table that others reference: the flags default to false instead.

-- A rehearsal (« tour d'essai ») never feeds support, reports or exports.
ALTER TABLE rounds ADD COLUMN rehearsal BOOLEAN DEFAULT false;
-- An archived round is hidden everywhere and kept (with its ballots and its audit trail).
ALTER TABLE rounds ADD COLUMN archived_at TIMESTAMP;
-- The timed vote: the UTC instant the countdown ends; the round takes no ballot from then on.
ALTER TABLE rounds ADD COLUMN closes_at TIMESTAMP;
-- « Clore quand tout le monde a voté »: closes once every participant holding a code has a ballot.
ALTER TABLE rounds ADD COLUMN close_when_all_voted BOOLEAN DEFAULT false;

-- The round on défis that organisers chose as the source of support (NULL: none chosen yet).
ALTER TABLE seminars ADD COLUMN reference_round_id INTEGER;
