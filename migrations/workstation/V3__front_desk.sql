-- Front desk: patients, doctors and their schedules, appointments.

-- Per-device counters for human-readable numbers (record and appointment numbers).
-- Never synced: each device numbers its own, prefixed with branch and device tag.
CREATE TABLE number_sequences (
    name  TEXT PRIMARY KEY,
    next  INTEGER NOT NULL
) STRICT;

CREATE TABLE patients (
    id                       TEXT PRIMARY KEY,
    mrn                      TEXT NOT NULL UNIQUE,
    given_name               TEXT NOT NULL,
    family_name              TEXT NOT NULL,
    date_of_birth            TEXT NOT NULL,
    sex                      TEXT NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    phone                    TEXT,
    email                    TEXT,
    address                  TEXT,
    blood_group              TEXT CHECK (blood_group IN ('A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-')),
    emergency_contact_name   TEXT,
    emergency_contact_phone  TEXT,
    allergies                TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(allergies)),
    insurance_provider       TEXT,
    insurance_number         TEXT,
    branch_id                TEXT NOT NULL REFERENCES branches(id),
    active                   INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    merged_into              TEXT REFERENCES patients(id),
    created_at               TEXT NOT NULL,
    updated_at               TEXT NOT NULL
) STRICT;

CREATE INDEX patients_by_name_dob ON patients (family_name COLLATE NOCASE, given_name COLLATE NOCASE, date_of_birth);
CREATE INDEX patients_by_phone ON patients (phone) WHERE phone IS NOT NULL;

CREATE TRIGGER patients_never_deleted BEFORE DELETE ON patients
BEGIN
    SELECT RAISE(ABORT, 'patients are never deleted; archive them');
END;

-- Search index: names folded for case and accents; phone digits, also their last 9 and 7
-- digits so a number typed without its country or area code is found (validation allows
-- only digits, spaces and + - ( ) in phone numbers); record number; birth date. Kept in step with `patients` by the triggers below, in the same transaction.
CREATE VIRTUAL TABLE patient_search USING fts5 (
    name, phone, mrn, dob,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);

