-- Prescribing (issue 13). The drug catalogue and the interaction table are reference data
-- kept per workstation (never synced): the starter catalogue written by the project is
-- loaded from the CSV compiled into the core at first use, and an administrator may
-- import the clinic's formulary and interaction pairs from CSV. A prescription copies the
-- drug's name, ingredients and classes into its items, so no synced row depends on a
-- catalogue row.
--
-- Prescriptions and their items live in one pair of tables. A draft never leaves the
-- workstation (no change is recorded for it); issuing gives it a group-unique number
-- (branch, device tag, counter) and records the whole prescription and its items as new
-- rows. An issued prescription is frozen: only cancelling (with a reason) changes it,
-- and its items never change. Pulled changes (the server's renumbering verdict) pass.

CREATE TABLE drugs (
    id          TEXT PRIMARY KEY,            -- the folded generic name
    name        TEXT NOT NULL,
    strengths   TEXT NOT NULL DEFAULT '',    -- '|'-separated
    forms       TEXT NOT NULL DEFAULT '',
    routes      TEXT NOT NULL DEFAULT '',
    ingredients TEXT NOT NULL,               -- '|'-separated, folded
    classes     TEXT NOT NULL DEFAULT '',    -- '|'-separated, folded
    source      TEXT NOT NULL CHECK (source IN ('starter', 'formulary')),
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE drug_interactions (
    a           TEXT NOT NULL,               -- an ingredient or class, folded; a <= b
    b           TEXT NOT NULL,
    severity    TEXT NOT NULL CHECK (severity IN ('serious', 'moderate', 'minor')),
    advice      TEXT NOT NULL,
    source      TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (a, b)
) STRICT;

CREATE TABLE prescriptions (
    id              TEXT PRIMARY KEY,
    number          TEXT,
    patient_id      TEXT NOT NULL,
    encounter_id    TEXT,
    prescriber_id   TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'issued', 'cancelled')),
    diagnosis_code  TEXT,
    diagnosis_title TEXT,
    follow_up       TEXT,
    item_count      INTEGER NOT NULL DEFAULT 0,
    warnings        TEXT NOT NULL DEFAULT '[]',
    override_reason TEXT,
    repeat_of       TEXT,
    created_at      TEXT NOT NULL,
    issued_at       TEXT,
    cancelled_at    TEXT,
    cancelled_by    TEXT,
    cancel_reason   TEXT,
    updated_at      TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX prescriptions_by_number ON prescriptions (number) WHERE number IS NOT NULL;
CREATE INDEX prescriptions_by_patient ON prescriptions (patient_id, created_at);

CREATE TABLE prescription_items (
    id                   TEXT PRIMARY KEY,
    prescription_id      TEXT NOT NULL,
    position             INTEGER NOT NULL,
    drug_id              TEXT,
    drug_name            TEXT NOT NULL,
    free_text            INTEGER NOT NULL DEFAULT 0 CHECK (free_text IN (0, 1)),
    ingredients          TEXT NOT NULL DEFAULT '',
    classes              TEXT NOT NULL DEFAULT '',
    strength             TEXT,
    form                 TEXT,
    dose                 TEXT NOT NULL,
    route                TEXT,
    frequency            TEXT NOT NULL,
    duration_days        INTEGER,
    quantity             TEXT,
    refills              INTEGER NOT NULL DEFAULT 0,
    substitution_allowed INTEGER NOT NULL DEFAULT 1 CHECK (substitution_allowed IN (0, 1)),
    instructions         TEXT
) STRICT;

CREATE INDEX prescription_items_by_prescription ON prescription_items (prescription_id, position);

CREATE TRIGGER prescriptions_never_deleted BEFORE DELETE ON prescriptions
WHEN OLD.status != 'draft'
BEGIN
    SELECT RAISE(ABORT, 'an issued prescription is never deleted; cancel it');
END;

CREATE TRIGGER prescriptions_issued_frozen BEFORE UPDATE ON prescriptions
WHEN OLD.status != 'draft'
  AND NOT EXISTS (SELECT 1 FROM sync_applying)
  AND NOT (OLD.status = 'issued' AND NEW.status = 'cancelled'
           AND NEW.id IS OLD.id AND NEW.number IS OLD.number AND NEW.patient_id IS OLD.patient_id
           AND NEW.encounter_id IS OLD.encounter_id AND NEW.prescriber_id IS OLD.prescriber_id
           AND NEW.diagnosis_code IS OLD.diagnosis_code AND NEW.diagnosis_title IS OLD.diagnosis_title
           AND NEW.follow_up IS OLD.follow_up AND NEW.item_count IS OLD.item_count
           AND NEW.warnings IS OLD.warnings AND NEW.override_reason IS OLD.override_reason
           AND NEW.repeat_of IS OLD.repeat_of AND NEW.created_at IS OLD.created_at
           AND NEW.issued_at IS OLD.issued_at)
BEGIN
    SELECT RAISE(ABORT, 'an issued prescription is immutable; cancel it and issue a new one');
END;

CREATE TRIGGER prescription_items_frozen_insert BEFORE INSERT ON prescription_items
WHEN NOT EXISTS (SELECT 1 FROM sync_applying)
  AND EXISTS (SELECT 1 FROM prescriptions WHERE id = NEW.prescription_id AND status != 'draft')
BEGIN
    SELECT RAISE(ABORT, 'an issued prescription is immutable; cancel it and issue a new one');
END;

CREATE TRIGGER prescription_items_frozen_update BEFORE UPDATE ON prescription_items
WHEN NOT EXISTS (SELECT 1 FROM sync_applying)
  AND EXISTS (SELECT 1 FROM prescriptions WHERE id = OLD.prescription_id AND status != 'draft')
BEGIN
    SELECT RAISE(ABORT, 'an issued prescription is immutable; cancel it and issue a new one');
END;

CREATE TRIGGER prescription_items_frozen_delete BEFORE DELETE ON prescription_items
WHEN EXISTS (SELECT 1 FROM prescriptions WHERE id = OLD.prescription_id AND status != 'draft')
BEGIN
    SELECT RAISE(ABORT, 'an issued prescription is immutable; cancel it and issue a new one');
END;
