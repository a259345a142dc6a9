-- 0013 accounts that can be ended and reset: an administrator may set a temporary password,
-- which the user must replace at the next sign-in (until then pages lead to the password form
-- and no API token is issued).
ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
