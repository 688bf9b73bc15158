-- Insurance (issue 16): payers, a patient's policies and a claim per invoice. A claim
-- asks the payer for the policy's share of an issued invoice; the patient's share is
-- the rest. Claims move forward only: draft → submitted → approved, partly approved or
-- denied → paid (the payer's payment is a payment of method 'insurance' on the invoice).

CREATE TABLE payers (
    id         TEXT PRIMARY KEY,
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE policies (
    id            TEXT PRIMARY KEY,
    patient_id    TEXT NOT NULL,
    payer_id      TEXT NOT NULL,
    policy_number TEXT NOT NULL,
    coverage_bp   INTEGER NOT NULL CHECK (coverage_bp BETWEEN 0 AND 10000),
    valid_until   TEXT,                       -- YYYY-MM-DD, NULL: open-ended
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE INDEX policies_by_patient ON policies (patient_id);

CREATE TABLE claims (
    id             TEXT PRIMARY KEY,
    invoice_id     TEXT NOT NULL,
    policy_id      TEXT NOT NULL,
    payer_id       TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved',
                       'partly_approved', 'denied', 'paid')),
    claimed_minor  INTEGER NOT NULL CHECK (claimed_minor >= 0),
    approved_minor INTEGER CHECK (approved_minor >= 0),
    note           TEXT,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    submitted_at   TEXT,
    decided_at     TEXT,
    paid_at        TEXT,
    updated_at     TEXT NOT NULL
) STRICT;

CREATE INDEX claims_by_invoice ON claims (invoice_id);
CREATE INDEX claims_by_status ON claims (status);

CREATE TRIGGER claims_never_deleted BEFORE DELETE ON claims
BEGIN
    SELECT RAISE(ABORT, 'a claim is never deleted');
END;
