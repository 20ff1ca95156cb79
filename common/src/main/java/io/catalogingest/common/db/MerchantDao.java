package io.catalogingest.common.db;

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

    @SqlQuery("SELECT merchant_id, role FROM api_keys WHERE key_hash = :hash AND revoked_at IS NULL")
    @RegisterConstructorMapper(Merchant.class)
    Optional<Merchant> findByKeyHash(@Bind("hash") String hash);
}
