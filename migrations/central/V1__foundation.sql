-- Foundation schema of the central PostgreSQL database run by the sync server.
-- Forward-only: an applied migration is never edited; later changes add V{n+1}.

CREATE TABLE organisation (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(btrim(name)) > 0),
    currency    CHAR(3) NOT NULL,
    time_zone   TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE branches (
    id               UUID PRIMARY KEY,
    organisation_id  UUID NOT NULL REFERENCES organisation(id),
    code             TEXT NOT NULL UNIQUE CHECK (code ~ '^[A-Z][A-Z0-9]*$'),
    name             TEXT NOT NULL,
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at       TIMESTAMPTZ NOT NULL
);

-- The global change log: the server assigns `seq`, clients pull from a cursor over it.
CREATE TABLE change_log (
    seq             BIGSERIAL PRIMARY KEY,
    change_id       UUID NOT NULL UNIQUE,
    table_name      TEXT NOT NULL,
    row_id          UUID NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('upsert', 'append', 'tombstone')),
    fields          JSONB NOT NULL,
    hlc             TEXT NOT NULL,
    device_id       UUID NOT NULL,
    user_id         UUID,
    schema_version  INTEGER NOT NULL,
    received_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
