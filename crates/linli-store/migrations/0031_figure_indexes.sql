-- 0031 Indexes for the figures page and the indicators (issue 19): each figure read from an
-- index alone, in its order, instead of from the table's rows.

-- The age bands (reports::age_bands) are counted in one pass over the community's active
-- residents: their birth dates join the indicators' index, so no row is read. (An index led
-- by birth date was tried: the planner then took it for every search of the community, and
-- walking the rows in birth order made those 1.3-2× slower.)
DROP INDEX residents_indicators;
CREATE INDEX residents_indicators ON residents (community_id, status, created_at, closed_on, household_id, birth_date);

-- Tags in force on a day (summary::residents_by_tag, the tag filter of the roster): the
-- validity in the index, so no tag row is read. It covers what resident_tags_tag did.
CREATE INDEX resident_tags_current ON resident_tags (tag_id, resident_id, valid_from, valid_to);
DROP INDEX resident_tags_tag;

-- Each corridor's inspections newest first with their stars (corridors::stars_up_to: the
-- stars, the high-standard status), read in index order without a sort.
CREATE INDEX corridor_inspections_latest ON corridor_inspections (community_id, corridor_id, inspected_on DESC, id DESC, stars);
