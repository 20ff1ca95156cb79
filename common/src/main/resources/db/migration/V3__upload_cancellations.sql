-- Uploads their merchant cancelled while queued; workers skip their items.
CREATE TABLE upload_cancellations (
    upload_id    TEXT PRIMARY KEY,
    merchant_id  TEXT NOT NULL,
    cancelled_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
