-- 0024 every fund record sealed (issue 18): a transaction written from now on hashes, besides
-- its postings, the gift or the payment it carries (linli_core::fund::donation_seal,
-- payment_seal), so `linli verify` notices a changed amount, donor, beneficiary or receipt
-- number. Transactions written before keep their hash (sealed = 0) and are checked as before.
ALTER TABLE fund_transactions ADD COLUMN sealed BIGINT NOT NULL DEFAULT 0;
