-- 0018 groups, volunteers and their service records (issue 16; 民政部令第67号), and the
-- in-service party members who report to the community (双报到).
-- A group (社团): the literary society, the stamp association, a volunteer team.
CREATE TABLE community_groups (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('literary', 'stamps', 'volunteer_team', 'other')),
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (community_id, name)
);
CREATE TABLE group_members (
    community_id BIGINT NOT NULL REFERENCES places(id),
    group_id BIGINT NOT NULL REFERENCES community_groups(id),
    resident_id BIGINT NOT NULL REFERENCES residents(id),
    leader BIGINT NOT NULL DEFAULT 0,
    joined_on TEXT NOT NULL,
    PRIMARY KEY (group_id, resident_id)
);
-- A volunteer: a resident of the community, or a person of a partner unit (a student, an
-- employee). Basic information is entered only with the volunteer's consent (§6), a minor's
-- with the guardian's too.
CREATE TABLE volunteers (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    resident_id BIGINT REFERENCES residents(id),
    partner_id BIGINT REFERENCES partners(id),
    name TEXT NOT NULL,
    id_number TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    skills TEXT NOT NULL DEFAULT '',
    availability TEXT NOT NULL DEFAULT '',
    -- Where the volunteer serves from (第一中学初二3班, 文学社); the partner's name when empty.
    organisation TEXT NOT NULL DEFAULT '',
    minor BIGINT NOT NULL DEFAULT 0,
    guardian_consent BIGINT NOT NULL DEFAULT 0,
    consent_on TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX volunteers_community ON volunteers (community_id, name);
CREATE INDEX volunteers_resident ON volunteers (resident_id);
CREATE INDEX volunteers_partner ON volunteers (community_id, partner_id);
-- An activity in which volunteers serve. A paid activity or a compulsory duty is never
-- volunteer service (§19): it credits no hours.
CREATE TABLE volunteer_activities (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    name TEXT NOT NULL,
    held_on TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL DEFAULT '',
    group_id BIGINT REFERENCES community_groups(id),
    partner_id BIGINT REFERENCES partners(id),
    -- The partner's activity it fulfils (its hours are this activity's credited hours).
    partner_activity_id BIGINT REFERENCES partner_activities(id),
    organiser TEXT NOT NULL DEFAULT '',
    person_in_charge TEXT NOT NULL DEFAULT '',
    places BIGINT,
    paid BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX volunteer_activities_day ON volunteer_activities (community_id, held_on);
-- One volunteer at one activity: signed up, checked in and out, hours credited (tenths).
CREATE TABLE volunteer_services (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    activity_id BIGINT NOT NULL REFERENCES volunteer_activities(id),
    volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
    signed_up_at TEXT NOT NULL,
    check_in TEXT,
    check_out TEXT,
    hours_tenths BIGINT,
    recorded_on TEXT,
    recorded_by BIGINT REFERENCES users(id),
    late BIGINT NOT NULL DEFAULT 0,
    late_reason TEXT NOT NULL DEFAULT '',
    UNIQUE (activity_id, volunteer_id)
);
CREATE INDEX volunteer_services_volunteer ON volunteer_services (volunteer_id, activity_id);
CREATE INDEX volunteer_services_community ON volunteer_services (community_id, recorded_on);
-- Every change of credited hours with its reason (§7: the person in charge may correct them).
CREATE TABLE volunteer_service_edits (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    service_id BIGINT NOT NULL REFERENCES volunteer_services(id),
    hours_before BIGINT,
    hours_after BIGINT NOT NULL,
    reason TEXT NOT NULL,
    edited_by BIGINT REFERENCES users(id),
    edited_at TEXT NOT NULL
);
CREATE INDEX volunteer_service_edits_service ON volunteer_service_edits (service_id);
-- A volunteer asks the organiser to correct the record (§12-13); the history stays.
CREATE TABLE volunteer_corrections (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
    field TEXT NOT NULL,
    value_before TEXT NOT NULL DEFAULT '',
    value_asked TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending',
    asked_by BIGINT REFERENCES users(id),
    asked_at TEXT NOT NULL,
    decided_by BIGINT REFERENCES users(id),
    decided_at TEXT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX volunteer_corrections_volunteer ON volunteer_corrections (volunteer_id, id);
-- A certificate as issued (§14-17): what it stated, so that its public page shows exactly that.
CREATE TABLE volunteer_certificates (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
    code TEXT NOT NULL UNIQUE,
    volunteer_name TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    hours_tenths BIGINT NOT NULL,
    services BIGINT NOT NULL,
    -- The activities it lists, one per line: date, name, hours.
    activities TEXT NOT NULL,
    issuer TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    issued_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX volunteer_certificates_volunteer ON volunteer_certificates (volunteer_id);
-- An in-service party member reporting to the community (双报到). Their service is their
-- volunteer record's.
CREATE TABLE party_members (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
    resident_id BIGINT REFERENCES residents(id),
    partner_id BIGINT REFERENCES partners(id),
    name TEXT NOT NULL,
    unit_name TEXT NOT NULL DEFAULT '',
    branch TEXT NOT NULL,
    offer TEXT NOT NULL DEFAULT '',
    reported_on TEXT NOT NULL,
    left_on TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX party_members_community ON party_members (community_id, partner_id);
-- The community's expectation of a reporting party member: activities a quarter.
CREATE TABLE volunteer_settings (
    community_id BIGINT PRIMARY KEY REFERENCES places(id),
    party_activities_per_quarter BIGINT NOT NULL DEFAULT 2
);
