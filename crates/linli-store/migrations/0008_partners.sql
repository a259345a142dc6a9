-- partner units, agreements and commitments, the joint committee, partner activities, the three lists; residents' issue reports (民生诉求).
-- (reserved; filled in by the module)
SELECT 1;
