-- V003: the social graph (issue 7): profile images, post slugs, descriptions and tags, likes
-- with a per-post count, and follows.
--
-- Existing posts get the slug 'post-' || the last 8 hex digits of their id (the random tail of
-- a UUIDv7). Two existing posts can share that tail (32 random bits: expect a few pairs among a
-- few hundred thousand posts); of each such group the one with the smallest id keeps the short
-- slug and the others get 'post-' || all 32 hex digits of their id, unique because ids are.
-- New posts get make_slug(title, id) from the service.
--
-- posts.like_count is kept by the adapter in the same transaction as the likes row it counts
-- (insert-if-absent then +1, delete-if-present then -1), so reading a page of posts needs no
-- join or count over likes.
--
-- Which index serves which query (EXPLAIN QUERY PLAN on 5k users, 100k posts, 150k tags):
--   feed (author_id IN followees)  follows' primary key gives the followees, then
--                                  posts_author_created_at_idx per followee; the page is sorted
--                                  from those posts (a temp b-tree)
--   tag filter                     post_tags_tag_idx (tag, post_id), covering, gives the post
--                                  ids; posts by primary key; sorted for the page
--   liked_by                       likes' primary key (user_id, post_id), the same way
--   keyset (created_at, id) < (..) posts_created_at_id_idx from the cursor on (created_at<?),
--                                  in feed order: no sort
--   find_by_slug                   posts_slug_key
--   a page's tags                  post_tags' primary key (post_id, tag), already sorted
--   popular tags                   a scan of post_tags_tag_idx, posts by primary key

ALTER TABLE users ADD COLUMN image TEXT NOT NULL DEFAULT '';

ALTER TABLE posts ADD COLUMN slug TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN like_count INTEGER NOT NULL DEFAULT 0 CHECK (like_count >= 0);

UPDATE posts SET slug = 'post-' || substr(replace(id, '-', ''), -8);
UPDATE posts SET slug = 'post-' || replace(posts.id, '-', '')
  FROM (SELECT id, row_number() OVER (PARTITION BY slug ORDER BY id) AS n FROM posts) AS ranked
  WHERE ranked.id = posts.id AND ranked.n > 1;
-- A unique index rather than a UNIQUE column (ALTER TABLE cannot add one); a violation still
-- reads "UNIQUE constraint failed: posts.slug", which the adapter reports as a conflict on slug.
CREATE UNIQUE INDEX posts_slug_key ON posts (slug);

-- A post's tags, replaced as a whole when the post is edited. WITHOUT ROWID: the primary key
-- is the whole row, so the table is that one b-tree.
CREATE TABLE post_tags (
  post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  tag     TEXT NOT NULL,
  PRIMARY KEY (post_id, tag)
) STRICT, WITHOUT ROWID;
-- The tag filter and popular tags; post_id makes it covering.
CREATE INDEX post_tags_tag_idx ON post_tags (tag, post_id);

CREATE TABLE likes (
  user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  post_id    TEXT    NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, post_id)
) STRICT, WITHOUT ROWID;
-- The cascade when a post is deleted.
CREATE INDEX likes_post_id_idx ON likes (post_id);

CREATE TABLE follows (
  follower_id TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  followee_id TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (follower_id, followee_id)
) STRICT, WITHOUT ROWID;
-- Followers of a user, and the cascade when one is deleted.
CREATE INDEX follows_followee_id_idx ON follows (followee_id);
