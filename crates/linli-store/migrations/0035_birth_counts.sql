-- 0035 birth counts (issue 19: figures from maintained aggregates; the figures page's age bands
-- read every active resident of the community, 2.8 ms at 12,000 residents and growing with
-- them, on every view of the page).
--
-- The bands are ages as of today, so the community's active residents are kept counted by
-- birth day and by birth month: a band sums the months wholly inside it (at most ~1,300 rows a
-- community) and, in the month of each of its bounds, the days on its side of the bound (at most
-- 31 rows each). A resident without a birth date is in no band, as before.
-- Kept by triggers on `residents` on both engines, in the writing transaction, so every path
-- that writes residents (forms, imports, moves, closing, erasure) keeps them; filled here for
-- the residents already registered.
CREATE TABLE registry_birth_days (
    community_id BIGINT NOT NULL,
    day TEXT @BINARY@ NOT NULL,
    residents BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, day)
);
CREATE TABLE registry_birth_months (
    community_id BIGINT NOT NULL,
    month TEXT @BINARY@ NOT NULL,
    residents BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, month)
);
INSERT INTO registry_birth_days (community_id, day, residents)
SELECT community_id, birth_date, COUNT(*) FROM residents
WHERE status = 'active' AND birth_date IS NOT NULL
GROUP BY community_id, birth_date;
INSERT INTO registry_birth_months (community_id, month, residents)
SELECT community_id, substr(day, 1, 7), SUM(residents) FROM registry_birth_days
GROUP BY community_id, substr(day, 1, 7);
-- @sqlite
CREATE TRIGGER residents_births_insert AFTER INSERT ON residents
WHEN NEW.status = 'active' AND NEW.birth_date IS NOT NULL
BEGIN
    INSERT INTO registry_birth_days (community_id, day, residents)
    VALUES (NEW.community_id, NEW.birth_date, 1)
    ON CONFLICT (community_id, day) DO UPDATE SET residents = residents + excluded.residents;
    INSERT INTO registry_birth_months (community_id, month, residents)
    VALUES (NEW.community_id, substr(NEW.birth_date, 1, 7), 1)
    ON CONFLICT (community_id, month) DO UPDATE SET residents = residents + excluded.residents;
END;
CREATE TRIGGER residents_births_delete AFTER DELETE ON residents
WHEN OLD.status = 'active' AND OLD.birth_date IS NOT NULL
BEGIN
    INSERT INTO registry_birth_days (community_id, day, residents)
    VALUES (OLD.community_id, OLD.birth_date, -1)
    ON CONFLICT (community_id, day) DO UPDATE SET residents = residents + excluded.residents;
    INSERT INTO registry_birth_months (community_id, month, residents)
    VALUES (OLD.community_id, substr(OLD.birth_date, 1, 7), -1)
    ON CONFLICT (community_id, month) DO UPDATE SET residents = residents + excluded.residents;
END;
CREATE TRIGGER residents_births_update AFTER UPDATE OF community_id, status, birth_date ON residents
BEGIN
    INSERT INTO registry_birth_days (community_id, day, residents)
    SELECT OLD.community_id, OLD.birth_date, -1 WHERE OLD.status = 'active' AND OLD.birth_date IS NOT NULL
    ON CONFLICT (community_id, day) DO UPDATE SET residents = residents + excluded.residents;
    INSERT INTO registry_birth_months (community_id, month, residents)
    SELECT OLD.community_id, substr(OLD.birth_date, 1, 7), -1 WHERE OLD.status = 'active' AND OLD.birth_date IS NOT NULL
    ON CONFLICT (community_id, month) DO UPDATE SET residents = residents + excluded.residents;
    INSERT INTO registry_birth_days (community_id, day, residents)
    SELECT NEW.community_id, NEW.birth_date, 1 WHERE NEW.status = 'active' AND NEW.birth_date IS NOT NULL
    ON CONFLICT (community_id, day) DO UPDATE SET residents = residents + excluded.residents;
    INSERT INTO registry_birth_months (community_id, month, residents)
    SELECT NEW.community_id, substr(NEW.birth_date, 1, 7), 1 WHERE NEW.status = 'active' AND NEW.birth_date IS NOT NULL
    ON CONFLICT (community_id, month) DO UPDATE SET residents = residents + excluded.residents;
END;
-- @end
-- @postgres
CREATE FUNCTION linli_registry_birth(c BIGINT, st TEXT, born TEXT, sign BIGINT)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF st = 'active' AND born IS NOT NULL THEN
        INSERT INTO registry_birth_days (community_id, day, residents) VALUES (c, born, sign)
        ON CONFLICT (community_id, day) DO UPDATE SET residents = registry_birth_days.residents + excluded.residents;
        INSERT INTO registry_birth_months (community_id, month, residents) VALUES (c, substr(born, 1, 7), sign)
        ON CONFLICT (community_id, month) DO UPDATE SET residents = registry_birth_months.residents + excluded.residents;
    END IF;
END
$$;
CREATE FUNCTION linli_registry_births() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM linli_registry_birth(OLD.community_id, OLD.status, OLD.birth_date, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM linli_registry_birth(NEW.community_id, NEW.status, NEW.birth_date, 1);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER residents_births AFTER INSERT OR DELETE OR UPDATE OF community_id, status, birth_date
    ON residents FOR EACH ROW EXECUTE FUNCTION linli_registry_births();
-- @end
