-- 0012_presence: who is in the room on the seminar day. A participant is present once checked in: when they
-- open their light ballot or posts page with their code, register on the spot, vote, or when organisers
-- mark them present on /admin. NULL: not (or no longer) checked in. « Clore quand tout le monde a voté »
-- waits for the present participants only.
ALTER TABLE participants ADD COLUMN checked_in_at TIMESTAMP;  -- UTC instant of the check-in
