-- The pharmacy's batches as the server counts them (issue 15): the sum of every stock
-- movement it has accepted for a batch, kept up to date in the push that accepts it.
-- Offline workstations can together dispense more than a batch held; the server accepts
-- every movement (the medicine has left the building) and, when a batch's balance falls
-- below zero from zero or above, raises one discrepancy (a server-made row of
-- stock_discrepancies) for the branch's pharmacists to resolve with a count.
CREATE TABLE stock_balances (
    batch_id     TEXT PRIMARY KEY,
    branch_code  TEXT NOT NULL,
    balance      BIGINT NOT NULL
);
