-- 0021 search speed (issue 17's ceiling: p99 ≤ 10 ms over 100k articles of a community).
-- A word in most articles (社区) made every search rank and count every match through the wide
-- search_docs rows. The structures below let `search::search` do bounded work per query:
--
-- * search_docs.order_key: the publication order as one integer, published_on's YYYYMMDD
--   times 10^10 plus the document's id (newest = largest, ties by id as before). Stored, so a
--   removal finds the index entries whatever the day's text was.
-- * search_terms: per community, term, kind and public flag, how many documents hold the term.
--   It decides whether a query's matches are few enough to rank
--   (a term's count bounds the matches) and gives the exact total of a one-word query.
-- * search_fts_by_date (each engine's own, left out of `describe_schema` like search_fts was):
--   the tokens, keyed and ordered by order_key, with the community, kind and public flag beside
--   them, so "the newest 20 matches of this community" reads 20-odd entries and no wide row.
--   SQLite: FTS5 whose rowid is -order_key (FTS5 reads ascending, newest first) with the scope
--   as tokens of a `scope` column; search_fts_titles holds the titles alone, so a title-only
--   match reads the short title doclists. PostgreSQL: a narrow table with the weighted
--   tsvector, the title's own tsvector, GIN on both and a btree in publication order.
--
-- Everything is backfilled from search_docs, so an upgraded database keeps searching.
ALTER TABLE search_docs ADD COLUMN order_key BIGINT NOT NULL DEFAULT 0;
-- @sqlite
UPDATE search_docs SET order_key =
    CASE WHEN published_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'
         THEN CAST(substr(published_on, 1, 4) || substr(published_on, 6, 2) || substr(published_on, 9, 2) AS INTEGER)
         ELSE 0 END * 10000000000 + id;
-- @end
-- @postgres
UPDATE search_docs SET order_key =
    CASE WHEN published_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}'
         THEN CAST(substr(published_on, 1, 4) || substr(published_on, 6, 2) || substr(published_on, 9, 2) AS BIGINT)
         ELSE 0 END * 10000000000 + id;
-- @end
CREATE TABLE search_terms (
    community_id BIGINT NOT NULL REFERENCES places(id),
    term TEXT NOT NULL,
    kind TEXT NOT NULL,
    public BIGINT NOT NULL,
    -- Documents holding the term (in the title or the body).
    docs BIGINT NOT NULL,
    PRIMARY KEY (community_id, term, kind, public)
);
-- @sqlite
WITH RECURSIVE split (id, community_id, kind, public, tok, rest) AS (
    SELECT id, community_id, kind, public, '', title_tokens || ' ' || body_tokens || ' ' FROM search_docs
    UNION ALL
    SELECT id, community_id, kind, public,
           substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1)
    FROM split WHERE rest <> ''
)
INSERT INTO search_terms (community_id, term, kind, public, docs)
SELECT community_id, tok, kind, public, COUNT(*)
FROM (SELECT DISTINCT id, community_id, kind, public, tok FROM split WHERE tok <> '')
GROUP BY community_id, tok, kind, public;
CREATE VIRTUAL TABLE search_fts_by_date USING fts5(scope, title, body, tokenize = 'unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE search_fts_titles USING fts5(scope, title, tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO search_fts_by_date (rowid, scope, title, body)
SELECT -order_key,
       'c' || community_id || ' c' || community_id || 'k' || replace(kind, '_', '')
           || CASE WHEN public = 1 THEN ' c' || community_id || 'p c' || community_id || 'k' || replace(kind, '_', '') || 'p' ELSE '' END,
       title_tokens, body_tokens
FROM search_docs;
INSERT INTO search_fts_titles (rowid, scope, title)
SELECT rowid, scope, title FROM search_fts_by_date;
DROP TABLE search_fts;
-- @end
-- @postgres
INSERT INTO search_terms (community_id, term, kind, public, docs)
SELECT community_id, tok, kind, public, COUNT(*)
FROM (SELECT DISTINCT d.id, d.community_id, d.kind, d.public, u.tok
      FROM search_docs d
      CROSS JOIN LATERAL unnest(string_to_array(d.title_tokens || ' ' || d.body_tokens, ' ')) AS u(tok)
      WHERE u.tok <> '') x
GROUP BY community_id, tok, kind, public;
CREATE TABLE search_fts_by_date (
    doc_id BIGINT PRIMARY KEY REFERENCES search_docs(id) ON DELETE CASCADE,
    community_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    public BIGINT NOT NULL,
    order_key BIGINT NOT NULL,
    -- As search_docs.tsv was: each token with its position, the title's weighted A.
    tsv tsvector NOT NULL,
    -- The title's tokens alone (a title hit is a match of this).
    title_tsv tsvector NOT NULL
);
INSERT INTO search_fts_by_date (doc_id, community_id, kind, public, order_key, tsv, title_tsv)
SELECT id, community_id, kind, public, order_key, COALESCE(tsv, ''),
       COALESCE((SELECT CAST(string_agg(tok || ':' || n, ' ') AS tsvector)
           FROM unnest(string_to_array(title_tokens, ' ')) WITH ORDINALITY AS u(tok, n) WHERE tok <> ''), '')
FROM search_docs;
CREATE INDEX search_fts_by_date_order ON search_fts_by_date (community_id, order_key);
CREATE INDEX search_fts_by_date_tsv ON search_fts_by_date USING GIN (tsv);
CREATE INDEX search_fts_by_date_title ON search_fts_by_date USING GIN (title_tsv);
DROP INDEX search_docs_tsv;
ALTER TABLE search_docs DROP COLUMN tsv;
-- @end
