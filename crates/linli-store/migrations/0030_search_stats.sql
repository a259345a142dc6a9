-- 0030 search stats (issue 17's ceiling, p99 ≤ 10 ms over 100k articles, still missed after
-- migration 0021 by the queries of two or three common words: their matches were intersected
-- with the community's scope token, 100k entries long, and then ranked by reading the title
-- and body of every match).
--
-- * search_stats: per document, what ranking and the scope filter need and nothing more: the
--   community, kind, public flag and publication order, the token count (BM25's length) and
--   the frequencies of its terms in the title and the body (`tf`: 6 bytes a distinct term,
--   FNV-1a 32 of the term then two u8 counts, little-endian, sorted by the hash; written by
--   `search::stats`). A search ranks its matches from these rows instead of their text. Its
--   index `search_stats_scope` holds the scope alone, so counting and filtering the matches by
--   kind and public reads short index entries instead of a scope token's doclist or the `tf`.
--   Filled for the documents already indexed by the Rust step of this migration
--   (`search::backfill_stats`).
-- * SQLite's two FTS5 tables are built again with every term token prefixed by its community
--   (`c<id>x<term>`; a community id has no `x`, so the prefix is unambiguous), so a term's
--   doclist holds one community's documents and a search needs no scope token to stay in its
--   community. `detail = column`: no search uses positions (every phrase is one token; the
--   snippets are cut from the text), and doclists without them are read faster. The scope
--   column stays for the rare search narrowed to a kind that few of the term's documents are.
-- PostgreSQL keeps its narrow tsvector table (its rows carry the community).
-- @sqlite
CREATE TABLE search_stats (
    doc_id INTEGER PRIMARY KEY REFERENCES search_docs(id) ON DELETE CASCADE,
    community_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    public BIGINT NOT NULL,
    order_key BIGINT NOT NULL,
    len BIGINT NOT NULL,
    tf BLOB NOT NULL
);
CREATE INDEX search_stats_scope ON search_stats (doc_id, community_id, kind, public);
DROP TABLE search_fts_by_date;
DROP TABLE search_fts_titles;
CREATE VIRTUAL TABLE search_fts_by_date USING fts5(scope, title, body, detail = column, tokenize = 'unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE search_fts_titles USING fts5(scope, title, detail = column, tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO search_fts_by_date (rowid, scope, title, body)
SELECT -order_key,
       'c' || community_id || ' c' || community_id || 'k' || replace(kind, '_', '')
           || CASE WHEN public = 1 THEN ' c' || community_id || 'p c' || community_id || 'k' || replace(kind, '_', '') || 'p' ELSE '' END,
       CASE WHEN title_tokens = '' THEN ''
            ELSE 'c' || community_id || 'x' || replace(title_tokens, ' ', ' c' || community_id || 'x') END,
       CASE WHEN body_tokens = '' THEN ''
            ELSE 'c' || community_id || 'x' || replace(body_tokens, ' ', ' c' || community_id || 'x') END
FROM search_docs;
INSERT INTO search_fts_titles (rowid, scope, title)
SELECT rowid, scope, title FROM search_fts_by_date;
-- @end
-- @postgres
CREATE TABLE search_stats (
    doc_id BIGINT PRIMARY KEY REFERENCES search_docs(id) ON DELETE CASCADE,
    community_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    public BIGINT NOT NULL,
    order_key BIGINT NOT NULL,
    len BIGINT NOT NULL,
    tf BYTEA NOT NULL
);
CREATE INDEX search_stats_scope ON search_stats (doc_id, community_id, kind, public);
-- @end
