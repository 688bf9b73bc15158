-- Scoped pull: a change that belongs to one branch (see clinic_protocol::merge::branch_scoped)
-- carries that branch's code and is pulled only by its workstations; NULL is group-wide.
ALTER TABLE change_log ADD COLUMN scope TEXT;
