package io.catalogingest.common.db;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import io.catalogingest.common.auth.Merchant;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Merchants and their API keys. */
public interface MerchantDao {
    @SqlUpdate("INSERT INTO merchants (merchant_id, name) VALUES (:merchantId, :name) ON CONFLICT (merchant_id) DO NOTHING")
    void createMerchant(@Bind("merchantId") String merchantId, @Bind("name") String name);

    @SqlUpdate("INSERT INTO api_keys (merchant_id, key_prefix, key_hash, role) VALUES (:merchantId, :prefix, :hash, :role)")
    void addApiKey(@Bind("merchantId") String merchantId, @Bind("prefix") String prefix, @Bind("hash") String hash,
            @Bind("role") String role);

    /** A key as listed to operators: never the key itself. */
    record ApiKeyInfo(String prefix, String merchantId, String role, OffsetDateTime createdAt,
            OffsetDateTime revokedAt) {}

    @SqlQuery("SELECT count(*) > 0 FROM merchants WHERE merchant_id = :merchantId")
    boolean merchantExists(@Bind("merchantId") String merchantId);

    @SqlQuery("SELECT key_prefix AS prefix, merchant_id, role, created_at, revoked_at FROM api_keys "
            + "WHERE merchant_id = :merchantId ORDER BY created_at")
    @RegisterConstructorMapper(ApiKeyInfo.class)
    List<ApiKeyInfo> listKeys(@Bind("merchantId") String merchantId);

    @SqlUpdate("UPDATE api_keys SET revoked_at = now() WHERE key_prefix = :prefix AND revoked_at IS NULL")
    int revoke(@Bind("prefix") String prefix);

    @SqlQuery("SELECT merchant_id, role FROM api_keys WHERE key_hash = :hash AND revoked_at IS NULL")
    @RegisterConstructorMapper(Merchant.class)
    Optional<Merchant> findByKeyHash(@Bind("hash") String hash);
}
