CREATE TABLE merchants (
    merchant_id text PRIMARY KEY,
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- API keys are stored only as SHA-256 hashes; the prefix identifies a key to its owner.
CREATE TABLE api_keys (
    key_id      bigserial PRIMARY KEY,
    merchant_id text        NOT NULL REFERENCES merchants,
    key_prefix  text        NOT NULL,
    key_hash    text        NOT NULL UNIQUE,
    role        text        NOT NULL DEFAULT 'MERCHANT' CHECK (role IN ('MERCHANT', 'ADMIN')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE INDEX api_keys_merchant ON api_keys (merchant_id);

-- version is the submission's accepted-at time: an older submission never overwrites a newer one.
CREATE TABLE products (
    merchant_id text           NOT NULL,
    sku         text           NOT NULL,
    title       text           NOT NULL,
    description text,
    price       numeric(18, 4) NOT NULL,
    currency    char(3)        NOT NULL,
    attributes  jsonb          NOT NULL DEFAULT '{}',
    upload_id   text           NOT NULL,
    item_index  integer        NOT NULL,
    version     bigint         NOT NULL,
    updated_at  timestamptz    NOT NULL DEFAULT now(),
    PRIMARY KEY (merchant_id, sku)
);

CREATE TABLE product_images (
    merchant_id  text    NOT NULL,
    sku          text    NOT NULL,
    position     integer NOT NULL,
    source_url   text    NOT NULL,
    sha256       char(64) NOT NULL,
    object_key   text    NOT NULL,
    content_type text    NOT NULL,
    size_bytes   bigint  NOT NULL,
    width        integer,
    height       integer,
    version      bigint  NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (merchant_id, sku, position)
);
