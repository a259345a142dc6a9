-- 0019 civilized corridors (文明楼道, issue 17): one corridor per unit (stairwell), its publicity
-- boards with their history, the community's inspection checklist and settings, inspections.
CREATE TABLE corridors (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    unit_id BIGINT NOT NULL UNIQUE REFERENCES places(id),
    -- The unit's path (scope checks: a building head sees her buildings' corridors).
    place_path TEXT @BINARY@ NOT NULL,
    building_id BIGINT NOT NULL REFERENCES places(id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX corridors_community ON corridors (community_id, building_id);
CREATE INDEX corridors_path ON corridors (place_path);
-- The corridors of the units that exist already (new units get theirs when first listed).
INSERT INTO corridors (community_id, unit_id, place_path, building_id, name, created_at)
SELECT u.community_id, u.id, u.path, b.id, b.name || u.name, u.created_at
FROM places u JOIN places b ON b.id = u.parent_id
WHERE u.kind = 'unit' AND u.community_id IS NOT NULL;
-- A board of a corridor: its current content; every change is kept in the history.
CREATE TABLE corridor_boards (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    corridor_id BIGINT NOT NULL REFERENCES corridors(id),
    theme TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL DEFAULT '',
    updated_on TEXT,
    updated_by BIGINT REFERENCES users(id),
    UNIQUE (corridor_id, theme)
);
CREATE TABLE corridor_board_history (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    board_id BIGINT NOT NULL REFERENCES corridor_boards(id),
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    updated_on TEXT NOT NULL,
    updated_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX corridor_board_history_board ON corridor_board_history (board_id, id);
-- The community's checklist (the defaults until it sets its own).
CREATE TABLE inspection_items (
    community_id BIGINT NOT NULL REFERENCES places(id),
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    points BIGINT NOT NULL CHECK (points > 0),
    sort_order BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, code)
);
CREATE TABLE corridor_inspections (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    corridor_id BIGINT NOT NULL REFERENCES corridors(id),
    inspected_on TEXT NOT NULL,
    inspector_id BIGINT REFERENCES users(id),
    score BIGINT NOT NULL,
    max_score BIGINT NOT NULL,
    stars BIGINT NOT NULL,
    -- The failed items' codes, comma-separated.
    failed TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX corridor_inspections_corridor ON corridor_inspections (corridor_id, inspected_on);
CREATE INDEX corridor_inspections_community ON corridor_inspections (community_id, inspected_on);
-- A photo of an inspection (what failed), re-encoded on upload like issue photos.
CREATE TABLE corridor_inspection_photos (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    inspection_id BIGINT NOT NULL REFERENCES corridor_inspections(id),
    corridor_id BIGINT NOT NULL REFERENCES corridors(id),
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
CREATE INDEX corridor_inspection_photos_inspection ON corridor_inspection_photos (inspection_id);
