-- 0025 what is taken out of use keeps its history (issue 17).
-- A 宣传画廊 board that articles were posted on is not deleted but retired: from that day it is
-- offered to no new article and left out of the public boards, and its articles keep naming it.
-- NULL: in use.
ALTER TABLE publicity_boards ADD COLUMN retired_on TEXT;
-- A checklist item taken off the community's checklist stays here, retired, so the past
-- inspections that failed it keep naming it in the community's words (never by its code).
ALTER TABLE inspection_items ADD COLUMN retired BIGINT NOT NULL DEFAULT 0;
