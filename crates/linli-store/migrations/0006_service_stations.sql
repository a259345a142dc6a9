-- 0006 convenience service stations (便民服务站): 张君's bicycle stand and its kind, kept by a
-- resident, shown on the neighbour cards and the public pages.
CREATE TABLE service_stations (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    name TEXT NOT NULL,
    keeper_resident_id BIGINT REFERENCES residents(id),
    services TEXT NOT NULL,
    hours TEXT NOT NULL DEFAULT '',
    location TEXT NOT NULL DEFAULT '',
    -- The station's own public number (not a private phone unless its keeper agreed).
    contact TEXT NOT NULL DEFAULT '',
    active BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX service_stations_community ON service_stations (community_id, active);
