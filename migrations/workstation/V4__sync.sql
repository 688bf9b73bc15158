-- Sync client state: the server this workstation is enrolled with, its cursor in the
-- server's change log, per-field clocks for last-writer-wins, and pulled changes that
-- could not be applied (kept for a person to resolve, never dropped).

CREATE TABLE sync_state (
    singleton        INTEGER PRIMARY KEY CHECK (singleton = 1),
    server_url       TEXT NOT NULL,
    device_token     TEXT NOT NULL,
    branch_code      TEXT NOT NULL,
    -- A certificate (PEM) to trust for this server besides the system's, e.g. the
    -- self-signed one `sync-server dev-cert` makes.
    ca_cert          TEXT,
    cursor           INTEGER NOT NULL DEFAULT 0,
    last_attempt_at  TEXT,
    last_success_at  TEXT,
    last_error       TEXT
) STRICT;

-- The HLC stamp that last set each field of each synced row, local or pulled.
CREATE TABLE field_clocks (
    table_name  TEXT NOT NULL,
    row_id      TEXT NOT NULL,
    field       TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    PRIMARY KEY (table_name, row_id, field)
) STRICT, WITHOUT ROWID;

CREATE TABLE sync_conflicts (
    change_id    TEXT PRIMARY KEY,
    table_name   TEXT NOT NULL,
    row_id       TEXT NOT NULL,
    fields       TEXT NOT NULL,
    reason       TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    resolved_at  TEXT
) STRICT;

-- Why the server refused a pushed change (it stays unpushed and visible).
ALTER TABLE change_log ADD COLUMN push_error TEXT;
