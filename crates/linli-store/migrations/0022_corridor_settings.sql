-- 0022 a community's own corridor rules (issue 17): the stars' thresholds, what keeps a corridor
-- high-standard, when a board is stale, and its corridors' boards. No row: the defaults of
-- linli_core::corridors. The checklist is inspection_items (0019).
CREATE TABLE corridor_settings (
    community_id BIGINT PRIMARY KEY REFERENCES places(id),
    -- The scores from which 2, 3, 4 and 5 stars are earned, e.g. '60,70,80,90'.
    thresholds TEXT NOT NULL,
    high_stars BIGINT NOT NULL,
    high_last BIGINT NOT NULL,
    stale_days BIGINT NOT NULL,
    -- The boards in order, one 'code=name' per line.
    boards TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
