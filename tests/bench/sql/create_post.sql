-- pgbench ceiling of the create_post scenario: kInsertPost (the post and its tags, here none)
-- with a ~500-byte body by a seeded author (:author); the slug is 'bench-post-' and the id's 32
-- hex digits, unique as the slug must be. Parley also checks the author and the rate limit
-- (Redis) and bumps the list cache's generation; those are not part of this ceiling.
WITH new_post AS (SELECT gen_random_uuid() AS id),
inserted AS (
  INSERT INTO posts (id, author_id, slug, title, description, body, is_published, created_at, updated_at)
  SELECT id, :author, 'bench-post-' || replace(CAST(id AS text), '-', ''), 'Bench post', '',
         repeat('parley bench request thread latency socket buffer record garden river ', 7),
         true, now(), now()
  FROM new_post
  RETURNING id)
INSERT INTO post_tags (post_id, tag)
SELECT DISTINCT inserted.id, t.tag FROM inserted CROSS JOIN unnest(CAST('{}' AS text[])) AS t(tag);
