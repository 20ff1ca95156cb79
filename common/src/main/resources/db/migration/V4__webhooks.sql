-- One completion webhook per merchant; the secret signs every delivery (HMAC-SHA256).
CREATE TABLE webhooks (
    merchant_id TEXT PRIMARY KEY REFERENCES merchants (merchant_id),
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The outbox: one row per event and merchant, retried until acknowledged (or given up).
CREATE TABLE webhook_deliveries (
    event_id        TEXT PRIMARY KEY,
    merchant_id     TEXT NOT NULL,
    url             TEXT NOT NULL,
    payload         TEXT NOT NULL,
    attempts        INT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_error      TEXT,
    delivered_at    TIMESTAMPTZ,
    given_up_at     TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE delivered_at IS NULL AND given_up_at IS NULL;
