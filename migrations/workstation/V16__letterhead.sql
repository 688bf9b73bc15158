-- Printed documents (issue 13). The letterhead every prescription, certificate, lab
-- report and invoice carries is the organisation's, so it syncs with the organisation
-- row (administrators only, per field, last writer wins): the address and registration
-- numbers as printed lines, the phone, the paper size, and an optional logo (a PNG of at
-- most 45 KB, base64, so it fits one field of a change) drawn at the left of the heading.

ALTER TABLE organisation ADD COLUMN letterhead_address TEXT NOT NULL DEFAULT '';
ALTER TABLE organisation ADD COLUMN letterhead_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE organisation ADD COLUMN letterhead_registration TEXT NOT NULL DEFAULT '';
ALTER TABLE organisation ADD COLUMN page_size TEXT NOT NULL DEFAULT 'A4';
ALTER TABLE organisation ADD COLUMN logo_png TEXT;
