-- 0004 registry indexes, from the district benchmark (`bench-registry` in crates/linli-bench:
-- 40 communities of 25,000 residents, a 100,000-row roster import, 600 searches).
--
-- The roster order within a community: residents by status, building and unit. A page of
-- the roster (ORDER BY building, unit, household, id) walks this index and stops once the
-- page is full instead of sorting the whole community; a building or unit filter is a range
-- of it; the count of a list is answered from the index alone (place_path is here for the
-- scope check); and a scan of a community for a name or an age reads the rows in roster
-- order. On 1,000,000 residents the first page of a 25,000-resident community went from
-- ~57 ms to ~3 ms.
CREATE INDEX residents_roster ON residents (community_id, status, building_id, unit_id, place_path);

-- What the roster index makes redundant. Every index is paid for on every resident written
-- (an import of 100,000 rows writes each index 100,000 times), and these three served no
-- query the roster index does not serve better:
-- * place_path alone: every search also names the community, and the scope check is read
--   from the roster index;
-- * (building_id, unit_id): the roster index has them after (community_id, status);
-- * (community_id, name): name searches are `LIKE '%…%'`, which no index can serve; they
--   scan the community in roster order.
DROP INDEX residents_place;
DROP INDEX residents_building;
DROP INDEX residents_name;
