-- One row per merchant and Idempotency-Key: claimed (PENDING) while the first request runs, then
-- DONE with the answer it got, which later requests with the same key and body receive again.
CREATE TABLE idempotency_keys (
    merchant_id     text        NOT NULL REFERENCES merchants,
    idempotency_key text        NOT NULL,
    upload_id       text        NOT NULL,
    state           text        NOT NULL CHECK (state IN ('PENDING', 'DONE')),
    body_sha256     char(64),
    response_status integer,
    response_body   text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (merchant_id, idempotency_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
