-- the annual summary: the community's editable template and saved drafts.
-- (reserved; filled in by the module)
SELECT 1;
