-- 0027 the fund's meeting counted and its postings kept (issue 15).
-- A decision now records who was entitled to attend the residents' meeting (居委会组织法 §9:
-- residents over 18, one per household, or the residents' groups' elected representatives)
-- and how many; the quorum is computed from the numbers, no longer ticked. Decisions recorded
-- before keep eligible and basis NULL: "recorded before the numbers were kept"; their ticked
-- quorum_reached stays what it was.
ALTER TABLE fund_decisions ADD COLUMN eligible BIGINT;
ALTER TABLE fund_decisions ADD COLUMN basis TEXT CHECK (basis IN ('residents', 'households', 'representatives'));

-- §16: the accounts are published promptly. Each month's disclosure as actually put up on the
-- board: for which month, on what day, until when, and who recorded it. The disclosure prints
-- these dates, never the day it happens to be viewed. One posting per month.
CREATE TABLE fund_disclosure_postings (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    month TEXT NOT NULL,
    posted_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    posted_by BIGINT REFERENCES users(id),
    recorded_at TEXT NOT NULL,
    UNIQUE (community_id, month)
);
