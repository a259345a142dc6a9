-- 0003 fund (爱心基金): the resident-meeting decision, a double-entry ledger that is append-only
-- and hash-chained (chain 'fund' in chain_heads), donations with gap-free receipt numbers,
-- disbursements with two approvals, and idempotency keys for money-moving API calls.

-- 居委会组织法 §16: money is raised from residents only after a residents' meeting decides.
CREATE TABLE fund_decisions (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    decided_on TEXT NOT NULL,
    attendance BIGINT NOT NULL,
    quorum_reached BIGINT NOT NULL,
    resolution TEXT NOT NULL,
    -- The fund's rules as the meeting set them.
    purpose TEXT NOT NULL DEFAULT '',
    eligibility TEXT NOT NULL DEFAULT '',
    recorded_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX fund_decisions_community ON fund_decisions (community_id, decided_on);

-- One row per transaction; its postings sum to zero. Append-only (triggers below).
CREATE TABLE fund_transactions (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    seq BIGINT NOT NULL,
    occurred_on TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('donation', 'disbursement', 'reversal')),
    memo TEXT NOT NULL,
    reverses_id BIGINT REFERENCES fund_transactions(id),
    reason TEXT NOT NULL DEFAULT '',
    recorded_by BIGINT,
    recorded_at TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (community_id, seq)
);
-- A transaction is reversed at most once.
CREATE UNIQUE INDEX fund_transactions_reverses ON fund_transactions (reverses_id);
CREATE INDEX fund_transactions_day ON fund_transactions (community_id, occurred_on);

CREATE TABLE fund_postings (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    transaction_id BIGINT NOT NULL REFERENCES fund_transactions(id),
    account TEXT NOT NULL,
    amount_fen BIGINT NOT NULL
);
CREATE INDEX fund_postings_tx ON fund_postings (transaction_id);
CREATE INDEX fund_postings_account ON fund_postings (community_id, account);

CREATE TABLE fund_receipt_counters (
    community_id BIGINT NOT NULL REFERENCES places(id),
    year BIGINT NOT NULL,
    last_no BIGINT NOT NULL,
    PRIMARY KEY (community_id, year)
);

CREATE TABLE fund_donations (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    transaction_id BIGINT NOT NULL REFERENCES fund_transactions(id),
    receipt_no TEXT NOT NULL,
    donor_kind TEXT NOT NULL CHECK (donor_kind IN ('resident', 'partner', 'person', 'anonymous')),
    donor_resident_id BIGINT REFERENCES residents(id),
    donor_partner_id BIGINT,
    donor_name TEXT NOT NULL DEFAULT '',
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    method TEXT NOT NULL CHECK (method IN ('cash', 'bank_transfer', 'wechat', 'alipay', 'in_kind')),
    -- In-kind gifts: the item list as given, e.g. 米 20kg、油 5L.
    items TEXT NOT NULL DEFAULT '',
    received_on TEXT NOT NULL,
    -- 慈善法 §82: the donor's name is published only with consent.
    publish_name BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    UNIQUE (community_id, receipt_no)
);
CREATE INDEX fund_donations_day ON fund_donations (community_id, received_on);
CREATE INDEX fund_donations_resident ON fund_donations (donor_resident_id);

CREATE TABLE fund_disbursements (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    beneficiary_resident_id BIGINT NOT NULL REFERENCES residents(id),
    case_id BIGINT,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    purpose TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'paid', 'rejected')),
    requested_by BIGINT NOT NULL REFERENCES users(id),
    requested_at TEXT NOT NULL,
    paid_by BIGINT REFERENCES users(id),
    paid_on TEXT,
    transaction_id BIGINT REFERENCES fund_transactions(id)
);
CREATE INDEX fund_disbursements_status ON fund_disbursements (community_id, status);
CREATE INDEX fund_disbursements_resident ON fund_disbursements (beneficiary_resident_id);

CREATE TABLE fund_approvals (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    disbursement_id BIGINT NOT NULL REFERENCES fund_disbursements(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    approved_at TEXT NOT NULL,
    UNIQUE (disbursement_id, user_id)
);

-- A retried money-moving request with the same key gets the first answer.
CREATE TABLE idempotency_keys (
    community_id BIGINT NOT NULL,
    operation TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, operation, idem_key)
);

-- @sqlite
CREATE TRIGGER fund_transactions_no_update BEFORE UPDATE ON fund_transactions
BEGIN SELECT RAISE(ABORT, 'fund_transactions is append-only'); END;
CREATE TRIGGER fund_transactions_no_delete BEFORE DELETE ON fund_transactions
BEGIN SELECT RAISE(ABORT, 'fund_transactions is append-only'); END;
CREATE TRIGGER fund_postings_no_update BEFORE UPDATE ON fund_postings
BEGIN SELECT RAISE(ABORT, 'fund_postings is append-only'); END;
CREATE TRIGGER fund_postings_no_delete BEFORE DELETE ON fund_postings
BEGIN SELECT RAISE(ABORT, 'fund_postings is append-only'); END;
-- @end

-- @postgres
CREATE TRIGGER fund_transactions_append_only BEFORE UPDATE OR DELETE ON fund_transactions
    FOR EACH ROW EXECUTE FUNCTION linli_append_only();
CREATE TRIGGER fund_postings_append_only BEFORE UPDATE OR DELETE ON fund_postings
    FOR EACH ROW EXECUTE FUNCTION linli_append_only();
CREATE TRIGGER fund_transactions_no_truncate BEFORE TRUNCATE ON fund_transactions
    FOR EACH STATEMENT EXECUTE FUNCTION linli_append_only();
CREATE TRIGGER fund_postings_no_truncate BEFORE TRUNCATE ON fund_postings
    FOR EACH STATEMENT EXECUTE FUNCTION linli_append_only();
-- @end
