-- pgbench ceiling of the list_random scenario: the statement PostgresPostRepository::list runs
-- for GET /api/v1/posts?page=P&size=20 by an anonymous client (kListPosts in
-- adapters/postgres/src/postgres_post_repository.cpp), at a random page of 1..:pages.
-- Parley binds :all_drafts = false and :draft_author = NULL; here they are literals.
\set page random(1, :pages)
SELECT page.id, page.author_id, page.title, page.body, page.is_published,
       epoch_millis(page.created_at), epoch_millis(page.updated_at), matches.total
FROM (SELECT count(*) AS total FROM posts
      WHERE is_published OR false OR author_id = NULL) AS matches
LEFT JOIN (SELECT id, author_id, title, body, is_published, created_at, updated_at FROM posts
           WHERE is_published OR false OR author_id = NULL
           ORDER BY created_at DESC, id DESC LIMIT 20 OFFSET (:page - 1) * 20) AS page ON true
ORDER BY page.created_at DESC, page.id DESC;
