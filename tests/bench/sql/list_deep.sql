-- pgbench ceiling of the list_deep scenario: as list_random.sql (the page alone; the feed's
-- total is counted once per post generation and kept, not per request), at a random page among
-- the deepest tenth (the same range as scenarios/list_deep.lua).
\set first greatest(1, :pages - :pages / 10)
\set page random(:first, :pages)
\set all_drafts 0
\set limit 20
\set offset (:page - 1) * 20
SELECT page.id, page.author_id, page.slug, page.title, page.description, page.body,
       page.is_published, epoch_millis(page.created_at), epoch_millis(page.updated_at),
       page.like_count,
       (SELECT string_agg(t.tag, ',' ORDER BY t.tag) FROM post_tags AS t WHERE t.post_id = page.id)
FROM (SELECT p.id, p.author_id, p.slug, p.title, p.description, p.body, p.is_published,
             p.created_at, p.updated_at, p.like_count FROM posts AS p
      WHERE (p.is_published OR :all_drafts OR p.author_id = NULL)
      ORDER BY p.created_at DESC, p.id DESC LIMIT :limit OFFSET :offset) AS page
ORDER BY page.created_at DESC, page.id DESC;
