-- 0011 residents' own sign-up requests from the public course catalogue (/public/courses).
-- Resident accounts are not linked to resident records, so a request is only what the person
-- typed: a worker matches it to a registry resident and enrols them (capacity, then the waiting
-- list), or declines it with a reason. A request never enrols anyone by itself.
CREATE TABLE course_signups (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    course_id BIGINT NOT NULL REFERENCES courses(id),
    name TEXT NOT NULL,
    -- Personal data: masked in every list, never logged or audited in clear.
    phone TEXT NOT NULL,
    -- Building/unit or any address text the person gave.
    address TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'enrolled', 'declined')),
    -- Set when matched: the registry resident and the enrolment made for them.
    resident_id BIGINT REFERENCES residents(id),
    enrolment_id BIGINT REFERENCES enrolments(id),
    decline_reason TEXT NOT NULL DEFAULT '',
    handled_by BIGINT REFERENCES users(id),
    handled_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX course_signups_course ON course_signups (course_id, status);
CREATE INDEX course_signups_community ON course_signups (community_id, status);
