-- User sign-in on the server: password verifiers, rotating refresh tokens, and the key
-- that signs access tokens (shared by every server process on this database).

-- One verifier per user (Argon2id; the password itself is never stored). Set by the
-- user's first login from an enrolled workstation, changed only with the current password.
CREATE TABLE user_credentials (
    user_id        UUID PRIMARY KEY,
    verifier       TEXT NOT NULL,
    set_by_device  UUID NOT NULL REFERENCES devices(id),
    set_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Refresh tokens, stored as SHA-256 hashes. Each refresh replaces the token with a new
-- one of the same family; presenting a replaced token again revokes the whole family.
CREATE TABLE refresh_tokens (
    token_hash   TEXT PRIMARY KEY,
    family       UUID NOT NULL,
    user_id      UUID NOT NULL,
    device_id    UUID NOT NULL REFERENCES devices(id),
    issued_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at   TIMESTAMPTZ NOT NULL,
    replaced_at  TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);

-- Secrets the server processes share, made by the first process that needs one.
CREATE TABLE server_secrets (
    name        TEXT PRIMARY KEY,
    secret      BYTEA NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
