-- Allergies become their own record: substance, optional coded drug or class, reaction,
-- severity, status, who noted it and when. The strings on the patient row move into it
-- here, so there is one source of truth from now on. A moved allergy's id is derived from
-- its patient and its place in the old list, so every workstation that moves the same
-- list makes the same rows (and a change pulled from a workstation not yet upgraded is
-- moved the same way when it is applied).

CREATE TABLE allergies (
    id           TEXT PRIMARY KEY,
    patient_id   TEXT NOT NULL,
    substance    TEXT NOT NULL,
    coded        TEXT,
    reaction     TEXT,
    severity     TEXT NOT NULL CHECK (severity IN ('mild', 'moderate', 'severe', 'unknown')),
    status       TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    noted_by     TEXT,
    noted_at     TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;

CREATE INDEX allergies_by_patient ON allergies (patient_id, noted_at);

CREATE TRIGGER allergies_never_deleted BEFORE DELETE ON allergies
BEGIN
    SELECT RAISE(ABORT, 'allergies are never deleted; archive them');
END;

INSERT INTO allergies (id, patient_id, substance, severity, status, active, noted_by, noted_at, updated_at)
SELECT 'legacy-' || p.id || '-' || a.key, p.id, trim(a.value), 'unknown', 'active', 1, NULL,
       p.updated_at, p.updated_at
FROM patients p, json_each(p.allergies) a
WHERE trim(a.value) != '';

ALTER TABLE patients DROP COLUMN allergies;
