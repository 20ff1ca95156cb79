package io.catalogingest.workers.catalog;

import java.math.BigDecimal;
import java.util.List;

import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;

/** Product rows, upserted in batches behind a version guard. */
public interface ProductDao {
    /** A product row as written; version orders submissions of one SKU (newest wins). */
    record ProductRow(String merchantId, String sku, String title, String description, BigDecimal price,
            String currency, String attributesJson, String uploadId, int itemIndex, long version) {}

    /**
     * Inserts or updates each row, unless the stored row is newer: a late or replayed older
     * submission leaves the newer data in place.
     */
    @SqlBatch("""
            INSERT INTO products (merchant_id, sku, title, description, price, currency, attributes, upload_id,
                                  item_index, version, updated_at)
            VALUES (:merchantId, :sku, :title, :description, :price, :currency, CAST(:attributesJson AS jsonb),
                    :uploadId, :itemIndex, :version, now())
            ON CONFLICT (merchant_id, sku) DO UPDATE SET
                title = EXCLUDED.title, description = EXCLUDED.description, price = EXCLUDED.price,
                currency = EXCLUDED.currency, attributes = EXCLUDED.attributes, upload_id = EXCLUDED.upload_id,
                item_index = EXCLUDED.item_index, version = EXCLUDED.version, updated_at = now()
            WHERE products.version <= EXCLUDED.version
            """)
    void upsert(@BindMethods List<ProductRow> rows);
}
