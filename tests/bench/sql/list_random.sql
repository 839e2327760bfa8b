-- pgbench ceiling of the list_random scenario: the statement PostgresPostRepository::list runs
-- for GET /api/v1/posts?page=P&size=20 by an anonymous client, at a random page of 1..:pages.
-- In steady state that is page_sql() without filters (adapters/postgres/src/postgres_post_repository.cpp),
-- the page alone: the feed's total behind meta.total is counted once per post generation by the
-- caching decorator and kept (post_total:<gen>, core/src/caching/caching_repositories.cpp), then
-- given to the adapter as PostQuery::known_total, so it is not per request and not part of this
-- ceiling. Parley binds :all_drafts = false, :draft_author = NULL, :limit and :offset; with
-- pgbench -M prepared the variables below are bound parameters too, except NULL (pgbench has no
-- NULL variable), which stays a literal. The page's tags come in the same statement (kPageTags).
-- run.sh runs this with plan_cache_mode=force_generic_plan, which Parley's PostgreSQL sessions
-- set for themselves (adapters/postgres/src/detail/connection.cpp; docs/performance.md, "The
-- pgbench list ceilings" and round 3).
\set page random(1, :pages)
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
