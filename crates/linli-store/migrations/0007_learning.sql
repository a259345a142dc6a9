-- 0007 learning (学习阵地与培训) and the employment station (社区满意中介服务站): venues,
-- courses, sessions, enrolments, attendance; job seekers, openings, referrals, placements and
-- their follow-ups. Every figure of the summary's first section is counted from these rows.

CREATE TABLE venues (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    name TEXT NOT NULL,
    -- party_school, classroom, elderly_university, reading_room, livelihood, other
    kind TEXT NOT NULL,
    room TEXT NOT NULL DEFAULT '',
    capacity BIGINT,
    address TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX venues_community ON venues (community_id);

CREATE TABLE courses (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    venue_id BIGINT REFERENCES venues(id),
    name TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('party_study', 'culture', 'elderly_university', 'vocational_training', 'livelihood')),
    -- Counts toward the employment figures (learning.trainee_times, learning.employment_rate).
    vocational BIGINT NOT NULL DEFAULT 0,
    -- "把能人用起来": a resident, a partner unit's staff or an outside teacher.
    teacher_kind TEXT NOT NULL DEFAULT 'outside',
    teacher_resident_id BIGINT REFERENCES residents(id),
    teacher_name TEXT NOT NULL DEFAULT '',
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    capacity BIGINT,
    eligibility TEXT NOT NULL DEFAULT '',
    -- Completion rule: at least this share of the sessions attended.
    completion_percent BIGINT NOT NULL DEFAULT 80,
    description TEXT NOT NULL DEFAULT '',
    -- Shown in the public course catalogue.
    listed BIGINT NOT NULL DEFAULT 1,
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX courses_community ON courses (community_id, starts_on);

CREATE TABLE course_sessions (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    course_id BIGINT NOT NULL REFERENCES courses(id),
    held_on TEXT NOT NULL,
    starts_at TEXT NOT NULL DEFAULT '',
    ends_at TEXT NOT NULL DEFAULT '',
    topic TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX course_sessions_course ON course_sessions (course_id, held_on);

CREATE TABLE enrolments (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    course_id BIGINT NOT NULL REFERENCES courses(id),
    resident_id BIGINT NOT NULL REFERENCES residents(id),
    status TEXT NOT NULL CHECK (status IN ('enrolled', 'waitlisted', 'completed', 'dropped')),
    -- staff (on the resident's behalf) or self (public catalogue)
    via TEXT NOT NULL DEFAULT 'staff',
    enrolled_on TEXT NOT NULL,
    completed_on TEXT,
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL,
    UNIQUE (course_id, resident_id)
);
CREATE INDEX enrolments_resident ON enrolments (resident_id);
CREATE INDEX enrolments_completed ON enrolments (community_id, status, completed_on);

-- One row per person present at a session: a roll call or a paper sheet entered afterwards.
CREATE TABLE attendance (
    community_id BIGINT NOT NULL REFERENCES places(id),
    session_id BIGINT NOT NULL REFERENCES course_sessions(id),
    resident_id BIGINT NOT NULL REFERENCES residents(id),
    source TEXT NOT NULL DEFAULT 'roll_call' CHECK (source IN ('roll_call', 'paper')),
    recorded_by BIGINT REFERENCES users(id),
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (session_id, resident_id)
);
CREATE INDEX attendance_resident ON attendance (resident_id);

CREATE TABLE job_seekers (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    resident_id BIGINT NOT NULL REFERENCES residents(id),
    skills TEXT NOT NULL DEFAULT '',
    wishes TEXT NOT NULL DEFAULT '',
    hours TEXT NOT NULL DEFAULT 'any',
    max_km BIGINT,
    status TEXT NOT NULL DEFAULT 'seeking' CHECK (status IN ('seeking', 'placed', 'paused')),
    note TEXT NOT NULL DEFAULT '',
    registered_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (community_id, resident_id)
);

CREATE TABLE openings (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    -- A partner unit or any local business, by name.
    employer TEXT NOT NULL,
    job TEXT NOT NULL,
    requirements TEXT NOT NULL DEFAULT '',
    pay TEXT NOT NULL DEFAULT '',
    hours TEXT NOT NULL DEFAULT 'any',
    place TEXT NOT NULL DEFAULT '',
    distance_km BIGINT,
    slots BIGINT NOT NULL DEFAULT 1,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    posted_on TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX openings_community ON openings (community_id, status);

CREATE TABLE referrals (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    seeker_id BIGINT NOT NULL REFERENCES job_seekers(id),
    opening_id BIGINT NOT NULL REFERENCES openings(id),
    referred_on TEXT NOT NULL,
    result TEXT NOT NULL DEFAULT 'pending' CHECK (result IN ('pending', 'interview', 'hired', 'rejected', 'withdrawn')),
    result_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX referrals_seeker ON referrals (seeker_id);

CREATE TABLE placements (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    resident_id BIGINT NOT NULL REFERENCES residents(id),
    employer TEXT NOT NULL,
    job TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    contract_type TEXT NOT NULL DEFAULT 'labour',
    -- Made by the station (employment.reemployed counts these) or found by the person.
    via_station BIGINT NOT NULL DEFAULT 0,
    opening_id BIGINT REFERENCES openings(id),
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX placements_resident ON placements (resident_id, starts_on);
CREATE INDEX placements_community ON placements (community_id, starts_on);

-- Follow-up calls: on a placement (1, 3, 6 months: employed, left, unknown) or, with no
-- placement, on a trainee after the course (not_employed, unknown).
CREATE TABLE followups (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    placement_id BIGINT REFERENCES placements(id),
    resident_id BIGINT NOT NULL REFERENCES residents(id),
    followed_on TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('employed', 'left', 'unknown', 'not_employed')),
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX followups_placement ON followups (placement_id, followed_on);
CREATE INDEX followups_resident ON followups (resident_id);
