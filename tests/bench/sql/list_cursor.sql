-- pgbench ceiling of the list_cursor scenario: the statement PostgresPostRepository::list runs
-- for GET /api/v1/posts?after=C&size=20 by an anonymous client, resuming after a cursor picked
-- at random from the pool the Lua script uses (run.sh loads each cursor's created_at and id into
-- bench_cursors). In steady state that is page_sql() with the cursor filter kAfter
-- (adapters/postgres/src/postgres_post_repository.cpp), the page alone: the feed's total behind
-- meta.total is counted once per post generation by the caching decorator and kept, so it is
-- not per request and not part of this ceiling (see list_random.sql). Parameters as in
-- list_random.sql: bound with pgbench -M prepared, except NULL, which stays a literal; :offset
-- is 0, as Parley binds it with a cursor. The two cursor values come from a primary-key lookup
-- in a subquery (pgbench has no string variables from a file); that lookup is part of this
-- ceiling, as in get_post.sql; so are the page's tags, read in the same statement (kPageTags);
-- the page's authors, which Parley reads through its cache, are not. Run with plan_cache_mode=force_generic_plan like the other list
-- ceilings (see docs/performance.md, "The pgbench list ceilings").
\set n random(1, :cursors)
\set all_drafts 0
\set limit 20
\set offset 0
SELECT page.id, page.author_id, page.slug, page.title, page.description, page.body,
       page.is_published, epoch_millis(page.created_at), epoch_millis(page.updated_at),
       page.like_count,
       (SELECT string_agg(t.tag, ',' ORDER BY t.tag) FROM post_tags AS t WHERE t.post_id = page.id)
FROM (SELECT p.id, p.author_id, p.slug, p.title, p.description, p.body, p.is_published,
             p.created_at, p.updated_at, p.like_count FROM posts AS p
      WHERE (p.is_published OR :all_drafts OR p.author_id = NULL)
        AND (p.created_at, p.id) < (CAST((SELECT at FROM bench_cursors WHERE n = :n) AS timestamptz),
                                    CAST((SELECT id FROM bench_cursors WHERE n = :n) AS uuid))
      ORDER BY p.created_at DESC, p.id DESC LIMIT :limit OFFSET :offset) AS page
ORDER BY page.created_at DESC, page.id DESC;
