-- venues, courses, sessions, enrolments, attendance; the employment station (job seekers, openings, referrals, placements, follow-ups).
-- (reserved; filled in by the module)
SELECT 1;
