-- pgbench ceiling of the list_deep scenario: as list_random.sql, at a random page among the
-- deepest tenth (the same range as scenarios/list_deep.lua).
\set first greatest(1, :pages - :pages / 10)
\set page random(:first, :pages)
\set all_drafts 0
\set limit 20
\set offset (:page - 1) * 20
SELECT page.id, page.author_id, page.title, page.body, page.is_published,
       epoch_millis(page.created_at), epoch_millis(page.updated_at), matches.total
FROM (SELECT count(*) AS total FROM posts
      WHERE is_published OR :all_drafts OR author_id = NULL) AS matches
LEFT JOIN (SELECT id, author_id, title, body, is_published, created_at, updated_at FROM posts
           WHERE is_published OR :all_drafts OR author_id = NULL
           ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset) AS page ON true
ORDER BY page.created_at DESC, page.id DESC;
