-- 0011_point_order: a corrected point takes the place of the point it replaces. Points of one date are
-- ordered by `seq`: a point's own id, or, for a correction, the seq of the point it replaced (through any
-- chain of corrections). So replacing an older point of a date never makes it the action's latest point.
-- Every reader orders the points of a date by (reported_on, seq), never by id.
CREATE OR REPLACE VIEW progress_points AS
WITH RECURSIVE origin(id, seq) AS (
    SELECT u.id, u.id FROM progress_updates u
    WHERE NOT EXISTS (SELECT 1 FROM progress_withdrawals w WHERE w.replaced_by = u.id)
    UNION ALL
    SELECT w.replaced_by, o.seq FROM progress_withdrawals w JOIN origin o ON o.id = w.update_id
    WHERE w.replaced_by IS NOT NULL
)
SELECT u.*, o.seq
FROM progress_updates u
JOIN origin o ON o.id = u.id
WHERE NOT EXISTS (SELECT 1 FROM progress_withdrawals w WHERE w.update_id = u.id);
