-- 0032 resident name characters (issue 19's P5: a roster search p99 ≤ 10 ms at 1M residents;
-- a surname or given name took 17-25 ms in a 25,000-resident community of the 1M district).
-- A name search is `name LIKE '%建国%'`, which no btree serves: every resident of the
-- community was read. Each distinct character of each resident's name is kept here, so a
-- search by 建国 reads the residents whose names hold both 建 and 国 (a few hundred) and then
-- checks the LIKE on those alone. Written by the registry store with the name
-- (`registry::create_placed_many`, `update`, `anonymize`); filled for the residents already
-- there by this migration's Rust step (`registry::backfill_name_chars`).
CREATE TABLE resident_name_chars (
    community_id BIGINT NOT NULL,
    ch TEXT NOT NULL,
    resident_id BIGINT NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    PRIMARY KEY (community_id, ch, resident_id)
);
CREATE INDEX resident_name_chars_resident ON resident_name_chars (resident_id);
