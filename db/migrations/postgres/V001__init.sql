-- V001: the initial Parley schema for PostgreSQL (applied by parley::postgres::Database::migrate).
--
-- The same logical schema as db/migrations/sqlite/V001__init.sql in PostgreSQL's own types:
-- ids are uuid (16 bytes, compared bytewise, which agrees with the order of their lowercase
-- text, so "then id" orderings match the other adapters); times are timestamptz (Parley writes
-- millisecond values; the column keeps microseconds, so nothing is rounded); flags are boolean.
-- Constraints are named explicitly: the adapter maps a violated constraint's name to the field
-- it reports (users_email_key -> email, comments_post_id_fkey -> "post not found", ...).
--
-- Which index serves which query: EXPLAIN of the adapter's prepared statements on 50k users,
-- 220k posts (one author with 20k), 120k comments (one post with 20k), 100k audit entries and
-- 400k token rows, with both the custom and the generic plan (plan_cache_mode):
--   user by email             Index Scan using users_email_key       (lower(email) = lower($1))
--   user by username          Index Scan using users_username_key    (lower(username) = lower($1))
--   feed page                 Limit -> Index Scan using posts_created_at_id_idx, the draft rule
--                             as a Filter: reads about OFFSET + LIMIT index entries
--   one author's page         Limit -> Index Scan using posts_author_created_at_idx
--                             (author_id = $1) in feed order; for an author with a handful of
--                             posts the custom plan fetches them by that index and sorts them
--   a post's comments         Limit -> Index Scan using comments_post_created_at_idx
--                             (post_id = $1), the same way
--   audit log page            Limit -> Index Scan using audit_log_at_id_idx
--   the totals of those pages Bitmap Index Scan on the same author / post index; the feed's and
--                             the audit log's totals count the whole table (Seq Scan): an
--                             exact total costs a scan in proportion to the table
--   consume a refresh token   Index Scan using refresh_tokens_pkey, LockRows (FOR UPDATE)
--   revoke one session        Bitmap Index Scan on refresh_tokens_family_id_idx
--   revoke a user's sessions  Bitmap Index Scans on token_families_user_id_idx and
--                             refresh_tokens_user_id_idx
--   is a session revoked      Index Scan using token_families_pkey
--   purge expired tokens      (Bitmap) Index Scans on each *_expires_at_idx

-- Times leave the database as milliseconds since the epoch, exact (extract() is numeric since
-- PostgreSQL 14), whatever the session's TimeZone and DateStyle. A one-expression SQL function,
-- which the planner inlines.
CREATE FUNCTION epoch_millis(t timestamptz) RETURNS bigint
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN CAST(extract(epoch FROM t) * 1000 AS bigint);

CREATE TABLE schema_migrations (
  version    integer     PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id            uuid        NOT NULL,
  -- Stored lowercased by the adapter; the CHECK keeps it so whatever writes here.
  email         text        NOT NULL,
  username      text        NOT NULL,
  bio           text        NOT NULL DEFAULT '',
  -- A CHECKed text rather than an enum: adding a role is then one ALTER of the constraint in a
  -- migration, and removing one is possible at all.
  role          text        NOT NULL DEFAULT 'user',
  blocked       boolean     NOT NULL DEFAULT false,
  password_hash text        NOT NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  CONSTRAINT users_pkey PRIMARY KEY (id),
  CONSTRAINT users_email_lowercase_check CHECK (email = lower(email)),
  CONSTRAINT users_role_check CHECK (role IN ('user', 'moderator', 'admin'))
);
-- Unique case-insensitively, and the lookups use the same lower() expressions so they can use
-- these indexes. Emails are lowercased already; indexing lower(email) anyway keeps the rule in
-- the database rather than in every writer. Usernames keep the case their owner chose.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

