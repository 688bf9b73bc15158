-- Billing (issue 16). The price list, invoices with their lines, and payments all sync.
-- Money is integer minor units of the invoice's currency; tax and discount are basis
-- points per line. An invoice is a draft (no number; its lines change) until it is
-- issued (numbered per device and year, immutable), then only voided. A completed
-- visit's draft has an id derived from the visit, so two workstations completing the
-- same visit offline make the same row, never two. Payments are append-only; a refund
-- is a negative payment with its reason.

CREATE TABLE price_items (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    category    TEXT NOT NULL CHECK (category IN ('consultation', 'service', 'procedure',
                    'lab', 'pharmacy', 'other')),
    price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
    tax_bp      INTEGER NOT NULL DEFAULT 0 CHECK (tax_bp BETWEEN 0 AND 10000),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at  TEXT NOT NULL
) STRICT;

CREATE INDEX price_items_by_code ON price_items (code);

CREATE TABLE invoices (
    id           TEXT PRIMARY KEY,
    number       TEXT,                        -- NULL while a draft
    kind         TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    credit_of    TEXT,                        -- the invoice a credit note credits
    patient_id   TEXT,
    encounter_id TEXT,
    branch_code  TEXT NOT NULL,
    currency     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'issued', 'void')),
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    issued_by    TEXT,
    issued_at    TEXT,
    voided_by    TEXT,
    voided_at    TEXT,
    void_reason  TEXT,
    updated_at   TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX invoices_by_number ON invoices (number) WHERE number IS NOT NULL;
CREATE INDEX invoices_by_patient ON invoices (patient_id, created_at);
CREATE INDEX invoices_by_encounter ON invoices (encounter_id) WHERE encounter_id IS NOT NULL;

CREATE TABLE invoice_lines (
    id               TEXT PRIMARY KEY,
    invoice_id       TEXT NOT NULL,
    category         TEXT NOT NULL CHECK (category IN ('consultation', 'service', 'procedure',
                         'lab', 'pharmacy', 'other')),
    code             TEXT,
    description      TEXT NOT NULL,
    quantity         INTEGER NOT NULL CHECK (quantity >= 1),
    unit_price_minor INTEGER NOT NULL,
    tax_bp           INTEGER NOT NULL DEFAULT 0 CHECK (tax_bp BETWEEN 0 AND 10000),
    discount_bp      INTEGER NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000),
    discount_reason  TEXT,
    source           TEXT,                    -- what made it: 'visit-fee', 'lab:<order>', …
    removed          INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
    added_by         TEXT NOT NULL,
    added_at         TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;

CREATE INDEX invoice_lines_by_invoice ON invoice_lines (invoice_id);

CREATE TABLE payments (
    id             TEXT PRIMARY KEY,
    invoice_id     TEXT NOT NULL,
    method         TEXT NOT NULL CHECK (method IN ('cash', 'card', 'mobile_money',
                       'bank_transfer', 'insurance')),
    amount_minor   INTEGER NOT NULL CHECK (amount_minor != 0),
    tendered_minor INTEGER,                   -- cash handed over
    change_minor   INTEGER,                   -- cash given back
    reference      TEXT,                      -- card slip, mobile money or bank reference
    reason         TEXT,                      -- a refund's
    receipt_number TEXT NOT NULL,
    received_by    TEXT NOT NULL,
    received_at    TEXT NOT NULL
) STRICT;

CREATE INDEX payments_by_invoice ON payments (invoice_id);

CREATE TRIGGER payments_never_change BEFORE UPDATE ON payments
BEGIN
    SELECT RAISE(ABORT, 'a payment is never changed; record a refund');
END;

CREATE TRIGGER payments_never_deleted BEFORE DELETE ON payments
BEGIN
    SELECT RAISE(ABORT, 'a payment is never deleted; record a refund');
END;

CREATE TRIGGER invoices_never_deleted BEFORE DELETE ON invoices
BEGIN
    SELECT RAISE(ABORT, 'an invoice is never deleted; void it');
END;

CREATE TRIGGER invoices_issued_frozen BEFORE UPDATE ON invoices
WHEN OLD.status != 'draft'
  AND NOT EXISTS (SELECT 1 FROM sync_applying)
  AND NOT (OLD.status = 'issued' AND NEW.status = 'void'
           AND NEW.number IS OLD.number AND NEW.kind IS OLD.kind
           AND NEW.patient_id IS OLD.patient_id AND NEW.currency IS OLD.currency
           AND NEW.issued_at IS OLD.issued_at)
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice is immutable; void it or issue a credit note');
END;

CREATE TRIGGER invoice_lines_frozen BEFORE UPDATE ON invoice_lines
WHEN NOT EXISTS (SELECT 1 FROM sync_applying)
  AND EXISTS (SELECT 1 FROM invoices WHERE id = OLD.invoice_id AND status != 'draft')
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice is immutable; void it or issue a credit note');
END;

CREATE TRIGGER invoice_lines_frozen_insert BEFORE INSERT ON invoice_lines
WHEN NOT EXISTS (SELECT 1 FROM sync_applying)
  AND EXISTS (SELECT 1 FROM invoices WHERE id = NEW.invoice_id AND status != 'draft')
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice is immutable; void it or issue a credit note');
END;

CREATE TRIGGER invoice_lines_frozen_delete BEFORE DELETE ON invoice_lines
BEGIN
    SELECT RAISE(ABORT, 'an invoice line is never deleted; remove it from the draft');
END;
