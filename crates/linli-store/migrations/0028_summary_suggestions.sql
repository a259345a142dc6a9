-- 0028 stories suggested from the records (issue 15): besides a hardship case and a placement,
-- a summary may tell of a volunteer (`volunteer`, volunteers.id: the longest-serving) and of a
-- partner unit's project (`partner_project`, partner_activities.id: the biggest). Until a
-- worker saves the year's picks, the summary tells the ones the records suggest;
-- summary_story_years says a year's picks were saved (so none picked stays none).
CREATE TABLE summary_picks (
    community_id BIGINT NOT NULL REFERENCES places(id),
    year BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('case', 'placement', 'volunteer', 'partner_project')),
    object_id BIGINT NOT NULL,
    sort_order BIGINT NOT NULL DEFAULT 0,
    picked_by BIGINT REFERENCES users(id),
    picked_at TEXT NOT NULL,
    PRIMARY KEY (community_id, year, kind, object_id)
);
INSERT INTO summary_picks (community_id, year, kind, object_id, sort_order, picked_by, picked_at)
    SELECT community_id, year, kind, object_id, sort_order, picked_by, picked_at FROM summary_stories;
DROP TABLE summary_stories;
ALTER TABLE summary_picks RENAME TO summary_stories;

CREATE TABLE summary_story_years (
    community_id BIGINT NOT NULL REFERENCES places(id),
    year BIGINT NOT NULL,
    saved_by BIGINT REFERENCES users(id),
    saved_at TEXT NOT NULL,
    PRIMARY KEY (community_id, year)
);
-- A year whose stories were picked before keeps its picks.
INSERT INTO summary_story_years (community_id, year, saved_by, saved_at)
    SELECT community_id, year, MIN(picked_by), MIN(picked_at) FROM summary_stories GROUP BY community_id, year;
