package io.catalogingest.common.auth;

import java.util.Optional;

import io.catalogingest.common.api.Problem;
import io.catalogingest.common.db.MerchantDao;
import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.auth.Authenticator;
import io.dropwizard.auth.UnauthorizedHandler;
import io.dropwizard.auth.oauth.OAuthCredentialAuthFilter;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.core.Response;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.Jdbi;

/**
 * Bearer API-key authentication for a service's resources ({@code @Auth Merchant merchant}). Keys are
 * cached in process; a change to a key reaches every instance within one second (see {@link ApiKeyCache}).
 */
public final class MerchantAuth implements Authenticator<String, Merchant> {
    private final Jdbi jdbi;
    private final ApiKeyCache keys;

    public MerchantAuth(Jdbi jdbi, ApiKeyCache keys) {
        this.jdbi = jdbi;
        this.keys = keys;
    }

    @Override
    public Optional<Merchant> authenticate(String apiKey) {
        try {
            return keys.lookup(ApiKeys.hash(apiKey),
                    keyHash -> jdbi.withExtension(MerchantDao.class, dao -> dao.findByKeyHash(keyHash)));
        } catch (JdbiException e) {
            // The key cannot be checked right now; that is no reason to call it invalid.
            throw new ServiceUnavailableException("the merchant database is unavailable", 5L);
        }
    }

    /**
     * Creates a merchant (if new) with a fresh API key and returns the key, shown only this once.
     * An id outside {@link MerchantIds}' rule is refused (IllegalArgumentException).
     */
    public static String createMerchantWithKey(Jdbi jdbi, String merchantId, String name, String role) {
        MerchantIds.require(merchantId);
        return jdbi.inTransaction(h -> {
            h.attach(MerchantDao.class).createMerchant(merchantId, name);
            return addKey(h.attach(MerchantDao.class), merchantId, role);
        });
    }

    /** Adds a fresh key to an existing merchant and returns it, shown only this once. */
    public static String addKey(MerchantDao dao, String merchantId, String role) {
        String key = ApiKeys.generate();
        dao.addApiKey(merchantId, ApiKeys.prefix(key), ApiKeys.hash(key), role);
        return key;
    }

    /** 401 answers in the same problem format as every other error. */
    private static final class ProblemUnauthorizedHandler implements UnauthorizedHandler {
        @Override
        public Response buildResponse(String prefix, String realm) {
            return Response.fromResponse(Problem.of(401, "UNAUTHORIZED", "API key required",
                            "send a valid, unrevoked API key as 'Authorization: Bearer <key>'").toResponse())
                    .header("WWW-Authenticate", prefix + " realm=\"" + realm + "\"").build();
        }
    }

    /** Authentication, its key cache and the listener that keeps the cache in step with {@code database}. */
    public static void install(Environment environment, Jdbi jdbi, DataSourceFactory database) {
        ApiKeyCache keys = new ApiKeyCache(environment.metrics());
        environment.lifecycle().manage(ApiKeyChangeListener.forDatabase(keys, database));
        environment.metrics().registerGauge("api-key-invalidation.listening", keys::isCurrent);
        environment.healthChecks().register("api-key-invalidation", new ApiKeyInvalidationHealthCheck(keys));
        environment.jersey().register(new AuthDynamicFeature(new OAuthCredentialAuthFilter.Builder<Merchant>()
                .setAuthenticator(new MerchantAuth(jdbi, keys))
                .setPrefix("Bearer")
                .setRealm("catalog-ingest")
                .setUnauthorizedHandler(new ProblemUnauthorizedHandler())
                .buildAuthFilter()));
        environment.jersey().register(new AuthValueFactoryProvider.Binder<>(Merchant.class));
    }
}
