-- An emergency (break-glass) account is always `active = 0` (it is opened only through
-- emergency access), so `active` cannot say that an administrator has switched it off.
-- This flag does: a disabled emergency account is refused at break-glass until it is
-- reactivated. Synced like any other user field.
ALTER TABLE users ADD COLUMN emergency_disabled INTEGER NOT NULL DEFAULT 0
    CHECK (emergency_disabled IN (0, 1));
