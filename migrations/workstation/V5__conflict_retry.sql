-- Pulled changes kept as conflicts now keep the whole change (kind, stamp, device,
-- user), so they can be applied on their own once what they were waiting for arrives
-- (a parent row, or a record number freed by the server's verdict).
ALTER TABLE sync_conflicts ADD COLUMN change TEXT;
