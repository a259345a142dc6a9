-- residents' own sign-ups from the public course catalogue (reserved; filled in by the module)
SELECT 1;
