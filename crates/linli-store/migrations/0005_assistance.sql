-- 0005 assistance (帮扶): hardship case files, help records, policy applications with their
-- step clocks, and the working-day calendar (public holidays and make-up days, editable).

-- Days that differ from the plain Monday-Friday week. community_id 0: the whole deployment
-- (the State Council's schedule); a community may add its own.
CREATE TABLE workday_overrides (
    community_id BIGINT NOT NULL DEFAULT 0,
    day TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, day)
);

CREATE TABLE cases (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    household_id BIGINT REFERENCES households(id),
    -- The person the case is about (for a household case, its head).
    resident_id BIGINT REFERENCES residents(id),
    -- Where the household lives: scope checks (a building head sees their buildings' cases).
    place_path TEXT @BINARY@ NOT NULL,
    -- Comma-separated hardship codes (illness, disability, unemployment …).
    kinds TEXT NOT NULL,
    summary TEXT NOT NULL,
    needs TEXT NOT NULL DEFAULT '',
    worker_id BIGINT REFERENCES users(id),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'monitoring', 'closed')),
    closed_reason TEXT NOT NULL DEFAULT '',
    next_review_on TEXT,
    -- PIPL §28-29: health, disability and 低保 status are sensitive: the separate consent or the
    -- statutory duty the case rests on.
    legal_basis TEXT NOT NULL DEFAULT 'statutory' CHECK (legal_basis IN ('consent', 'statutory')),
    consent_on TEXT,
    -- 最低生活保障审核确认办法 §11: relatives of committee members or 低保 staff are registered apart.
    conflict_of_interest BIGINT NOT NULL DEFAULT 0,
    conflict_note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX cases_place ON cases (place_path);
CREATE INDEX cases_community ON cases (community_id, status);
CREATE INDEX cases_household ON cases (household_id);

CREATE TABLE help_records (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    household_id BIGINT REFERENCES households(id),
    kind TEXT NOT NULL CHECK (kind IN ('cash', 'goods', 'service', 'visit')),
    given_on TEXT NOT NULL,
    amount_fen BIGINT,
    -- JSON list of {"name", "quantity"} for goods: 米 25kg, 油 5L.
    items TEXT NOT NULL DEFAULT '[]',
    -- Where it came from: 爱心基金, 民政局, 共建单位 …
    source TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    participants TEXT NOT NULL DEFAULT '',
    given_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX help_records_case ON help_records (case_id, given_on);
CREATE INDEX help_records_day ON help_records (community_id, given_on);

CREATE TABLE applications (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    resident_id BIGINT NOT NULL REFERENCES residents(id),
    household_id BIGINT REFERENCES households(id),
    case_id BIGINT REFERENCES cases(id),
    kind TEXT NOT NULL,
    accepted_on TEXT NOT NULL,
    special BIGINT NOT NULL DEFAULT 0,
    -- §6: the committee may apply for a family that entrusts it in writing.
    entrusted BIGINT NOT NULL DEFAULT 0,
    authorisation_note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'in_progress' CHECK (status IN ('in_progress', 'granted', 'refused', 'withdrawn')),
    decided_on TEXT,
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX applications_community ON applications (community_id, status);

CREATE TABLE application_steps (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    application_id BIGINT NOT NULL REFERENCES applications(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    rule TEXT NOT NULL DEFAULT '',
    due_on TEXT NOT NULL,
    done_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    sort_order BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX application_steps_app ON application_steps (application_id, sort_order);
CREATE INDEX application_steps_due ON application_steps (community_id, done_on, due_on);
