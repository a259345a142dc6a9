-- 0002 registry (居民档案): households, residents, configurable tags with validity periods.
--
-- Residents carry denormalized place columns (unit, building, the unit's path) so that lists,
-- scope checks and filters need no join into the place tree; moving a household rewrites them.
-- Search keys are stored beside the name (pinyin initials and full pinyin) and reversed ID and
-- phone numbers, so "last digits" searches are index prefix ranges, not table scans.

CREATE TABLE households (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    unit_id BIGINT NOT NULL REFERENCES places(id),
    -- 户号 / 门牌号 within the unit, as written on the door: '301', '3-1'.
    number TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (unit_id, number)
);
CREATE INDEX households_community ON households (community_id);

CREATE TABLE residents (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    household_id BIGINT REFERENCES households(id),
    unit_id BIGINT REFERENCES places(id),
    building_id BIGINT REFERENCES places(id),
    -- Path of the unit (or of the community for a resident without a household): scope checks.
    place_path TEXT @BINARY@ NOT NULL,
    name TEXT @BINARY@ NOT NULL,
    name_initials TEXT @BINARY@ NOT NULL,
    name_pinyin TEXT @BINARY@ NOT NULL,
    -- The full number; masked everywhere it is shown unless revealed (audited).
    id_number TEXT,
    id_rev TEXT @BINARY@,
    gender TEXT CHECK (gender IN ('male', 'female')),
    birth_date TEXT,
    phone TEXT,
    phone_rev TEXT @BINARY@,
    relation TEXT NOT NULL DEFAULT 'other' CHECK (relation IN ('head', 'spouse', 'child', 'parent', 'other')),
    political_status TEXT NOT NULL DEFAULT '',
    employment_status TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    consent_publish_name BIGINT NOT NULL DEFAULT 0,
    consent_volunteer_contact BIGINT NOT NULL DEFAULT 0,
    consent_neighbor_card BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'moved_away', 'deceased', 'anonymized')),
    closed_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- One record per person and community (several NULLs are allowed on both engines).
CREATE UNIQUE INDEX residents_id_number ON residents (community_id, id_number);
CREATE INDEX residents_name ON residents (community_id, name);
CREATE INDEX residents_initials ON residents (community_id, name_initials);
CREATE INDEX residents_pinyin ON residents (community_id, name_pinyin);
CREATE INDEX residents_id_rev ON residents (community_id, id_rev);
CREATE INDEX residents_phone_rev ON residents (community_id, phone_rev);
CREATE INDEX residents_place ON residents (place_path);
CREATE INDEX residents_household ON residents (household_id);
CREATE INDEX residents_building ON residents (building_id, unit_id);

-- The community's own tag list (低保, 残疾, 党员 …), editable by its admin.
CREATE TABLE tag_kinds (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    name TEXT NOT NULL,
    -- Health, disability and 低保 status are sensitive personal information (PIPL §28).
    sensitive BIGINT NOT NULL DEFAULT 0,
    has_grade BIGINT NOT NULL DEFAULT 0,
    sort_order BIGINT NOT NULL DEFAULT 0,
    UNIQUE (community_id, name)
);

CREATE TABLE resident_tags (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    resident_id BIGINT NOT NULL REFERENCES residents(id),
    tag_id BIGINT NOT NULL REFERENCES tag_kinds(id),
    valid_from TEXT,
    valid_to TEXT,
    grade TEXT,
    -- Where the fact comes from: 民政局名单, 本人申报, 导入 …
    source TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX resident_tags_tag ON resident_tags (tag_id, resident_id);
CREATE INDEX resident_tags_resident ON resident_tags (resident_id);
