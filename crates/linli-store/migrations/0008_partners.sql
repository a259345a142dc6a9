-- 0008 partner linkage (共建联动) and residents' issue reports (民生诉求): partner units, their
-- agreements and commitments, the activities that fulfil them, the joint party committee, the
-- three lists (needs, resources, projects), and issue reports with their history and photos.

-- A partner unit: a government department, a school, the clinic …
CREATE TABLE partners (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('government', 'state_enterprise', 'school', 'hospital', 'business', 'social_org')),
    address TEXT NOT NULL DEFAULT '',
    -- The unit's own party organisation (双报到: it reports to the community).
    party_org TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (community_id, name)
);

-- A co-building agreement. A renewal is a new row naming the one it renews: the history stays.
CREATE TABLE agreements (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    partner_id BIGINT NOT NULL REFERENCES partners(id),
    signed_on TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL,
    parties TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    renews_id BIGINT REFERENCES agreements(id),
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX agreements_partner ON agreements (partner_id, valid_to);
CREATE INDEX agreements_community ON agreements (community_id, valid_from, valid_to);

-- A recurring promise of an agreement: 6 health lectures a year, 200 volunteer hours a year.
CREATE TABLE commitments (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    agreement_id BIGINT NOT NULL REFERENCES agreements(id),
    partner_id BIGINT NOT NULL REFERENCES partners(id),
    kind TEXT NOT NULL,
    -- Activities per year, or whole hours for volunteer service.
    target_per_year BIGINT NOT NULL CHECK (target_per_year > 0)
);
CREATE INDEX commitments_agreement ON commitments (agreement_id);

-- What a partner delivered (fulfils its commitments; feeds partners.lectures).
CREATE TABLE partner_activities (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    partner_id BIGINT NOT NULL REFERENCES partners(id),
    kind TEXT NOT NULL,
    held_on TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    -- 人次 who took part; hours in tenths (3.5 h = 35).
    participants BIGINT,
    hours_tenths BIGINT,
    residents_served TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX partner_activities_partner ON partner_activities (partner_id, held_on);
CREATE INDEX partner_activities_day ON partner_activities (community_id, kind, held_on);

-- The joint party committee (联合党委): posts with terms, held by partner leaders or staff.
CREATE TABLE committee_posts (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    post TEXT NOT NULL CHECK (post IN ('secretary', 'deputy_secretary', 'member', 'advisor')),
    person_name TEXT NOT NULL,
    -- The post holder's unit, when a partner's leader; NULL for community staff.
    partner_id BIGINT REFERENCES partners(id),
    title TEXT NOT NULL DEFAULT '',
    term_from TEXT NOT NULL,
    term_to TEXT
);

CREATE TABLE committee_meetings (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    held_on TEXT NOT NULL,
    title TEXT NOT NULL,
    minutes TEXT NOT NULL DEFAULT '',
    -- Who attended, as written in the minutes.
    attendance TEXT NOT NULL DEFAULT '',
    attendees BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

-- The resources list: what partners offer.
CREATE TABLE partner_resources (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    partner_id BIGINT NOT NULL REFERENCES partners(id),
    kind TEXT NOT NULL CHECK (kind IN ('people', 'skills', 'equipment', 'money', 'venue')),
    description TEXT NOT NULL,
    availability TEXT NOT NULL DEFAULT '',
    active BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

-- Issue reports (民生诉求). Declared before needs: a need may come from one.
CREATE TABLE affair_categories (
    community_id BIGINT NOT NULL,
    code TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    respond_days BIGINT NOT NULL,
    resolve_days BIGINT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    sort_order BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, code)
);

CREATE TABLE affairs (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    -- What the resident is given to follow the issue on the public page (not guessable).
    public_ref TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    place_id BIGINT REFERENCES places(id),
    -- Where (scope checks: a building head sees their buildings' issues); the community's own
    -- path when only free text says where.
    place_path TEXT @BINARY@ NOT NULL,
    place_text TEXT NOT NULL DEFAULT '',
    -- The callback number: masked everywhere it is shown.
    reporter_phone TEXT,
    -- phone_page (the public form), call, visit, staff.
    channel TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('reported', 'assigned', 'in_progress', 'resolved', 'closed')),
    reported_on TEXT NOT NULL,
    respond_by TEXT NOT NULL,
    resolve_by TEXT NOT NULL,
    assignee_user_id BIGINT REFERENCES users(id),
    assignee_partner_id BIGINT REFERENCES partners(id),
    responded_on TEXT,
    resolved_on TEXT,
    resolution TEXT NOT NULL DEFAULT '',
    rating TEXT CHECK (rating IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
    rated_on TEXT,
    rating_note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX affairs_community ON affairs (community_id, status, resolve_by);
CREATE INDEX affairs_reported ON affairs (community_id, reported_on);
CREATE INDEX affairs_resolved ON affairs (community_id, resolved_on);
CREATE INDEX affairs_partner ON affairs (assignee_partner_id, status);

-- The history of an issue, oldest first: reported, assigned, re-routed (with the reason),
-- progress, resolved, rated. `shown` rows show on the public progress page.
CREATE TABLE affair_events (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    affair_id BIGINT NOT NULL REFERENCES affairs(id),
    happened_at TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor_user_id BIGINT REFERENCES users(id),
    -- Who now holds it (a unit's name or 社区工作人员), before and after a dispatch.
    from_label TEXT NOT NULL DEFAULT '',
    to_label TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    shown BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX affair_events_affair ON affair_events (affair_id, id);

-- Photos, re-encoded on upload (no EXIF, no location), kept in the database so that every
-- instance behind a load balancer serves them.
CREATE TABLE affair_photos (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    affair_id BIGINT NOT NULL REFERENCES affairs(id),
    stage TEXT NOT NULL DEFAULT 'report',
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
CREATE INDEX affair_photos_affair ON affair_photos (affair_id);

-- The needs list (需求清单); a confirmed claim makes the need a project (项目清单): the
-- project's fields live on the same row.
CREATE TABLE needs (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    place_text TEXT NOT NULL DEFAULT '',
    urgency TEXT NOT NULL DEFAULT 'normal' CHECK (urgency IN ('normal', 'urgent')),
    -- Who raised it: 居民 / 楼长 / 社区工作人员 and a name or the issue it came from.
    raised_by TEXT NOT NULL DEFAULT '',
    affair_id BIGINT REFERENCES affairs(id),
    status TEXT NOT NULL CHECK (status IN ('open', 'claimed', 'matched', 'done', 'closed')),
    partner_id BIGINT REFERENCES partners(id),
    resource_id BIGINT REFERENCES partner_resources(id),
    claim_note TEXT NOT NULL DEFAULT '',
    claimed_on TEXT,
    confirmed_on TEXT,
    confirmed_by BIGINT REFERENCES users(id),
    owner TEXT NOT NULL DEFAULT '',
    plan TEXT NOT NULL DEFAULT '',
    milestones TEXT NOT NULL DEFAULT '',
    progress TEXT NOT NULL DEFAULT '',
    completed_on TEXT,
    verdict TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX needs_community ON needs (community_id, status);
