-- photos of partner activities (reserved; filled in by the module)
SELECT 1;
