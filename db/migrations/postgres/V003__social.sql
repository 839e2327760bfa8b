-- V003: the social graph (issue 7): profile images, post slugs, descriptions and tags, likes
-- with a per-post count, and follows.
--
-- Existing posts get the slug 'post-' || the last 8 hex digits of their id (the random tail of
-- a UUIDv7). Two existing posts can share that tail (32 random bits: expect a few pairs among a
-- few hundred thousand posts); of each such group the one with the smallest id keeps the short
-- slug and the others get 'post-' || all 32 hex digits of their id, unique because ids are.
-- New posts get make_slug(title, id) from the service.
--
-- Slugs and tags compare bytewise (COLLATE "C"): tags are returned "sorted (bytewise)" and
-- the popular tags break ties the same way whatever the database's default collation.
--
-- posts.like_count is kept by the adapter in the same statement as the likes row it counts
-- (insert-if-absent then +1, delete-if-present then -1), so reading a page of posts needs no
-- join or count over likes.
--
-- Which index serves which query: EXPLAIN ANALYZE of the adapter's list statements on 10k
-- users, 200k posts (one author with 20k, 5% drafts), 378k post_tags rows over 12 tags, 30k
-- follows (the reader follows 52 authors) and 100k likes, custom and generic plans:
--   feed (followed_by)        page: Index Only Scan on follows_pkey (follower_id), then per
--                             followee a (Bitmap) Index Scan on posts_author_created_at_idx and a
--                             top-N sort; or (custom plan) Index Scan on posts_created_at_id_idx
--                             in feed order probing follows_pkey through a Memoize, until the
--                             page is full. Total: the same per-followee index scans.
--   tag                       page: Index Scan on posts_created_at_id_idx in feed order, each
--                             post probed in post_tags_pkey (post_id, tag), until the page is
--                             full. Total: Bitmap Index Scan on post_tags_tag_idx hashed against
--                             posts (a tag on 1 post in 6 reads most of posts: the exact total
--                             costs a scan, like the unfiltered feed's).
--   cursor (after)            page: Index Scan on posts_created_at_id_idx with
--                             Index Cond ROW(created_at, id) < ROW($, $): starts at the cursor;
--                             with a feed, the row condition joins each followee's
--                             posts_author_created_at_idx Index Cond. The total ignores the cursor.
--   liked_by                  Bitmap Index Scan on likes_pkey (user_id), posts by posts_pkey.
--   author + tag              Index Scan on posts_author_created_at_idx probing post_tags.
--   find_by_slug              Index Scan using posts_slug_key.
--   a page's tags             Index Scan on post_tags_pkey (post_id = ANY ($)), already sorted.
--   popular tags              a scan of post_tags joined to published posts, grouped: in
--                             proportion to the tags (the core caches GET /tags).
-- Warm, on a loaded 2-core machine: the feed page 2-15 ms; the tag, cursor and unfiltered
-- lists 200-350 ms, nearly all of it the exact total's count (as for the unfiltered feed since
-- V001); popular tags about 0.7 s.

ALTER TABLE users ADD COLUMN image text NOT NULL DEFAULT '';

ALTER TABLE posts
  ADD COLUMN slug text COLLATE "C",
  ADD COLUMN description text NOT NULL DEFAULT '',
  ADD COLUMN like_count bigint NOT NULL DEFAULT 0,
  ADD CONSTRAINT posts_like_count_check CHECK (like_count >= 0);

UPDATE posts SET slug = 'post-' || right(replace(id::text, '-', ''), 8);
UPDATE posts SET slug = 'post-' || replace(posts.id::text, '-', '')
  FROM (SELECT id, row_number() OVER (PARTITION BY slug ORDER BY id) AS n FROM posts) AS ranked
  WHERE ranked.id = posts.id AND ranked.n > 1;
ALTER TABLE posts
  ALTER COLUMN slug SET NOT NULL,
  ADD CONSTRAINT posts_slug_key UNIQUE (slug);

-- A post's tags, replaced as a whole when the post is edited; the primary key also serves
-- loading the tags of a page of posts, already sorted.
CREATE TABLE post_tags (
  post_id uuid NOT NULL,
  tag     text COLLATE "C" NOT NULL,
  CONSTRAINT post_tags_pkey PRIMARY KEY (post_id, tag),
  CONSTRAINT post_tags_post_id_fkey FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE
);
-- The tag filter and popular tags; post_id makes it covering (index-only scans).
CREATE INDEX post_tags_tag_idx ON post_tags (tag, post_id);

CREATE TABLE likes (
  user_id    uuid        NOT NULL,
  post_id    uuid        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT likes_pkey PRIMARY KEY (user_id, post_id),
  CONSTRAINT likes_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT likes_post_id_fkey FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE
);
-- The cascade when a post is deleted.
CREATE INDEX likes_post_id_idx ON likes (post_id);

CREATE TABLE follows (
  follower_id uuid        NOT NULL,
  followee_id uuid        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT follows_pkey PRIMARY KEY (follower_id, followee_id),
  CONSTRAINT follows_follower_id_fkey FOREIGN KEY (follower_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT follows_followee_id_fkey FOREIGN KEY (followee_id) REFERENCES users (id) ON DELETE CASCADE
);
-- Followers of a user, and the cascade when one is deleted.
CREATE INDEX follows_followee_id_idx ON follows (followee_id);
