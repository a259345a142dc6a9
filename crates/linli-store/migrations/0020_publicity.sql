-- 0020 publicity (宣传, issue 17): the 宣传画廊's boards, articles with their photos, the
-- community paper's issues, and the full-text search index over articles, paper issues and
-- course descriptions (tokens segmented by jieba on write, stored here).
CREATE TABLE publicity_boards (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    name TEXT NOT NULL,
    location TEXT NOT NULL DEFAULT '',
    sort_order BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    UNIQUE (community_id, name)
);
CREATE TABLE articles (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    title TEXT NOT NULL,
    -- Plain text with three marks: "## " headings, "- " lists, **bold**.
    body TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    -- Tags separated by "、".
    tags TEXT NOT NULL DEFAULT '',
    board_id BIGINT REFERENCES publicity_boards(id),
    published_on TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX articles_community ON articles (community_id, published_on);
CREATE INDEX articles_board ON articles (board_id, published_on);
CREATE TABLE article_photos (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    article_id BIGINT NOT NULL REFERENCES articles(id),
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
-- @sqlite
    bytes BLOB NOT NULL,
-- @end
-- @postgres
    bytes BYTEA NOT NULL,
-- @end
    created_at TEXT NOT NULL
);
CREATE INDEX article_photos_article ON article_photos (article_id);
CREATE TABLE paper_issues (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    number BIGINT NOT NULL,
    published_on TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL,
    UNIQUE (community_id, number)
);
CREATE TABLE paper_issue_articles (
    community_id BIGINT NOT NULL REFERENCES places(id),
    issue_id BIGINT NOT NULL REFERENCES paper_issues(id),
    article_id BIGINT NOT NULL REFERENCES articles(id),
    position BIGINT NOT NULL,
    PRIMARY KEY (issue_id, article_id)
);
-- The paper's name (《阳光之家报》), per community.
CREATE TABLE publicity_settings (
    community_id BIGINT PRIMARY KEY REFERENCES places(id),
    paper_name TEXT NOT NULL DEFAULT ''
);
-- One searchable document per article, paper issue or course: its title and plain text (for
-- snippets) and their tokens.
CREATE TABLE search_docs (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    kind TEXT NOT NULL CHECK (kind IN ('article', 'paper_issue', 'course')),
    ref_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    published_on TEXT NOT NULL,
    -- Shown on the public portal (a listed course, a published article or issue).
    public BIGINT NOT NULL DEFAULT 1,
    title_tokens TEXT NOT NULL,
    body_tokens TEXT NOT NULL,
    UNIQUE (kind, ref_id)
);
CREATE INDEX search_docs_community ON search_docs (community_id, published_on);
-- @sqlite
-- The tokens again, in an FTS5 index whose rowid is the document's id.
CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 0');
-- @end
-- @postgres
-- The tokens as lexemes (title weighted A), taken verbatim: no parser, no dictionary.
ALTER TABLE search_docs ADD COLUMN tsv tsvector;
CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);
-- @end
