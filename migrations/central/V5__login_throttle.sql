-- Failed sign-ins per account (the user name, lower-cased), shared by every server
-- process on this database so a lock-out holds whichever process an attempt reaches.
-- Times are PostgreSQL's now(), never a process's clock.
CREATE TABLE login_throttle (
    account          TEXT PRIMARY KEY,
    failures         INTEGER NOT NULL,
    last_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    locked_until     TIMESTAMPTZ
);
