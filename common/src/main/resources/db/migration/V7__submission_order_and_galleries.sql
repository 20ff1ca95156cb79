-- Orders submissions of one SKU without any clock: each accepted upload takes the next number as it
-- commits. It starts above every epoch-millisecond version written before it (until the year 2109),
-- so a submission numbered by it always wins over one versioned by its acceptance time.
CREATE SEQUENCE submission_order START WITH 4398046511104;

-- The submission whose images a product shows: only a submission at least as new replaces the
-- gallery, as a whole, whatever order the image workers finish in.
CREATE TABLE product_galleries (
    merchant_id text        NOT NULL,
    sku         text        NOT NULL,
    version     bigint      NOT NULL,
    image_count integer     NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (merchant_id, sku)
);

-- Galleries written before this table: the newest version each product's rows hold, so that an
-- older submission still in flight (a retry, a replay) cannot claim and trim them.
INSERT INTO product_galleries (merchant_id, sku, version, image_count)
SELECT merchant_id, sku, max(version), count(*) FROM product_images GROUP BY merchant_id, sku;
