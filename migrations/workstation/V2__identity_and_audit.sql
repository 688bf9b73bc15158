-- Identity, roles, sign-in protection and the tamper-evident audit log.

-- A patient user is linked to exactly one patient record (the patients table comes with
-- the front-desk schema; the link is checked there).
ALTER TABLE users ADD COLUMN patient_id TEXT;
-- Emergency (break-glass) accounts are made disabled and enabled for a limited time.
ALTER TABLE users ADD COLUMN emergency INTEGER NOT NULL DEFAULT 0 CHECK (emergency IN (0, 1));
ALTER TABLE users ADD COLUMN emergency_until TEXT;
-- TOTP second factor: the shared secret (base32), kept inside the encrypted database.
ALTER TABLE users ADD COLUMN totp_secret TEXT;

CREATE TRIGGER users_patient_link_insert BEFORE INSERT ON users
WHEN (NEW.role = 'patient') <> (NEW.patient_id IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'a patient user must be linked to exactly one patient record, and only a patient user');
END;

CREATE TRIGGER users_patient_link_update BEFORE UPDATE ON users
WHEN (NEW.role = 'patient') <> (NEW.patient_id IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'a patient user must be linked to exactly one patient record, and only a patient user');
END;

CREATE TRIGGER users_never_deleted BEFORE DELETE ON users
BEGIN
    SELECT RAISE(ABORT, 'users are never deleted; deactivate them');
END;

-- Branches a user may work at. No rows: every branch.
CREATE TABLE user_branches (
    user_id    TEXT NOT NULL REFERENCES users(id),
    branch_id  TEXT NOT NULL REFERENCES branches(id),
    PRIMARY KEY (user_id, branch_id)
) STRICT;

-- Per-role settings an administrator controls.
CREATE TABLE role_settings (
    role           TEXT PRIMARY KEY,
    totp_required  INTEGER NOT NULL DEFAULT 0 CHECK (totp_required IN (0, 1)),
    updated_at     TEXT NOT NULL
) STRICT;

-- In-app notifications (break-glass alerts now; bookings, conflicts and results later).
CREATE TABLE notifications (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    entity      TEXT,
    entity_id   TEXT,
    created_at  TEXT NOT NULL,
    read_at     TEXT
) STRICT;

CREATE INDEX notifications_by_user ON notifications (user_id, created_at);

-- The audit log: append-only, one hash chain per device. Each event's hash covers its
-- fields and the previous event's hash, so editing or removing a row breaks the chain.
CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY,
    device_id   TEXT NOT NULL,
    device_seq  INTEGER NOT NULL CHECK (device_seq >= 1),
    at          TEXT NOT NULL,
    user_id     TEXT,
    username    TEXT,
    role        TEXT,
    session_id  TEXT,
    action      TEXT NOT NULL,
    entity      TEXT,
    entity_id   TEXT,
    patient_id  TEXT,
    outcome     TEXT NOT NULL CHECK (outcome IN ('success', 'denied', 'failure')),
    details     TEXT NOT NULL CHECK (json_valid(details)),
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    UNIQUE (device_id, device_seq)
) STRICT;

CREATE INDEX audit_by_time ON audit_log (at);
CREATE INDEX audit_by_user ON audit_log (user_id, at);
CREATE INDEX audit_by_patient ON audit_log (patient_id, at) WHERE patient_id IS NOT NULL;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- Minutes without activity before a session locks itself (wiping its keys).
ALTER TABLE organisation ADD COLUMN idle_lock_minutes INTEGER NOT NULL DEFAULT 10
    CHECK (idle_lock_minutes BETWEEN 1 AND 240);