CREATE TRIGGER patients_search_insert AFTER INSERT ON patients
BEGIN
    INSERT INTO patient_search (rowid, name, phone, mrn, dob)
    VALUES (NEW.rowid, NEW.given_name || ' ' || NEW.family_name,
            replace(replace(replace(replace(replace(coalesce(NEW.phone, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '+', '') || ' ' ||
            substr(replace(replace(replace(replace(replace(coalesce(NEW.phone, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), -9) || ' ' ||
            substr(replace(replace(replace(replace(replace(coalesce(NEW.phone, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), -7) || ' ' ||
            replace(replace(replace(replace(replace(coalesce(NEW.emergency_contact_phone, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '+', '') || ' ' ||
            substr(replace(replace(replace(replace(replace(coalesce(NEW.emergency_contact_phone, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), -9) || ' ' ||
            substr(replace(replace(replace(replace(replace(coalesce(NEW.emergency_contact_phone, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), -7),
            NEW.mrn, NEW.date_of_birth);
END;

CREATE TRIGGER patients_search_update AFTER UPDATE OF given_name, family_name, phone,
    emergency_contact_phone, mrn, date_of_birth ON patients
BEGIN
    DELETE FROM patient_search WHERE rowid = OLD.rowid;
    INSERT INTO patient_search (rowid, name, phone, mrn, dob)
    VALUES (NEW.rowid, NEW.given_name || ' ' || NEW.family_name,
            replace(replace(replace(replace(replace(coalesce(NEW.phone, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '+', '') || ' ' ||
            substr(replace(replace(replace(replace(replace(coalesce(NEW.phone, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), -9) || ' ' ||
            substr(replace(replace(replace(replace(replace(coalesce(NEW.phone, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), -7) || ' ' ||
            replace(replace(replace(replace(replace(coalesce(NEW.emergency_contact_phone, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '+', '') || ' ' ||
            substr(replace(replace(replace(replace(replace(coalesce(NEW.emergency_contact_phone, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), -9) || ' ' ||
            substr(replace(replace(replace(replace(replace(coalesce(NEW.emergency_contact_phone, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), -7),
            NEW.mrn, NEW.date_of_birth);
END;

-- A merge moves a duplicate's rows to the survivor; the list of what moved makes it
-- undoable.
CREATE TABLE patient_merges (
    id           TEXT PRIMARY KEY,
    survivor_id  TEXT NOT NULL REFERENCES patients(id),
    merged_id    TEXT NOT NULL REFERENCES patients(id),
    moved        TEXT NOT NULL CHECK (json_valid(moved)),
    merged_at    TEXT NOT NULL,
    merged_by    TEXT NOT NULL,
    undone_at    TEXT,
    undone_by    TEXT
) STRICT;

CREATE TABLE doctors (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL UNIQUE REFERENCES users(id),
    specialization  TEXT NOT NULL,
    licence_number  TEXT NOT NULL UNIQUE COLLATE NOCASE,
    phone           TEXT,
    email           TEXT,
    fee_minor       INTEGER NOT NULL CHECK (fee_minor >= 0),
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;

CREATE TRIGGER doctors_never_deleted BEFORE DELETE ON doctors
BEGIN
    SELECT RAISE(ABORT, 'doctors are never deleted; deactivate them');
END;

-- Weekly working hours per branch, in the clinic's local time (minutes after midnight;
-- weekday 1 = Monday). A day may have several blocks; breaks are the gaps between them.
CREATE TABLE doctor_hours (
    id            TEXT PRIMARY KEY,
    doctor_id     TEXT NOT NULL REFERENCES doctors(id),
    branch_id     TEXT NOT NULL REFERENCES branches(id),
    weekday       INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_minute  INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute    INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    slot_minutes  INTEGER NOT NULL CHECK (slot_minutes BETWEEN 5 AND 240),
    CHECK (start_minute < end_minute)
) STRICT;

CREATE INDEX doctor_hours_by_doctor ON doctor_hours (doctor_id, weekday);

CREATE TABLE doctor_time_off (
    id         TEXT PRIMARY KEY,
    doctor_id  TEXT NOT NULL REFERENCES doctors(id),
    starts_at  TEXT NOT NULL,
    ends_at    TEXT NOT NULL,
    reason     TEXT NOT NULL,
    CHECK (starts_at < ends_at)
) STRICT;

CREATE TABLE appointments (
    id                 TEXT PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    patient_id         TEXT NOT NULL REFERENCES patients(id),
    doctor_id          TEXT NOT NULL REFERENCES doctors(id),
    branch_id          TEXT NOT NULL REFERENCES branches(id),
    starts_at          TEXT NOT NULL,
    ends_at            TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('held', 'confirmed', 'checked_in',
                           'completed', 'cancelled', 'no_show', 'rescheduled', 'conflict')),
    hold_expires_at    TEXT,
    -- 1 until the sync server has accepted the booking.
    provisional        INTEGER NOT NULL DEFAULT 1 CHECK (provisional IN (0, 1)),
    reason             TEXT,
    cancel_reason      TEXT,
    rescheduled_from   TEXT REFERENCES appointments(id),
    created_by         TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    CHECK (starts_at < ends_at)
) STRICT;

CREATE INDEX appointments_by_doctor ON appointments (doctor_id, starts_at);
CREATE INDEX appointments_by_patient ON appointments (patient_id, starts_at);
CREATE INDEX appointments_by_branch ON appointments (branch_id, starts_at);

-- While a page pulled from the sync server is being applied, this table holds a row. The
-- server decides overlaps between branches (the later booking becomes a `conflict` in the
-- same page), so the local overlap triggers stand aside for that transaction only.
CREATE TABLE sync_applying (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1)
) STRICT;

-- No two active appointments for one doctor, or one patient, may overlap. The services
-- check first for a friendly message; these triggers make it impossible regardless.
CREATE TRIGGER appointments_no_overlap_insert BEFORE INSERT ON appointments
WHEN NEW.status IN ('held', 'confirmed', 'checked_in', 'completed')
  AND NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    SELECT RAISE(ABORT, 'doctor_double_booked') WHERE EXISTS (
        SELECT 1 FROM appointments a
        WHERE a.doctor_id = NEW.doctor_id AND a.id <> NEW.id
          AND a.status IN ('held', 'confirmed', 'checked_in', 'completed')
          AND a.starts_at < NEW.ends_at AND NEW.starts_at < a.ends_at);
    SELECT RAISE(ABORT, 'patient_double_booked') WHERE EXISTS (
        SELECT 1 FROM appointments a
        WHERE a.patient_id = NEW.patient_id AND a.id <> NEW.id
          AND a.status IN ('held', 'confirmed', 'checked_in', 'completed')
          AND a.starts_at < NEW.ends_at AND NEW.starts_at < a.ends_at);
END;

CREATE TRIGGER appointments_no_overlap_update BEFORE UPDATE OF doctor_id, patient_id,
    starts_at, ends_at, status ON appointments
WHEN NEW.status IN ('held', 'confirmed', 'checked_in', 'completed')
  AND NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    SELECT RAISE(ABORT, 'doctor_double_booked') WHERE EXISTS (
        SELECT 1 FROM appointments a
        WHERE a.doctor_id = NEW.doctor_id AND a.id <> NEW.id
          AND a.status IN ('held', 'confirmed', 'checked_in', 'completed')
          AND a.starts_at < NEW.ends_at AND NEW.starts_at < a.ends_at);
    SELECT RAISE(ABORT, 'patient_double_booked') WHERE EXISTS (
        SELECT 1 FROM appointments a
        WHERE a.patient_id = NEW.patient_id AND a.id <> NEW.id
          AND a.status IN ('held', 'confirmed', 'checked_in', 'completed')
          AND a.starts_at < NEW.ends_at AND NEW.starts_at < a.ends_at);
END;

CREATE TRIGGER appointments_never_deleted BEFORE DELETE ON appointments
BEGIN
    SELECT RAISE(ABORT, 'appointments are never deleted; cancel them');
END;

-- Every status change, append-only: the appointment's history.
CREATE TABLE appointment_events (
    id              TEXT PRIMARY KEY,
    appointment_id  TEXT NOT NULL REFERENCES appointments(id),
    at              TEXT NOT NULL,
    from_status     TEXT,
    to_status       TEXT NOT NULL,
    by_user         TEXT NOT NULL,
    note            TEXT
) STRICT;

CREATE INDEX appointment_events_by_appointment ON appointment_events (appointment_id, at);
