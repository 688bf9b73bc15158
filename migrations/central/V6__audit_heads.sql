-- Each device's audit chain as far as the server has acknowledged it. The next event a
-- device pushes must follow it (its sequence number and previous hash) and hash right,
-- so a chain rewritten or cut short on a workstation is refused on push, and the
-- workstation's audit verify compares its own chain with this head.
CREATE TABLE audit_heads (
    device_id  UUID PRIMARY KEY,
    seq        BIGINT NOT NULL CHECK (seq >= 1),
    hash       TEXT NOT NULL
);

-- Chains pushed before the server anchored them: the newest event each device sent.
INSERT INTO audit_heads (device_id, seq, hash)
SELECT DISTINCT ON (fields->>'device_id')
       (fields->>'device_id')::uuid, (fields->>'device_seq')::bigint, fields->>'hash'
FROM row_state
WHERE table_name = 'audit_log'
  AND fields->>'device_id' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
  AND fields->>'device_seq' ~ '^[0-9]+$'
ORDER BY fields->>'device_id', (fields->>'device_seq')::bigint DESC;
