-- Hard rule: human-readable numbers (record numbers, appointment numbers) are unique
-- across the group. Each row's current number is claimed here; a second row arriving
-- with a number already claimed is renumbered by a server change every side pulls.
CREATE TABLE unique_numbers (
    table_name  TEXT NOT NULL,
    number      TEXT NOT NULL,
    row_id      TEXT NOT NULL,
    PRIMARY KEY (table_name, number)
);
CREATE INDEX unique_numbers_row ON unique_numbers (table_name, row_id);

-- Numbers already on the server claim their place (first row in log order wins).
INSERT INTO unique_numbers (table_name, number, row_id)
SELECT s.table_name, s.fields->>(CASE s.table_name WHEN 'patients' THEN 'mrn' ELSE 'number' END), s.row_id
FROM row_state s
WHERE s.table_name IN ('patients', 'appointments')
  AND s.fields->>(CASE s.table_name WHEN 'patients' THEN 'mrn' ELSE 'number' END) IS NOT NULL
ORDER BY (SELECT min(seq) FROM change_log c WHERE c.table_name = s.table_name AND c.row_id = s.row_id)
ON CONFLICT DO NOTHING;
