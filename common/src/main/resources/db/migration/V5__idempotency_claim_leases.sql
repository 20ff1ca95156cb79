-- A claim belongs to the request that made it (owner_token) and is held while its lease runs; the
-- owner renews the lease while it works, so a live request is never taken over, however long its
-- upload streams. Only the owner completes or releases its claim.
ALTER TABLE idempotency_keys ADD COLUMN owner_token text, ADD COLUMN lease_until timestamptz;
UPDATE idempotency_keys SET lease_until = created_at + interval '300 seconds';
ALTER TABLE idempotency_keys ALTER COLUMN lease_until SET NOT NULL;
