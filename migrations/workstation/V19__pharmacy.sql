-- The pharmacy (issue 15). Stock is the sum of append-only movements per batch; items
-- (a drug as a branch stocks it, with its unit, reorder level and price) and batches
-- (a delivery's batch number, expiry and cost) only describe it. Every stock row
-- carries its branch's code, and every table here syncs: the sync server checks a
-- branch's stock is moved only by that branch, and raises a discrepancy for a batch
-- whose movements sum below zero (two workstations that dispensed the last box
-- offline). Nothing here is ever changed or deleted but a batch's shelf location, a
-- transfer's receipt and a discrepancy's resolution.

CREATE TABLE stock_items (
    id            TEXT PRIMARY KEY,
    branch_code   TEXT NOT NULL,
    drug_id       TEXT,                       -- the catalogue's id; NULL for a non-drug item
    name          TEXT NOT NULL,
    strength      TEXT,
    form          TEXT,
    unit          TEXT NOT NULL,              -- what one counts: tablet, capsule, mL, bottle
    reorder_level INTEGER NOT NULL DEFAULT 0 CHECK (reorder_level >= 0),
    price_minor   INTEGER NOT NULL DEFAULT 0 CHECK (price_minor >= 0),  -- per unit
    otc           INTEGER NOT NULL DEFAULT 0 CHECK (otc IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE INDEX stock_items_by_branch ON stock_items (branch_code, drug_id);

CREATE TABLE stock_batches (
    id           TEXT PRIMARY KEY,
    item_id      TEXT NOT NULL,
    branch_code  TEXT NOT NULL,
    batch_number TEXT NOT NULL,
    expiry_date  TEXT NOT NULL,               -- YYYY-MM-DD: not dispensed on or after it
    cost_minor   INTEGER NOT NULL DEFAULT 0 CHECK (cost_minor >= 0),  -- per unit
    supplier     TEXT,
    location     TEXT,
    received_by  TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;

CREATE INDEX stock_batches_by_item ON stock_batches (item_id, expiry_date);

CREATE TABLE stock_movements (
    id                   TEXT PRIMARY KEY,
    batch_id             TEXT NOT NULL,
    item_id              TEXT NOT NULL,
    branch_code          TEXT NOT NULL,
    kind                 TEXT NOT NULL CHECK (kind IN ('receive', 'return', 'transfer_in',
                             'dispense', 'sale', 'transfer_out', 'expire', 'adjust')),
    quantity             INTEGER NOT NULL CHECK (quantity != 0),   -- signed, in units
    reason               TEXT,
    reference            TEXT,                -- delivery/invoice number, sale number
    prescription_id      TEXT,
    prescription_item_id TEXT,
    substitute           INTEGER NOT NULL DEFAULT 0 CHECK (substitute IN (0, 1)),
    patient_id           TEXT,
    transfer_id          TEXT,
    discrepancy_id       TEXT,
    price_minor          INTEGER,             -- per unit, for the invoice line (billing)
    moved_by             TEXT NOT NULL,
    moved_at             TEXT NOT NULL
) STRICT;

CREATE INDEX stock_movements_by_batch ON stock_movements (batch_id);
CREATE INDEX stock_movements_by_prescription ON stock_movements (prescription_id)
    WHERE prescription_id IS NOT NULL;
CREATE INDEX stock_movements_by_time ON stock_movements (branch_code, moved_at);

CREATE TRIGGER stock_movements_never_change BEFORE UPDATE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'a stock movement is never changed; record another movement');
END;

CREATE TRIGGER stock_movements_never_deleted BEFORE DELETE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'a stock movement is never deleted; record another movement');
END;

CREATE TRIGGER stock_batches_never_deleted BEFORE DELETE ON stock_batches
BEGIN
    SELECT RAISE(ABORT, 'a stock batch is never deleted');
END;

CREATE TRIGGER stock_items_never_deleted BEFORE DELETE ON stock_items
BEGIN
    SELECT RAISE(ABORT, 'a stock item is never deleted');
END;

CREATE TABLE stock_transfers (
    id          TEXT PRIMARY KEY,
    number      TEXT NOT NULL,
    from_branch TEXT NOT NULL,
    to_branch   TEXT NOT NULL,
    lines       TEXT NOT NULL,                -- JSON: what left, batch by batch
    status      TEXT NOT NULL CHECK (status IN ('sent', 'received')),
    sent_by     TEXT NOT NULL,
    sent_at     TEXT NOT NULL,
    received_by TEXT,
    received_at TEXT,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX stock_transfers_by_number ON stock_transfers (number);

CREATE TABLE stock_discrepancies (
    id          TEXT PRIMARY KEY,
    batch_id    TEXT NOT NULL,
    item_id     TEXT NOT NULL,
    branch_code TEXT NOT NULL,
    balance     INTEGER NOT NULL,             -- the books when the server saw it
    raised_at   TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    resolved_by TEXT,
    resolved_at TEXT,
    resolution  TEXT,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE INDEX stock_discrepancies_by_branch ON stock_discrepancies (branch_code, status);
