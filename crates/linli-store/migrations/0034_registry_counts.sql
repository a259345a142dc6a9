-- 0034 registry counts (issue 19: each figure of a district of 1M residents ≤ 50 ms; the
-- street's totals of `registry.residents` and `registry.households` took 217 and 180 ms, as
-- each community's figure counts its 25,000 residents).
--
-- Both figures are counts "as of a day" (the period's end), so they are kept as changes by
-- day, summed up to that day (`reports`: a few hundred rows a community):
-- * registry_day_counts.residents: +1 on the day a counted resident was registered (the day of
--   `created_at`, in UTC as the figure compares it); for one moved away or deceased, -1 on the
--   day of `closed_on` (never before the first). Residents anonymized, or closed without a day,
--   are not counted (as the figure's own query does not count them).
-- * registry_day_counts.households: +1 on the day of each household's first active member
--   (registry_households.first_day: a household counts once it has an active member
--   registered by the day).
-- Kept by triggers on `residents` on both engines, in the writing transaction, so every path
-- that writes residents (forms, imports, moves, erasure) keeps them; filled here for the
-- residents already registered.
CREATE TABLE registry_day_counts (
    community_id BIGINT NOT NULL,
    day TEXT @BINARY@ NOT NULL,
    residents BIGINT NOT NULL DEFAULT 0,
    households BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, day)
);
CREATE TABLE registry_households (
    community_id BIGINT NOT NULL,
    household_id BIGINT NOT NULL,
    first_day TEXT @BINARY@ NOT NULL,
    PRIMARY KEY (community_id, household_id)
);
INSERT INTO registry_day_counts (community_id, day, residents, households)
SELECT community_id, day, SUM(delta), 0 FROM (
    SELECT community_id, substr(created_at, 1, 10) AS day, 1 AS delta FROM residents
    WHERE status = 'active' OR (status IN ('moved_away', 'deceased') AND closed_on IS NOT NULL)
    UNION ALL
    SELECT community_id,
        CASE WHEN closed_on > substr(created_at, 1, 10) THEN closed_on ELSE substr(created_at, 1, 10) END,
        -1 FROM residents
    WHERE status IN ('moved_away', 'deceased') AND closed_on IS NOT NULL
) AS changes GROUP BY community_id, day;
INSERT INTO registry_households (community_id, household_id, first_day)
SELECT community_id, household_id, MIN(substr(created_at, 1, 10)) FROM residents
WHERE status = 'active' AND household_id IS NOT NULL
GROUP BY community_id, household_id;
INSERT INTO registry_day_counts (community_id, day, residents, households)
SELECT community_id, first_day, 0, COUNT(*) FROM registry_households WHERE true
GROUP BY community_id, first_day
ON CONFLICT (community_id, day) DO UPDATE SET households = registry_day_counts.households + excluded.households;
-- @sqlite
CREATE TRIGGER residents_counts_insert AFTER INSERT ON residents
BEGIN
    INSERT INTO registry_day_counts (community_id, day, residents)
    SELECT NEW.community_id, substr(NEW.created_at, 1, 10), 1
    WHERE NEW.status = 'active' OR (NEW.status IN ('moved_away', 'deceased') AND NEW.closed_on IS NOT NULL)
    ON CONFLICT (community_id, day) DO UPDATE SET residents = residents + excluded.residents;
    INSERT INTO registry_day_counts (community_id, day, residents)
    SELECT NEW.community_id, max(substr(NEW.created_at, 1, 10), NEW.closed_on), -1
    WHERE NEW.status IN ('moved_away', 'deceased') AND NEW.closed_on IS NOT NULL
    ON CONFLICT (community_id, day) DO UPDATE SET residents = residents + excluded.residents;
    -- An active member: the household's first day is this one's when it is earlier.
    INSERT INTO registry_day_counts (community_id, day, households)
    SELECT community_id, first_day, -1 FROM registry_households
    WHERE NEW.status = 'active' AND community_id = NEW.community_id AND household_id = NEW.household_id
        AND first_day > substr(NEW.created_at, 1, 10)
    ON CONFLICT (community_id, day) DO UPDATE SET households = households + excluded.households;
    INSERT INTO registry_day_counts (community_id, day, households)
    SELECT NEW.community_id, substr(NEW.created_at, 1, 10), 1
    WHERE NEW.status = 'active' AND NEW.household_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM registry_households WHERE community_id = NEW.community_id
            AND household_id = NEW.household_id AND first_day <= substr(NEW.created_at, 1, 10))
    ON CONFLICT (community_id, day) DO UPDATE SET households = households + excluded.households;
    INSERT INTO registry_households (community_id, household_id, first_day)
    SELECT NEW.community_id, NEW.household_id, substr(NEW.created_at, 1, 10)
    WHERE NEW.status = 'active' AND NEW.household_id IS NOT NULL
    ON CONFLICT (community_id, household_id) DO UPDATE SET first_day = min(first_day, excluded.first_day);
END;
CREATE TRIGGER residents_counts_delete AFTER DELETE ON residents
BEGIN
    INSERT INTO registry_day_counts (community_id, day, residents)
    SELECT OLD.community_id, substr(OLD.created_at, 1, 10), -1
    WHERE OLD.status = 'active' OR (OLD.status IN ('moved_away', 'deceased') AND OLD.closed_on IS NOT NULL)
    ON CONFLICT (community_id, day) DO UPDATE SET residents = residents + excluded.residents;
    INSERT INTO registry_day_counts (community_id, day, residents)
    SELECT OLD.community_id, max(substr(OLD.created_at, 1, 10), OLD.closed_on), 1
    WHERE OLD.status IN ('moved_away', 'deceased') AND OLD.closed_on IS NOT NULL
    ON CONFLICT (community_id, day) DO UPDATE SET residents = residents + excluded.residents;
    -- The household's first day found again from its members.
    INSERT INTO registry_day_counts (community_id, day, households)
    SELECT community_id, first_day, -1 FROM registry_households
    WHERE community_id = OLD.community_id AND household_id = OLD.household_id
    ON CONFLICT (community_id, day) DO UPDATE SET households = households + excluded.households;
    DELETE FROM registry_households WHERE community_id = OLD.community_id AND household_id = OLD.household_id;
    INSERT INTO registry_households (community_id, household_id, first_day)
    SELECT c, h, d FROM (
        SELECT OLD.community_id AS c, OLD.household_id AS h, min(substr(created_at, 1, 10)) AS d FROM residents
        WHERE community_id = OLD.community_id AND household_id = OLD.household_id AND status = 'active'
    ) WHERE d IS NOT NULL;
    INSERT INTO registry_day_counts (community_id, day, households)
    SELECT community_id, first_day, 1 FROM registry_households
    WHERE community_id = OLD.community_id AND household_id = OLD.household_id
    ON CONFLICT (community_id, day) DO UPDATE SET households = households + excluded.households;
END;
CREATE TRIGGER residents_counts_update AFTER UPDATE OF community_id, household_id, status, closed_on, created_at ON residents
BEGIN
    INSERT INTO registry_day_counts (community_id, day, residents)
    SELECT OLD.community_id, substr(OLD.created_at, 1, 10), -1
    WHERE OLD.status = 'active' OR (OLD.status IN ('moved_away', 'deceased') AND OLD.closed_on IS NOT NULL)
    ON CONFLICT (community_id, day) DO UPDATE SET residents = residents + excluded.residents;
    INSERT INTO registry_day_counts (community_id, day, residents)
    SELECT OLD.community_id, max(substr(OLD.created_at, 1, 10), OLD.closed_on), 1
    WHERE OLD.status IN ('moved_away', 'deceased') AND OLD.closed_on IS NOT NULL
    ON CONFLICT (community_id, day) DO UPDATE SET residents = residents + excluded.residents;
    INSERT INTO registry_day_counts (community_id, day, residents)
    SELECT NEW.community_id, substr(NEW.created_at, 1, 10), 1
    WHERE NEW.status = 'active' OR (NEW.status IN ('moved_away', 'deceased') AND NEW.closed_on IS NOT NULL)
    ON CONFLICT (community_id, day) DO UPDATE SET residents = residents + excluded.residents;
    INSERT INTO registry_day_counts (community_id, day, residents)
    SELECT NEW.community_id, max(substr(NEW.created_at, 1, 10), NEW.closed_on), -1
    WHERE NEW.status IN ('moved_away', 'deceased') AND NEW.closed_on IS NOT NULL
    ON CONFLICT (community_id, day) DO UPDATE SET residents = residents + excluded.residents;
    -- Both households (the old and the new, often the same) found again from their members.
    INSERT INTO registry_day_counts (community_id, day, households)
    SELECT community_id, first_day, -1 FROM registry_households
    WHERE (community_id = OLD.community_id AND household_id = OLD.household_id)
       OR (community_id = NEW.community_id AND household_id = NEW.household_id)
    ON CONFLICT (community_id, day) DO UPDATE SET households = households + excluded.households;
    DELETE FROM registry_households
    WHERE (community_id = OLD.community_id AND household_id = OLD.household_id)
       OR (community_id = NEW.community_id AND household_id = NEW.household_id);
    INSERT INTO registry_households (community_id, household_id, first_day)
    SELECT c, h, d FROM (
        SELECT OLD.community_id AS c, OLD.household_id AS h, min(substr(created_at, 1, 10)) AS d FROM residents
        WHERE community_id = OLD.community_id AND household_id = OLD.household_id AND status = 'active'
    ) WHERE d IS NOT NULL;
    INSERT INTO registry_households (community_id, household_id, first_day)
    SELECT c, h, d FROM (
        SELECT NEW.community_id AS c, NEW.household_id AS h, min(substr(created_at, 1, 10)) AS d FROM residents
        WHERE community_id = NEW.community_id AND household_id = NEW.household_id AND status = 'active'
    ) WHERE d IS NOT NULL
    ON CONFLICT (community_id, household_id) DO NOTHING;
    INSERT INTO registry_day_counts (community_id, day, households)
    SELECT community_id, first_day, 1 FROM registry_households
    WHERE (community_id = OLD.community_id AND household_id = OLD.household_id)
       OR (community_id = NEW.community_id AND household_id = NEW.household_id)
    ON CONFLICT (community_id, day) DO UPDATE SET households = households + excluded.households;
END;
-- @end
-- @postgres
CREATE FUNCTION linli_registry_resident(c BIGINT, created TEXT, st TEXT, closed TEXT, sign BIGINT)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF st = 'active' OR (st IN ('moved_away', 'deceased') AND closed IS NOT NULL) THEN
        INSERT INTO registry_day_counts (community_id, day, residents) VALUES (c, substr(created, 1, 10), sign)
        ON CONFLICT (community_id, day) DO UPDATE SET residents = registry_day_counts.residents + excluded.residents;
    END IF;
    IF st IN ('moved_away', 'deceased') AND closed IS NOT NULL THEN
        INSERT INTO registry_day_counts (community_id, day, residents)
        VALUES (c, GREATEST(substr(created, 1, 10), closed), -sign)
        ON CONFLICT (community_id, day) DO UPDATE SET residents = registry_day_counts.residents + excluded.residents;
    END IF;
END
$$;
CREATE FUNCTION linli_registry_household(c BIGINT, h BIGINT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    was TEXT;
    now_first TEXT;
BEGIN
    IF h IS NULL THEN
        RETURN;
    END IF;
    DELETE FROM registry_households WHERE community_id = c AND household_id = h RETURNING first_day INTO was;
    IF was IS NOT NULL THEN
        UPDATE registry_day_counts SET households = households - 1 WHERE community_id = c AND day = was;
    END IF;
    SELECT MIN(substr(created_at, 1, 10)) INTO now_first FROM residents
    WHERE community_id = c AND household_id = h AND status = 'active';
    IF now_first IS NOT NULL THEN
        INSERT INTO registry_households (community_id, household_id, first_day) VALUES (c, h, now_first);
        INSERT INTO registry_day_counts (community_id, day, households) VALUES (c, now_first, 1)
        ON CONFLICT (community_id, day) DO UPDATE SET households = registry_day_counts.households + 1;
    END IF;
END
$$;
CREATE FUNCTION linli_registry_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM linli_registry_resident(OLD.community_id, OLD.created_at, OLD.status, OLD.closed_on, -1);
        PERFORM linli_registry_household(OLD.community_id, OLD.household_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM linli_registry_resident(NEW.community_id, NEW.created_at, NEW.status, NEW.closed_on, 1);
        IF TG_OP = 'INSERT' OR OLD.community_id <> NEW.community_id
            OR OLD.household_id IS DISTINCT FROM NEW.household_id THEN
            PERFORM linli_registry_household(NEW.community_id, NEW.household_id);
        END IF;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER residents_counts AFTER INSERT OR DELETE OR UPDATE OF community_id, household_id, status, closed_on, created_at
    ON residents FOR EACH ROW EXECUTE FUNCTION linli_registry_counts();
-- @end
