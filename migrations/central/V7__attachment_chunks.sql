-- Attachments' bytes, as the workstation that added them sealed them (the server never
-- opens them): one row per chunk, shared by every server process on this database. Which
-- chunks an attachment has and how long each one is follow from its record (row_state,
-- table 'attachments'); a chunk is checked against that record before it is stored,
-- written once, and never changed or removed.
CREATE TABLE attachment_chunks (
    attachment_id  UUID NOT NULL,
    chunk          INTEGER NOT NULL CHECK (chunk >= 0),
    bytes          BYTEA NOT NULL,
    uploaded_by    UUID NOT NULL,
    device_id      UUID NOT NULL,
    received_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (attachment_id, chunk)
);

CREATE FUNCTION attachment_chunks_are_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'attachment chunks are never changed or removed';
END
$$;

CREATE TRIGGER attachment_chunks_never_change BEFORE UPDATE OR DELETE ON attachment_chunks
    FOR EACH ROW EXECUTE FUNCTION attachment_chunks_are_kept();
