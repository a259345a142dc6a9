-- 0017 a resident claims her record for her account (issue 14): her ID number and phone
-- matched one active record; a worker confirms or rejects the link. Attempts that matched
-- nothing are kept too (resident_id NULL), so that an account cannot search the registry.
CREATE TABLE resident_claims (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    resident_id BIGINT REFERENCES residents(id),
    -- unmatched, pending, confirmed or rejected
    status TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    decided_by BIGINT REFERENCES users(id),
    decided_at TEXT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX resident_claims_user ON resident_claims (user_id, claimed_at);
CREATE INDEX resident_claims_pending ON resident_claims (community_id, status);
