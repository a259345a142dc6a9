-- 0023 an idempotency key remembers what was asked with it (issue 18): a retry with the same
-- key and the same request gets the first answer; the same key with another request is
-- refused (idempotency_key_reused). Rows from before this version have no fingerprint and
-- keep answering as they did.
ALTER TABLE idempotency_keys ADD COLUMN request_hash TEXT;
