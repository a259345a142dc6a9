-- 0001 foundation: places, users and their grants, sessions, login throttling, the audit chain.
--
-- Written once for both engines. The migration runner replaces:
--   @ID@      the auto-increment primary key (INTEGER PRIMARY KEY AUTOINCREMENT / BIGSERIAL)
--   @BINARY@  byte-order collation for path columns, so prefix ranges use the index on both
-- and keeps only the matching one of the `-- @sqlite` / `-- @postgres` blocks (ended by `-- @end`).
-- Every table carries community_id: the tenant key (the id of the community's place row), and
-- the key a distributed PostgreSQL would shard on. Rows above any community (a street, a
-- street-level user) carry NULL, and the audit chain of such rows is chain 0.

CREATE TABLE places (
    id @ID@,
    -- For a community row, its own id; for grids, buildings and units, their community; NULL for streets.
    community_id BIGINT REFERENCES places(id),
    kind TEXT NOT NULL CHECK (kind IN ('street', 'community', 'grid', 'building', 'unit')),
    name TEXT NOT NULL,
    parent_id BIGINT REFERENCES places(id),
    -- Materialized path of ids from the root: '/1/5/12/'. Scope checks are prefix ranges on it.
    path TEXT @BINARY@ NOT NULL,
    sort_order BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX places_path ON places (path);
CREATE INDEX places_community ON places (community_id, kind);
CREATE INDEX places_parent ON places (parent_id);

CREATE TABLE users (
    id @ID@,
    community_id BIGINT REFERENCES places(id),
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    -- argon2id PHC string; never logged, never shown.
    password_hash TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
);
CREATE INDEX users_community ON users (community_id);

-- A role granted on a place node (a building head on two buildings holds two grants).
CREATE TABLE grants (
    id @ID@,
    community_id BIGINT REFERENCES places(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL CHECK (role IN ('admin', 'worker', 'building_head', 'partner', 'finance', 'resident')),
    place_id BIGINT NOT NULL REFERENCES places(id),
    -- Set for partner liaisons once the partners module exists.
    partner_id BIGINT,
    created_at TEXT NOT NULL
);
CREATE INDEX grants_user ON grants (user_id);

-- Browser sessions and API bearer tokens. Only the SHA-256 of the secret is stored, so a
-- copy of the database does not hand out logins. Stored here so that every instance on one
-- PostgreSQL accepts every session.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    community_id BIGINT REFERENCES places(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('cookie', 'bearer')),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Consecutive failed logins per user name (known or not), for slow-down and lockout.
CREATE TABLE login_failures (
    username TEXT PRIMARY KEY,
    community_id BIGINT,
    failures BIGINT NOT NULL,
    last_failure_at TEXT NOT NULL
);

-- The newest record of each hash chain ('audit' now, 'fund' later), per community.
CREATE TABLE chain_heads (
    chain TEXT NOT NULL,
    community_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (chain, community_id)
);

-- Append-only: UPDATE and DELETE are refused by the triggers below.
CREATE TABLE audit_log (
    id @ID@,
    -- 0 for deployment-level events (logins of unknown names, street-level users).
    community_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor_user_id BIGINT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id TEXT,
    before_json TEXT,
    after_json TEXT,
    request_id TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (community_id, seq)
);
CREATE INDEX audit_log_at ON audit_log (community_id, at);

-- @sqlite
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- @end

-- @postgres
CREATE FUNCTION linli_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION linli_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION linli_append_only();
-- @end
