-- The rows a support writes, as the support path writes them (consult/ideas/operations.py):
-- the person's participation, the support, the idea's counter, then the challenge's
-- counter: its own row (one_row.sql, before issue 17) or the person's slot of 16
-- (slots.sql, now). Run by the commands in bench/README.md, « One challenge's supports ».
CREATE TABLE participations (user_id int PRIMARY KEY, supports_used int NOT NULL DEFAULT 0);
INSERT INTO participations SELECT g, 0 FROM generate_series(1, 100000) g;
CREATE TABLE ideas (id int PRIMARY KEY, supports_count int NOT NULL DEFAULT 0, title text,
                    body text);
INSERT INTO ideas SELECT g, 0, 'titre', repeat('x', 300) FROM generate_series(1, 2000) g;
CREATE TABLE supports (id bigserial PRIMARY KEY, idea_id int NOT NULL, user_id int NOT NULL,
                       UNIQUE (idea_id, user_id));
CREATE TABLE challenges (id int PRIMARY KEY, supports_count int NOT NULL DEFAULT 0);
INSERT INTO challenges VALUES (1, 0);
CREATE TABLE challenge_counters (challenge_id int, slot smallint, supports int NOT NULL DEFAULT 0,
                                 PRIMARY KEY (challenge_id, slot));
