-- The clinical record: encounters (visits), notes with their versions, vitals and
-- diagnoses. Nothing clinical is ever deleted (triggers); notes' versions and vitals are
-- never changed either: a correction is a new version, or an addendum once a note is
-- signed. Rows name patients by id without a foreign key: a page pulled from the server
-- may bring a visit before the patient it belongs to, and is applied in order anyway.

-- A visit: opened by a doctor from a checked-in appointment or as a walk-in.
CREATE TABLE encounters (
    id              TEXT PRIMARY KEY,
    patient_id      TEXT NOT NULL,
    appointment_id  TEXT,
    branch_id       TEXT NOT NULL,
    doctor_user_id  TEXT NOT NULL,
    reason          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('open', 'completed')),
    opened_at       TEXT NOT NULL,
    completed_at    TEXT,
    updated_at      TEXT NOT NULL
) STRICT;

CREATE INDEX encounters_by_patient ON encounters (patient_id, opened_at);
CREATE INDEX encounters_by_doctor ON encounters (doctor_user_id, status, opened_at);
CREATE INDEX encounters_by_appointment ON encounters (appointment_id) WHERE appointment_id IS NOT NULL;

CREATE TRIGGER encounters_never_deleted BEFORE DELETE ON encounters
BEGIN
    SELECT RAISE(ABORT, 'encounters are never deleted');
END;

-- A note's header: who wrote it, of which kind, its latest version, and its signature.
-- `soap` notes are a doctor's (subjective, objective, assessment, plan), `nursing` notes
-- a nurse's, and an `addendum` corrects a signed note (`addendum_to`).
CREATE TABLE notes (
    id            TEXT PRIMARY KEY,
    encounter_id  TEXT NOT NULL,
    patient_id    TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('soap', 'nursing', 'addendum')),
    addendum_to   TEXT,
    author_id     TEXT NOT NULL,
    author_role   TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    signed_at     TEXT,
    signed_by     TEXT,
    updated_at    TEXT NOT NULL,
    CHECK ((kind = 'addendum') = (addendum_to IS NOT NULL)),
    CHECK ((signed_at IS NULL) = (signed_by IS NULL))
) STRICT;

CREATE INDEX notes_by_encounter ON notes (encounter_id, created_at);
CREATE INDEX notes_by_patient ON notes (patient_id, created_at);
CREATE INDEX notes_by_addendum ON notes (addendum_to) WHERE addendum_to IS NOT NULL;

CREATE TRIGGER notes_never_deleted BEFORE DELETE ON notes
BEGIN
    SELECT RAISE(ABORT, 'notes are never deleted');
END;

-- A signed note is frozen: only a merge of two patient records may move it.
CREATE TRIGGER notes_frozen_once_signed BEFORE UPDATE ON notes
WHEN OLD.signed_at IS NOT NULL AND (
    NEW.version IS NOT OLD.version OR NEW.signed_at IS NOT OLD.signed_at
    OR NEW.signed_by IS NOT OLD.signed_by OR NEW.author_id IS NOT OLD.author_id
    OR NEW.kind IS NOT OLD.kind OR NEW.encounter_id IS NOT OLD.encounter_id)
BEGIN
    SELECT RAISE(ABORT, 'a signed note is frozen; add an addendum');
END;

-- Every version of every note, whole: the chart shows the latest, the history all.
CREATE TABLE note_versions (
    id          TEXT PRIMARY KEY,
    note_id     TEXT NOT NULL,
    patient_id  TEXT NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    author_id   TEXT NOT NULL,
    written_at  TEXT NOT NULL,
    subjective  TEXT NOT NULL DEFAULT '',
    objective   TEXT NOT NULL DEFAULT '',
    assessment  TEXT NOT NULL DEFAULT '',
    plan        TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL DEFAULT '',
    UNIQUE (note_id, version)
) STRICT;

CREATE TRIGGER note_versions_never_changed BEFORE UPDATE ON note_versions
BEGIN
    SELECT RAISE(ABORT, 'a note version is never changed; write a new one');
END;

CREATE TRIGGER note_versions_never_deleted BEFORE DELETE ON note_versions
BEGIN
    SELECT RAISE(ABORT, 'note versions are never deleted');
END;

-- One set of observations at one time. Integers in explicit units: mmHg, beats and
-- breaths per minute, tenths of a degree Celsius, percent, grams, millimetres, and a
-- pain score from 0 to 10. Absent means not measured. BMI is computed, never stored.
CREATE TABLE vitals (
    id                TEXT PRIMARY KEY,
    patient_id        TEXT NOT NULL,
    encounter_id      TEXT,
    taken_at          TEXT NOT NULL,
    recorded_by       TEXT NOT NULL,
    recorded_at       TEXT NOT NULL,
    systolic          INTEGER,
    diastolic         INTEGER,
    pulse             INTEGER,
    temperature_dc    INTEGER,
    respiratory_rate  INTEGER,
    spo2              INTEGER,
    weight_g          INTEGER,
    height_mm         INTEGER,
    pain              INTEGER,
    note              TEXT
) STRICT;

CREATE INDEX vitals_by_patient ON vitals (patient_id, taken_at);

CREATE TRIGGER vitals_never_changed BEFORE UPDATE ON vitals
BEGIN
    SELECT RAISE(ABORT, 'vitals are never changed; record them again');
END;

CREATE TRIGGER vitals_never_deleted BEFORE DELETE ON vitals
BEGIN
    SELECT RAISE(ABORT, 'vitals are never deleted');
END;

-- Diagnoses: an ICD-10-CM code with its title, or free text (or both, a note beside the
-- code). Corrected in place, archived (`active = 0`) when entered in error. Chronic ones
-- make the problem list.
CREATE TABLE diagnoses (
    id            TEXT PRIMARY KEY,
    patient_id    TEXT NOT NULL,
    encounter_id  TEXT,
    code          TEXT,
    title         TEXT NOT NULL,
    note          TEXT,
    rank          TEXT NOT NULL CHECK (rank IN ('primary', 'secondary')),
    onset         TEXT,
    status        TEXT NOT NULL CHECK (status IN ('active', 'resolved')),
    chronic       INTEGER NOT NULL DEFAULT 0 CHECK (chronic IN (0, 1)),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE INDEX diagnoses_by_patient ON diagnoses (patient_id, recorded_at);

CREATE TRIGGER diagnoses_never_deleted BEFORE DELETE ON diagnoses
BEGIN
    SELECT RAISE(ABORT, 'diagnoses are never deleted; archive them');
END;

-- How the clinic reads vitals: metric (stored units) or imperial (shown converted).
ALTER TABLE organisation ADD COLUMN units TEXT NOT NULL DEFAULT 'metric'
    CHECK (units IN ('metric', 'imperial'));
