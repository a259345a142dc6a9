-- holiday visit plans (节日慰问): plans, the visit list, teams, visits.
-- (reserved; filled in by the module)
SELECT 1;
