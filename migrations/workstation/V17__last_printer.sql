-- The printer this workstation printed to last, offered first next time. A preference of
-- this machine (its printers are not another's), so it lives on the workstation's own
-- row and never syncs. NULL until something is printed.
ALTER TABLE workstation ADD COLUMN last_printer TEXT;
