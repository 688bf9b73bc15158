-- Foundation schema of a workstation's encrypted database.
-- Forward-only: an applied migration is never edited; later changes add V{n+1}.

-- Exactly one row: who this database is. database_id must match the key file.
CREATE TABLE workstation (
    singleton    INTEGER PRIMARY KEY CHECK (singleton = 1),
    database_id  TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    branch_id    TEXT NOT NULL,
    created_at   TEXT NOT NULL
) STRICT;

CREATE TABLE organisation (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    currency    TEXT NOT NULL CHECK (length(currency) = 3),
    time_zone   TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE branches (
    id               TEXT PRIMARY KEY,
    organisation_id  TEXT NOT NULL REFERENCES organisation(id),
    code             TEXT NOT NULL UNIQUE CHECK (code GLOB '[A-Z][A-Z0-9]*'),
    name             TEXT NOT NULL,
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at       TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'doctor', 'nurse', 'receptionist',
                      'lab_technician', 'pharmacist', 'accountant', 'patient')),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

-- The last hybrid-logical-clock value handed out, so stamps stay monotonic across restarts.
CREATE TABLE hlc_state (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    wall_ms    INTEGER NOT NULL,
    counter    INTEGER NOT NULL
) STRICT;

-- The transactional outbox: every write to a synced table adds a row here in the same
-- transaction. Rows are never updated except to mark them pushed, and never deleted.
CREATE TABLE change_log (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    change_id       TEXT NOT NULL UNIQUE,
    table_name      TEXT NOT NULL,
    row_id          TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('upsert', 'append', 'tombstone')),
    fields          TEXT NOT NULL CHECK (json_valid(fields)),
    hlc             TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    user_id         TEXT,
    schema_version  INTEGER NOT NULL,
    recorded_at     TEXT NOT NULL,
    pushed_at       TEXT
) STRICT;

CREATE INDEX change_log_unpushed ON change_log (seq) WHERE pushed_at IS NULL;

CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
BEGIN
    SELECT RAISE(ABORT, 'change_log is append-only');
END;

CREATE TRIGGER change_log_only_mark_pushed BEFORE UPDATE ON change_log
WHEN NEW.change_id IS NOT OLD.change_id OR NEW.table_name IS NOT OLD.table_name
  OR NEW.row_id IS NOT OLD.row_id OR NEW.kind IS NOT OLD.kind OR NEW.fields IS NOT OLD.fields
  OR NEW.hlc IS NOT OLD.hlc OR NEW.device_id IS NOT OLD.device_id
  OR NEW.user_id IS NOT OLD.user_id OR NEW.seq IS NOT OLD.seq
BEGIN
    SELECT RAISE(ABORT, 'change_log rows are immutable');
END;
