-- 0014 residents at home (issue 14): a resident's account linked to her registry record (one
-- account per resident), the community's settings the public portal shows, and who filed an
-- issue when a linked resident filed it herself.
CREATE TABLE resident_accounts (
    user_id BIGINT PRIMARY KEY REFERENCES users(id),
    community_id BIGINT NOT NULL REFERENCES places(id),
    resident_id BIGINT NOT NULL UNIQUE REFERENCES residents(id),
    linked_by BIGINT REFERENCES users(id),
    linked_at TEXT NOT NULL
);

CREATE TABLE community_settings (
    community_id BIGINT PRIMARY KEY REFERENCES places(id),
    -- The committee's phone, on the public portal and the neighbour cards.
    contact_phone TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);

ALTER TABLE affairs ADD COLUMN reporter_resident_id BIGINT REFERENCES residents(id);
CREATE INDEX affairs_reporter ON affairs (reporter_resident_id);
