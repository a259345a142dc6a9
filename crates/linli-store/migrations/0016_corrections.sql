-- 0016 a resident asks for a correction of what the registry holds about her (个人信息保护法
-- §46): the request as she wrote it, and how a worker resolved it (corrected, or declined with
-- the reason she is told).
CREATE TABLE correction_requests (
    id @ID@,
    community_id BIGINT NOT NULL REFERENCES places(id),
    resident_id BIGINT NOT NULL REFERENCES residents(id),
    requested_by BIGINT REFERENCES users(id),
    field TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    requested_at TEXT NOT NULL,
    resolved_by BIGINT REFERENCES users(id),
    resolved_at TEXT,
    resolution TEXT NOT NULL DEFAULT ''
);
CREATE INDEX correction_requests_open ON correction_requests (community_id, status);
CREATE INDEX correction_requests_resident ON correction_requests (resident_id);
