-- The laboratory (issue 14). The test catalogue, its reference ranges and its panels
-- are reference data kept per workstation (never synced), like the drug catalogue: the
-- starter files compiled into the core are loaded at first use. Orders, samples, results
-- and verifications sync. An order copies its tests (code, name, unit, kind, choices)
-- from the orderer's catalogue, so no synced row depends on a catalogue row; a result
-- keeps the range and flag it was given, so another workstation's ranges never re-flag
-- it. Results and verifications are append-only; a correction is a later version.

CREATE TABLE lab_tests (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    specimen    TEXT NOT NULL DEFAULT '',
    unit        TEXT NOT NULL DEFAULT '',
    result_type TEXT NOT NULL CHECK (result_type IN ('numeric', 'text', 'choice')),
    choices     TEXT NOT NULL DEFAULT '',     -- '|'-separated
    price_minor INTEGER NOT NULL DEFAULT 0 CHECK (price_minor >= 0),
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE lab_ranges (
    code          TEXT NOT NULL,
    sex           TEXT NOT NULL CHECK (sex IN ('any', 'female', 'male')),
    age_from      TEXT NOT NULL,              -- '0d', '29d', '6m', '18y'
    age_to        TEXT,                       -- exclusive; NULL: no upper bound
    low           INTEGER,                    -- thousandths
    high          INTEGER,
    critical_low  INTEGER,
    critical_high INTEGER
) STRICT;

CREATE INDEX lab_ranges_by_code ON lab_ranges (code);

CREATE TABLE lab_panels (
    code  TEXT PRIMARY KEY,
    name  TEXT NOT NULL,
    tests TEXT NOT NULL                       -- '|'-separated test codes
) STRICT;

CREATE TABLE lab_orders (
    id            TEXT PRIMARY KEY,
    number        TEXT NOT NULL,
    patient_id    TEXT NOT NULL,
    encounter_id  TEXT,
    branch_id     TEXT NOT NULL,              -- whose lab's worklist shows it
    ordered_by    TEXT NOT NULL,
    priority      TEXT NOT NULL CHECK (priority IN ('routine', 'urgent')),
    note          TEXT,
    tests         TEXT NOT NULL,              -- JSON list of the tests as ordered
    status        TEXT NOT NULL CHECK (status IN ('ordered', 'cancelled')),
    ordered_at    TEXT NOT NULL,
    cancelled_at  TEXT,
    cancelled_by  TEXT,
    cancel_reason TEXT,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX lab_orders_by_number ON lab_orders (number);
CREATE INDEX lab_orders_by_patient ON lab_orders (patient_id, ordered_at);
CREATE INDEX lab_orders_by_branch ON lab_orders (branch_id, status, ordered_at);

CREATE TABLE lab_samples (
    id            TEXT PRIMARY KEY,
    number        TEXT NOT NULL,              -- on the label and in its barcode
    order_id      TEXT NOT NULL,
    patient_id    TEXT NOT NULL,
    specimen      TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('collected', 'rejected')),
    collected_by  TEXT NOT NULL,
    collected_at  TEXT NOT NULL,
    rejected_by   TEXT,
    rejected_at   TEXT,
    reject_reason TEXT,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX lab_samples_by_number ON lab_samples (number);
CREATE INDEX lab_samples_by_order ON lab_samples (order_id);

CREATE TABLE lab_results (
    id          TEXT PRIMARY KEY,
    sample_id   TEXT NOT NULL,
    order_id    TEXT NOT NULL,
    patient_id  TEXT NOT NULL,
    test_code   TEXT NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    value       TEXT NOT NULL,                -- as entered (a number, a choice, text)
    number      INTEGER,                      -- thousandths, for numeric tests
    unit        TEXT NOT NULL DEFAULT '',
    range_text  TEXT NOT NULL DEFAULT '',     -- the range it was flagged against
    flag        TEXT CHECK (flag IN ('normal', 'low', 'high', 'critical_low', 'critical_high')),
    comment     TEXT,
    entered_by  TEXT NOT NULL,
    entered_at  TEXT NOT NULL,
    UNIQUE (sample_id, test_code, version)
) STRICT;

CREATE INDEX lab_results_by_patient ON lab_results (patient_id, test_code, entered_at);

CREATE TABLE lab_verifications (
    id          TEXT PRIMARY KEY,
    result_id   TEXT NOT NULL UNIQUE,
    verified_by TEXT NOT NULL,
    verified_at TEXT NOT NULL
) STRICT;

-- Only a merge of two patient records moves a result (its patient_id).
CREATE TRIGGER lab_results_append_only BEFORE UPDATE ON lab_results
WHEN NEW.id IS NOT OLD.id OR NEW.sample_id IS NOT OLD.sample_id OR NEW.test_code IS NOT OLD.test_code
  OR NEW.version IS NOT OLD.version OR NEW.value IS NOT OLD.value OR NEW.number IS NOT OLD.number
  OR NEW.flag IS NOT OLD.flag OR NEW.range_text IS NOT OLD.range_text
  OR NEW.entered_by IS NOT OLD.entered_by OR NEW.entered_at IS NOT OLD.entered_at
BEGIN
    SELECT RAISE(ABORT, 'a lab result is never changed; enter a correction as a new version');
END;

CREATE TRIGGER lab_results_never_deleted BEFORE DELETE ON lab_results
BEGIN
    SELECT RAISE(ABORT, 'a lab result is never deleted');
END;
