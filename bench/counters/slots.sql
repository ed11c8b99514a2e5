\set u random(1, 100000)
\set i random(1, 2000)
BEGIN;
UPDATE participations SET supports_used = supports_used + 1 WHERE user_id = :u;
INSERT INTO supports (idea_id, user_id) VALUES (:i, :u) ON CONFLICT DO NOTHING;
UPDATE ideas SET supports_count = supports_count + 1 WHERE id = :i;
INSERT INTO challenge_counters VALUES (1, :u % 16, 1) ON CONFLICT (challenge_id, slot) DO UPDATE SET supports = challenge_counters.supports + 1;
COMMIT;
