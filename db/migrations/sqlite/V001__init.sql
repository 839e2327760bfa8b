-- V001: the initial Parley schema for SQLite (applied by parley::sqlite::Database::migrate).
--
-- Timestamps are INTEGER milliseconds since the Unix epoch, UTC. Integers sort and compare
-- exactly (no text formats, time zones or float rounding), match core::Timestamp's precision,
-- and make "newest first, then id" orderings and expiry checks plain numeric comparisons.
-- Ids are canonical lowercase UUID text, so equal ids are equal strings.
-- Tables are STRICT so a value of the wrong type is rejected instead of silently coerced.

CREATE TABLE schema_migrations (
  version    INTEGER PRIMARY KEY NOT NULL,
  applied_at INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
  id            TEXT    PRIMARY KEY NOT NULL,
  -- Stored lowercased, so plain equality is the case-insensitive comparison.
  email         TEXT    NOT NULL UNIQUE CHECK (email = lower(email)),
  username      TEXT    NOT NULL,
  bio           TEXT    NOT NULL DEFAULT '',
  role          TEXT    NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'moderator', 'admin')),
  blocked       INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
  password_hash TEXT    NOT NULL,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) STRICT;
-- Usernames keep the case their owner chose but are unique case-insensitively; lookups use
-- the same lower(username) expression so they can use this index. SQLite's lower() folds ASCII
-- only, which is exactly the username alphabet.
CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username));

CREATE TABLE posts (
  id           TEXT    PRIMARY KEY NOT NULL,
  author_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title        TEXT    NOT NULL,
  body         TEXT    NOT NULL,
  is_published INTEGER NOT NULL DEFAULT 1 CHECK (is_published IN (0, 1)),
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
) STRICT;
-- The feed: newest first, id breaking ties so pages never overlap or skip.
CREATE INDEX posts_created_at_id_idx ON posts (created_at DESC, id DESC);
-- One author's posts, same order; also serves the foreign key when a user is deleted.
CREATE INDEX posts_author_created_at_idx ON posts (author_id, created_at DESC, id DESC);

CREATE TABLE comments (
  id         TEXT    PRIMARY KEY NOT NULL,
  post_id    TEXT    NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  author_id  TEXT    NOT NULL REFERENCES users (id),
  body       TEXT    NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
-- A post's thread, oldest first; also serves the cascade when a post is deleted.
CREATE INDEX comments_post_created_at_idx ON comments (post_id, created_at, id);

-- Append-only trail of admin actions. No foreign keys: the trail must outlive what it names.
CREATE TABLE audit_log (
  id         TEXT    PRIMARY KEY NOT NULL,
  actor_id   TEXT,  -- NULL when the operator CLI acted
  action     TEXT    NOT NULL,
  target_id  TEXT    NOT NULL,
  detail     TEXT    NOT NULL DEFAULT '',
  at         INTEGER NOT NULL,
  request_id TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_log_at_id_idx ON audit_log (at DESC, id DESC);

-- Token state. No foreign keys to users: the token store is a port of its own (it may live in
-- Redis instead), and its rows expire on their own. Rows past expires_at count as absent and
-- are purged opportunistically, hence the expires_at indexes.

-- Access tokens revoked before their natural expiry, kept only until that expiry.
CREATE TABLE revoked_access_tokens (
  jti        TEXT    PRIMARY KEY NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX revoked_access_tokens_expires_at_idx ON revoked_access_tokens (expires_at);

-- One family per login session; expires_at follows its longest-lived refresh token.
CREATE TABLE token_families (
  family_id  TEXT    PRIMARY KEY NOT NULL,
  user_id    TEXT    NOT NULL,
  revoked    INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX token_families_user_id_idx ON token_families (user_id);
CREATE INDEX token_families_expires_at_idx ON token_families (expires_at);

-- Refresh tokens by fingerprint (a one-way digest): a leaked database leaks no usable token.
CREATE TABLE refresh_tokens (
  fingerprint TEXT    PRIMARY KEY NOT NULL,
  family_id   TEXT    NOT NULL,
  user_id     TEXT    NOT NULL,
  expires_at  INTEGER NOT NULL,
  used        INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1))
) STRICT;
CREATE INDEX refresh_tokens_family_id_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_id_idx ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_expires_at_idx ON refresh_tokens (expires_at);