CREATE TABLE posts (
  id           uuid        NOT NULL,
  author_id    uuid        NOT NULL,
  title        text        NOT NULL,
  body         text        NOT NULL,
  is_published boolean     NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  CONSTRAINT posts_pkey PRIMARY KEY (id),
  CONSTRAINT posts_author_id_fkey FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE CASCADE
);
-- The feed: newest first, id breaking ties so pages never overlap or skip.
CREATE INDEX posts_created_at_id_idx ON posts (created_at DESC, id DESC);
-- One author's posts, same order; also serves the foreign key when a user is deleted.
CREATE INDEX posts_author_created_at_idx ON posts (author_id, created_at DESC, id DESC);

CREATE TABLE comments (
  id         uuid        NOT NULL,
  post_id    uuid        NOT NULL,
  author_id  uuid        NOT NULL,
  body       text        NOT NULL,
  created_at timestamptz NOT NULL,
  CONSTRAINT comments_pkey PRIMARY KEY (id),
  CONSTRAINT comments_post_id_fkey FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE,
  CONSTRAINT comments_author_id_fkey FOREIGN KEY (author_id) REFERENCES users (id)
);
-- A post's thread, oldest first; also serves the cascade when a post is deleted.
CREATE INDEX comments_post_created_at_idx ON comments (post_id, created_at, id);
-- PostgreSQL does not index the referencing side of a foreign key: without this, deleting a
-- user would scan every comment to check comments_author_id_fkey.
CREATE INDEX comments_author_id_idx ON comments (author_id);

-- Append-only trail of admin actions. No foreign keys: the trail must outlive what it names.
CREATE TABLE audit_log (
  id         uuid        NOT NULL,
  actor_id   uuid,  -- NULL when the operator CLI acted
  action     text        NOT NULL,
  target_id  uuid        NOT NULL,
  detail     text        NOT NULL DEFAULT '',
  at         timestamptz NOT NULL,
  request_id text        NOT NULL DEFAULT '',
  CONSTRAINT audit_log_pkey PRIMARY KEY (id)
);
CREATE INDEX audit_log_at_id_idx ON audit_log (at DESC, id DESC);

-- Token state. No foreign keys to users: the token store is a port of its own (it may live in
-- Redis instead), and its rows expire on their own. Rows past expires_at count as absent and
-- are purged opportunistically, hence the expires_at indexes.

-- Access tokens revoked before their natural expiry, kept only until that expiry.
CREATE TABLE revoked_access_tokens (
  jti        text        NOT NULL,
  expires_at timestamptz NOT NULL,
  CONSTRAINT revoked_access_tokens_pkey PRIMARY KEY (jti)
);
CREATE INDEX revoked_access_tokens_expires_at_idx ON revoked_access_tokens (expires_at);

-- One family per login session; expires_at follows its longest-lived refresh token, and is
-- 'infinity' for a family revoked before any of its tokens was seen (kept for good: fail closed).
CREATE TABLE token_families (
  family_id  uuid        NOT NULL,
  user_id    uuid        NOT NULL,
  revoked    boolean     NOT NULL DEFAULT false,
  expires_at timestamptz NOT NULL,
  CONSTRAINT token_families_pkey PRIMARY KEY (family_id)
);
CREATE INDEX token_families_user_id_idx ON token_families (user_id);
CREATE INDEX token_families_expires_at_idx ON token_families (expires_at);

-- Refresh tokens by fingerprint (a one-way digest): a leaked database leaks no usable token.
CREATE TABLE refresh_tokens (
  fingerprint text        NOT NULL,
  family_id   uuid        NOT NULL,
  user_id     uuid        NOT NULL,
  expires_at  timestamptz NOT NULL,
  used        boolean     NOT NULL DEFAULT false,
  CONSTRAINT refresh_tokens_pkey PRIMARY KEY (fingerprint)
);
CREATE INDEX refresh_tokens_family_id_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_id_idx ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_expires_at_idx ON refresh_tokens (expires_at);
