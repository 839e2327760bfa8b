-- pgbench ceiling of the create_post scenario: kInsertPost with a ~500-byte body by a seeded
-- author (:author). Parley also checks the author and the rate limit (Redis) and bumps the
-- list cache's generation; those are not part of this ceiling.
INSERT INTO posts (id, author_id, title, body, is_published, created_at, updated_at)
VALUES (gen_random_uuid(), :author, 'Bench post',
        repeat('parley bench request thread latency socket buffer record garden river ', 7),
        true, now(), now());
