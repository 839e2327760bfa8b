-- V002: full-text search on posts (GET /api/v1/posts?q=...) through an FTS5 index.
--
-- posts_fts is an external-content FTS5 table: it keeps only the inverted index and reads title
-- and body back from posts by rowid, so the text is not stored twice. The triggers below keep
-- the index in step with every insert, update of title or body, and delete of a post (cascaded
-- deletes of a user's posts fire them too); the 'rebuild' at the end indexes the posts that
-- existed before this migration.
--
-- The porter stemmer over unicode61 comes closest to PostgreSQL's 'english' configuration:
-- "kayaks" finds "kayak"; case and diacritics are folded. Unlike PostgreSQL it keeps stop words.
-- Ranking is bm25() with the title weighted 10 and the body 1 (see SqlitePostRepository).
--
-- posts has no INTEGER PRIMARY KEY, so its rowid is not an alias for a column and VACUUM may
-- renumber it: after a VACUUM, run INSERT INTO posts_fts(posts_fts) VALUES ('rebuild').
-- (Parley never runs VACUUM itself.)

CREATE VIRTUAL TABLE posts_fts USING fts5(
  title,
  body,
  content = 'posts',
  content_rowid = 'rowid',
  tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER posts_fts_after_insert AFTER INSERT ON posts BEGIN
  INSERT INTO posts_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;

-- The 'delete' command needs the old values, to find the index entries to remove.
CREATE TRIGGER posts_fts_after_delete AFTER DELETE ON posts BEGIN
  INSERT INTO posts_fts (posts_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
END;

CREATE TRIGGER posts_fts_after_update AFTER UPDATE OF title, body ON posts BEGIN
  INSERT INTO posts_fts (posts_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
  INSERT INTO posts_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;

INSERT INTO posts_fts (posts_fts) VALUES ('rebuild');
