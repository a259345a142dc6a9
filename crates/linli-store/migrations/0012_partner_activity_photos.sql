-- 0012 photos of partner activities: what a partner unit did, shown to the community's staff
-- and to that unit's own liaison. Re-encoded on upload like issue photos (no EXIF, no
-- location) and kept in the database so that every instance behind a load balancer serves them.
CREATE TABLE partner_activity_photos (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    activity_id BIGINT NOT NULL REFERENCES partner_activities(id),
    partner_id BIGINT NOT NULL REFERENCES partners(id),
    content_type TEXT NOT NULL,
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
CREATE INDEX partner_activity_photos_activity ON partner_activity_photos (activity_id);
