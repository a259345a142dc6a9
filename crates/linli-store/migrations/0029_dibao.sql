-- 0029 低保 done by the rules (最低生活保障审核确认办法, issue 15).
-- Plain ADD COLUMNs, the same on both engines; applications opened before keep NULL where a
-- value was never recorded ("recorded before these were kept"), and 0 for the flags.

-- §4, §24: the household's size, printed on the first review's posting with the amount.
ALTER TABLE applications ADD COLUMN household_size BIGINT;
-- §11: an applicant who is a close relative of a 低保 worker or of a committee member is
-- registered separately (as cases.conflict_of_interest does for case files).
ALTER TABLE applications ADD COLUMN close_relative BIGINT NOT NULL DEFAULT 0;
-- §6: the date of the family's written authorisation when the committee applies on its
-- behalf (entrusted); authorisation_note (0005) says where the paper is filed.
ALTER TABLE applications ADD COLUMN authorisation_on TEXT;
-- §24: the monthly amount the first review proposes, in fen, and the day its 7-day posting
-- (§19) went up.
ALTER TABLE applications ADD COLUMN monthly_amount_fen BIGINT;
ALTER TABLE applications ADD COLUMN posting_start_on TEXT;
-- §31: rechecked yearly, or half-yearly for unstable income or members able to work: the
-- cycle chosen with the decision, when the next recheck is due and when the last was done.
ALTER TABLE applications ADD COLUMN recheck_cycle TEXT CHECK (recheck_cycle IN ('yearly', 'half_yearly'));
ALTER TABLE applications ADD COLUMN next_recheck_on TEXT;
ALTER TABLE applications ADD COLUMN last_recheck_on TEXT;
CREATE INDEX applications_recheck ON applications (community_id, next_recheck_on);
CREATE INDEX applications_posting ON applications (community_id, posting_start_on);

-- §16: the survey's investigators (at least two), a JSON list of names.
ALTER TABLE application_steps ADD COLUMN investigators TEXT NOT NULL DEFAULT '[]';
