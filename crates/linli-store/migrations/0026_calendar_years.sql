-- 0026 the working-day calendar in whole years (issue 15).
-- Before, any row in workday_overrides replaced the whole shipped calendar: one 2027 day loaded
-- and the 2026 holidays were gone. Now the database holds year schedules, each one State
-- Council notice: calendar_years says which years a community (0: the whole deployment) has
-- loaded, calendar_days their days. A loaded year replaces only that year of the layer below it
-- (the shipped years, then the deployment's, then the community's); `year` is the notice's
-- year, so run-up days in the December before (2019's notice made 2018-12-29 a working day)
-- stay with the notice that named them.
CREATE TABLE calendar_years (
    community_id BIGINT NOT NULL DEFAULT 0,
    year BIGINT NOT NULL,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, year)
);

CREATE TABLE calendar_days (
    community_id BIGINT NOT NULL DEFAULT 0,
    year BIGINT NOT NULL,
    day TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, year, day)
);

-- What was loaded the old way keeps working: each year it has days in becomes a loaded year.
INSERT INTO calendar_years (community_id, year, loaded_at, loaded_by)
    SELECT DISTINCT community_id, CAST(substr(day, 1, 4) AS BIGINT), '', 'migration 0026'
    FROM workday_overrides;
INSERT INTO calendar_days (community_id, year, day, kind, name)
    SELECT community_id, CAST(substr(day, 1, 4) AS BIGINT), day, kind, name
    FROM workday_overrides;
DROP TABLE workday_overrides;
