-- 0033 search postings (issue 17's ceiling on PostgreSQL: p99 ≤ 10 ms over 100k articles,
-- measured at 23 ms after migration 0030). The GIN index over each document's tsvector reads
-- every posting of every word of a query (about 0.05-0.1 µs an entry: 4-14 ms for common
-- words, whatever they share), and for "newest first" the planner then sorts every match or
-- walks the publication order checking each row's tsvector.
--
-- search_fts_postings replaces it: for each term of a community, the documents holding it as
-- a list of their publication keys (`order_key`, ascending, delta-encoded varints, about 3
-- bytes a document), one row per quarter of publication (YYYYQ, 0 for an undated document),
-- kind and public flag, in the title (`title` = 1) or anywhere (0). A search reads its terms'
-- rows in one range of the primary key and intersects the lists in the application, where
-- the matches come out in publication order (`search::postings`). Written by the search
-- store with each document (merged under a per-community advisory lock); filled for the
-- documents already indexed by this migration's Rust step (`search::backfill_postings`).
-- Named search_fts* as the engine's own index (left out of the engines' schema comparison).
-- SQLite keeps its FTS5 tables, which already stop at a page in publication order.
-- @postgres
CREATE TABLE search_fts_postings (
    community_id BIGINT NOT NULL,
    term TEXT @BINARY@ NOT NULL,
    title BIGINT NOT NULL,
    quarter BIGINT NOT NULL,
    kind TEXT NOT NULL,
    public BIGINT NOT NULL,
    keys BYTEA NOT NULL,
    PRIMARY KEY (community_id, term, title, quarter, kind, public)
);
-- The lists are already compact; compressing them only costs the reader.
ALTER TABLE search_fts_postings ALTER COLUMN keys SET STORAGE EXTERNAL;
DROP TABLE search_fts_by_date;
-- @end
