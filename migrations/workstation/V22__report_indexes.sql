-- Billing's reports and the administrator's dashboard at a million patients (issue 16).
--
-- Indexes for the periods reports read: appointments by start (with the status, so a
-- day's count never reads the table), diagnoses by when they were recorded (with the
-- code, for the most common ones), invoices by when they were issued, payments by when
-- they were received, visits by when they were completed.
CREATE INDEX appointments_by_start ON appointments (starts_at, status);
CREATE INDEX diagnoses_by_recorded ON diagnoses (recorded_at, active, code);
CREATE INDEX invoices_by_issued ON invoices (issued_at) WHERE issued_at IS NOT NULL;
CREATE INDEX payments_by_received ON payments (received_at);
CREATE INDEX encounters_by_completed ON encounters (completed_at) WHERE completed_at IS NOT NULL;

-- Each issued invoice's and credit note's total and what has been paid on it, so the
-- dashboard and the summary never add up every invoice's lines again. A cache, never
-- synced and never the record: the invoice, its lines and its payments are. Whatever
-- writes them (this workstation or a pull) marks the invoice stale in the same
-- statement, and the core brings stale invoices up to date (totals by its one rounding
-- rule) before it reads the cache. A draft or void invoice has no row.
CREATE TABLE invoice_balances (
    invoice_id  TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    branch_code TEXT NOT NULL,
    issued_at   TEXT NOT NULL,
    total_minor INTEGER NOT NULL,
    paid_minor  INTEGER NOT NULL
) STRICT;

CREATE INDEX invoice_balances_by_issued ON invoice_balances (issued_at, total_minor);
CREATE INDEX invoice_balances_open ON invoice_balances (issued_at, total_minor, paid_minor)
    WHERE kind = 'invoice' AND paid_minor < total_minor;

-- The invoices (not credit notes) with something left to pay, and how much: a running
-- total of the cache, moved by each refresh in its transaction.
CREATE TABLE invoice_balances_owed (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    invoices   INTEGER NOT NULL,
    owed_minor INTEGER NOT NULL
) STRICT;
INSERT INTO invoice_balances_owed (singleton, invoices, owed_minor) VALUES (1, 0, 0);

CREATE TABLE invoice_balances_stale (invoice_id TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;

CREATE TRIGGER invoice_balances_invoice_added AFTER INSERT ON invoices
BEGIN
    INSERT OR IGNORE INTO invoice_balances_stale (invoice_id) VALUES (NEW.id);
END;

CREATE TRIGGER invoice_balances_invoice_changed AFTER UPDATE ON invoices
BEGIN
    INSERT OR IGNORE INTO invoice_balances_stale (invoice_id) VALUES (NEW.id);
END;

CREATE TRIGGER invoice_balances_line_added AFTER INSERT ON invoice_lines
BEGIN
    INSERT OR IGNORE INTO invoice_balances_stale (invoice_id) VALUES (NEW.invoice_id);
END;

CREATE TRIGGER invoice_balances_line_changed AFTER UPDATE ON invoice_lines
BEGIN
    INSERT OR IGNORE INTO invoice_balances_stale (invoice_id) VALUES (NEW.invoice_id);
    INSERT OR IGNORE INTO invoice_balances_stale (invoice_id) VALUES (OLD.invoice_id);
END;

CREATE TRIGGER invoice_balances_payment_added AFTER INSERT ON payments
BEGIN
    INSERT OR IGNORE INTO invoice_balances_stale (invoice_id) VALUES (NEW.invoice_id);
END;

INSERT INTO invoice_balances_stale (invoice_id) SELECT id FROM invoices WHERE status = 'issued';
