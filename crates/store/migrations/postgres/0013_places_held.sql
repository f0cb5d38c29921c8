-- The mentor places a relationship holds, on the mentor's membership: taken when the
-- relationship is made (an accepted request, a matching round, staff), given back when it
-- closes or the mentor leaves. Kept side by side with the other database's
-- 0013_places_held.sql.
ALTER TABLE relationship_members ADD COLUMN places INTEGER NOT NULL DEFAULT 0;
-- Places already taken: one by the mentor of each accepted request's open relationship…
UPDATE relationship_members SET places = 1
 WHERE role = 'mentor' AND left_at IS NULL
   AND relationship_id IN (SELECT id FROM relationships WHERE request_id IS NOT NULL AND phase <> 'closed');
-- …and one a mentee by the mentor of each open relationship a matching round published.
UPDATE relationship_members SET places = (
    SELECT COUNT(*) FROM relationship_members e
     WHERE e.relationship_id = relationship_members.relationship_id AND e.role = 'mentee')
 WHERE role = 'mentor' AND left_at IS NULL
   AND relationship_id IN (SELECT relationship_id FROM matching_round_pairs WHERE relationship_id IS NOT NULL)
   AND relationship_id IN (SELECT id FROM relationships WHERE phase <> 'closed');
