-- Foundation schema of the central PostgreSQL database run by the sync server.
-- Forward-only: an applied migration is never edited; later changes add V{n+1}.

-- Enrolled workstations. The token is stored only as a SHA-256 hash.
CREATE TABLE devices (
    id           UUID PRIMARY KEY,
    name         TEXT NOT NULL,
    branch_code  TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    enrolled_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at   TIMESTAMPTZ
);

-- One-time enrollment codes an administrator makes for a branch (stored hashed).
CREATE TABLE enrollment_codes (
    code_hash    TEXT PRIMARY KEY,
    branch_code  TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at   TIMESTAMPTZ NOT NULL,
    used_by      UUID REFERENCES devices(id),
    used_at      TIMESTAMPTZ
);

-- The global change log: the server assigns `seq`; clients pull from a cursor over it.
-- `batch` groups the changes of one push (and the verdicts the server made on them) so
-- a page never splits them.
CREATE TABLE change_log (
    seq             BIGSERIAL PRIMARY KEY,
    batch           BIGINT NOT NULL,
    change_id       UUID NOT NULL UNIQUE,
    table_name      TEXT NOT NULL,
    row_id          TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('upsert', 'append', 'tombstone')),
    fields          JSONB NOT NULL,
    hlc             TEXT NOT NULL,
    device_id       UUID NOT NULL,
    user_id         UUID,
    schema_version  INTEGER NOT NULL,
    -- 'device' for pushed changes, 'server' for the server's own verdicts (conflicts).
    origin          TEXT NOT NULL DEFAULT 'device' CHECK (origin IN ('device', 'server')),
    received_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE SEQUENCE change_batches;

-- The current state of every synced row, folded from the change log with the shared
-- merge rules: fields, and the HLC stamp that set each field.
CREATE TABLE row_state (
    table_name  TEXT NOT NULL,
    row_id      TEXT NOT NULL,
    fields      JSONB NOT NULL,
    clocks      JSONB NOT NULL,
    deleted     BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (table_name, row_id)
);

-- Hard rule: one active appointment per doctor at a time, decided here for every branch.
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE appointment_slots (
    appointment_id  TEXT PRIMARY KEY,
    doctor_id       TEXT NOT NULL,
    during          TSTZRANGE NOT NULL,
    EXCLUDE USING gist (doctor_id WITH =, during WITH &&)
);
