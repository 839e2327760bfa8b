-- pgbench ceiling of the list_random scenario: the statement PostgresPostRepository::list runs
-- for GET /api/v1/posts?page=P&size=20 by an anonymous client (list_sql() without filters in
-- adapters/postgres/src/postgres_post_repository.cpp), at a random page of 1..:pages.
-- Parley binds :all_drafts = false and :draft_author = NULL; here they are literals. Parley then
-- loads the page's tags in one more statement (kSelectTags), which this ceiling leaves out.
\set page random(1, :pages)
SELECT page.id, page.author_id, page.slug, page.title, page.description, page.body,
       page.is_published, epoch_millis(page.created_at), epoch_millis(page.updated_at),
       page.like_count, matches.total
FROM (SELECT count(*) AS total FROM posts AS p
      WHERE (p.is_published OR false OR p.author_id = NULL)) AS matches
LEFT JOIN (SELECT p.id, p.author_id, p.slug, p.title, p.description, p.body, p.is_published,
                  p.created_at, p.updated_at, p.like_count FROM posts AS p
           WHERE (p.is_published OR false OR p.author_id = NULL)
           ORDER BY p.created_at DESC, p.id DESC LIMIT 20 OFFSET (:page - 1) * 20) AS page ON true
ORDER BY page.created_at DESC, page.id DESC;
