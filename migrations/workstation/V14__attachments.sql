-- Attachments: scans, photos and PDFs of a patient, optionally of one visit. The row says
-- what the file is (its kind, told by its content; its size; the SHA-256 of its
-- plaintext) and holds its own random key. The bytes live outside the database, in the
-- data directory's attachments/<id>.bin, sealed chunk by chunk with that key
-- (XChaCha20-Poly1305); the key itself is only ever stored here, inside the encrypted
-- database. A record is never deleted and its file never changes: it is archived, with a
-- reason, and stays archived.
CREATE TABLE attachments (
    id              TEXT PRIMARY KEY,
    patient_id      TEXT NOT NULL,
    encounter_id    TEXT,
    file_name       TEXT NOT NULL,
    title           TEXT,
    mime            TEXT NOT NULL CHECK (mime IN ('application/pdf', 'image/png', 'image/jpeg',
                                                  'image/tiff', 'image/webp')),
    size            INTEGER NOT NULL CHECK (size BETWEEN 1 AND 26214400),
    sha256          TEXT NOT NULL CHECK (length(sha256) = 64),
    file_key        TEXT NOT NULL CHECK (length(file_key) = 64),
    added_by        TEXT NOT NULL,
    added_at        TEXT NOT NULL,
    archived        INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    archived_at     TEXT,
    archived_by     TEXT,
    archive_reason  TEXT,
    updated_at      TEXT NOT NULL
) STRICT;

CREATE INDEX attachments_by_patient ON attachments (patient_id, added_at);
CREATE INDEX attachments_by_encounter ON attachments (encounter_id) WHERE encounter_id IS NOT NULL;

CREATE TRIGGER attachments_never_deleted BEFORE DELETE ON attachments
BEGIN
    SELECT RAISE(ABORT, 'attachments are never deleted; archive them');
END;

CREATE TRIGGER attachments_file_never_changes BEFORE UPDATE ON attachments
WHEN NEW.file_key IS NOT OLD.file_key OR NEW.sha256 IS NOT OLD.sha256
    OR NEW.size IS NOT OLD.size OR NEW.mime IS NOT OLD.mime
    OR NEW.added_by IS NOT OLD.added_by OR NEW.added_at IS NOT OLD.added_at
BEGIN
    SELECT RAISE(ABORT, 'an attachment''s file never changes; add the new file as another attachment');
END;

CREATE TRIGGER attachments_stay_archived BEFORE UPDATE ON attachments
WHEN OLD.archived = 1 AND NEW.archived = 0
BEGIN
    SELECT RAISE(ABORT, 'an archived attachment stays archived; add the file again if it is needed');
END;

-- Workstation bookkeeping, never synced: attachments made here whose sealed bytes the
-- sync server does not hold yet. Only their author's sync uploads them (the server takes
-- an attachment's bytes from nobody else), like the author's changes in the outbox.
CREATE TABLE attachment_uploads (
    attachment_id  TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL,
    size           INTEGER NOT NULL CHECK (size >= 1),
    queued_at      TEXT NOT NULL,
    done_at        TEXT,
    last_error     TEXT
) STRICT;

CREATE INDEX attachment_uploads_pending ON attachment_uploads (user_id, queued_at)
    WHERE done_at IS NULL;
