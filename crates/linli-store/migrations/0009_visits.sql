-- 0009 holiday visits (节日走访慰问) and neighbour helpers (睦邻卡上的帮忙邻居), both of the
-- assistance module.

-- A plan: an occasion, a date, the rules its list was built from, the standard gift.
CREATE TABLE visit_plans (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    name TEXT NOT NULL,
    occasion TEXT NOT NULL,
    visit_on TEXT NOT NULL,
    -- Comma-separated rule codes (dibao, elderly_alone, open_case …) and the age from which an
    -- elder living alone is visited.
    rules TEXT NOT NULL,
    min_age BIGINT NOT NULL DEFAULT 80,
    gift TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX visit_plans_community ON visit_plans (community_id, visit_on);

-- One household of a plan's list (or one resident without a household).
CREATE TABLE visit_targets (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    plan_id BIGINT NOT NULL REFERENCES visit_plans(id),
    household_id BIGINT REFERENCES households(id),
    resident_id BIGINT NOT NULL REFERENCES residents(id),
    -- Where the household lives: scope checks and the route sheet per building.
    place_path TEXT @BINARY@ NOT NULL,
    building_id BIGINT REFERENCES places(id),
    reasons TEXT NOT NULL DEFAULT '',
    added_by_hand BIGINT NOT NULL DEFAULT 0,
    team TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'visited', 'not_home', 'removed')),
    visited_on TEXT,
    -- JSON list of {"name", "quantity"}: what was given.
    items TEXT NOT NULL DEFAULT '[]',
    amount_fen BIGINT,
    participants TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    removed_reason TEXT NOT NULL DEFAULT '',
    -- The help record written on the household's case file, when it has one.
    help_record_id BIGINT REFERENCES help_records(id),
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX visit_targets_resident ON visit_targets (plan_id, resident_id);
CREATE UNIQUE INDEX visit_targets_household ON visit_targets (plan_id, household_id);
CREATE INDEX visit_targets_plan ON visit_targets (plan_id, status);

-- Neighbours who agreed to help the people of their stairwell, and with what (接送, 代买, 看护 …).
CREATE TABLE neighbour_helpers (
    resident_id BIGINT PRIMARY KEY REFERENCES residents(id),
    community_id BIGINT NOT NULL REFERENCES places(id),
    helps_with TEXT NOT NULL,
    updated_by BIGINT REFERENCES users(id),
    updated_at TEXT NOT NULL
);
