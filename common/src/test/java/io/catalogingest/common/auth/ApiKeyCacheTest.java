package io.catalogingest.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.codahale.metrics.MetricRegistry;
import org.junit.jupiter.api.Test;

/** The cache's rules with a hand-driven clock and an in-memory key table in place of the listener and PostgreSQL. */
class ApiKeyCacheTest {
    private static final Merchant ACME = new Merchant("acme", Merchant.MERCHANT);

    private final AtomicLong nanos = new AtomicLong();
    private final MetricRegistry metrics = new MetricRegistry();
    private final ApiKeyCache cache = new ApiKeyCache(metrics, nanos::get);
    private final Map<String, Merchant> keyTable = new HashMap<>();
    private final AtomicInteger databaseReads = new AtomicInteger();

    private Optional<Merchant> lookup(String keyHash) {
        return cache.lookup(keyHash, this::readDatabase);
    }

    private Optional<Merchant> readDatabase(String keyHash) {
        databaseReads.incrementAndGet();
        return Optional.ofNullable(keyTable.get(keyHash));
    }

    /** What the listener does after each heartbeat. */
    private void confirmCurrent() {
        cache.confirmCurrent(cache.now());
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    @Test
    void aCurrentCacheAnswersKnownAndUnknownKeysWithoutTheDatabase() {
        keyTable.put("known", ACME);
        confirmCurrent();
        lookup("known");
        lookup("unknown");

        assertThat(lookup("known")).contains(ACME);
        assertThat(lookup("unknown")).isEmpty();
        assertThat(databaseReads).hasValue(2);
        assertThat(metrics.meter("api-key-cache.hits").getCount()).isEqualTo(2);
        assertThat(metrics.meter("api-key-cache.misses").getCount()).isEqualTo(2);
    }

    @Test
    void untilTheListenerConfirmsItCurrentEveryLookupReadsTheDatabaseAndNothingIsKept() {
        keyTable.put("known", ACME);
        lookup("known");
        assertThat(lookup("known")).contains(ACME);
        assertThat(databaseReads).hasValue(2);

        confirmCurrent();
        lookup("known");
        assertThat(databaseReads).hasValue(3);
    }

    @Test
    void withoutAConfirmationForASecondTheCacheStopsAnswering() {
        keyTable.put("key", ACME);
        confirmCurrent();
        lookup("key");
        advance(ApiKeyCache.MAX_STALENESS.minusNanos(1));
        assertThat(lookup("key")).contains(ACME);
        assertThat(databaseReads).hasValue(1);

        keyTable.remove("key"); // revoked, but the listener heard nothing since
        advance(Duration.ofNanos(1));
        assertThat(cache.isCurrent()).isFalse();
        assertThat(lookup("key")).isEmpty();
    }

    @Test
    void anAnnouncedKeyIsReadAgainWhetherItWasKnownOrUnknown() {
        keyTable.put("revoked", ACME);
        confirmCurrent();
        lookup("revoked");
        lookup("created");

        keyTable.remove("revoked");
        cache.evict("revoked");
        keyTable.put("created", ACME);
        cache.evict("created");

        assertThat(lookup("revoked")).isEmpty();
        assertThat(lookup("created")).contains(ACME);
    }

    @Test
    void aLookupOverlappingAnAnnouncementDoesNotKeepWhatItReadBefore() {
        keyTable.put("key", ACME);
        confirmCurrent();
        Optional<Merchant> readBeforeRevocation = cache.lookup("key", keyHash -> {
            Optional<Merchant> found = readDatabase(keyHash);
            keyTable.remove("key"); // revoked and announced while this lookup is on its way back
            cache.evict("key");
            return found;
        });

        assertThat(readBeforeRevocation).contains(ACME);
        assertThat(lookup("key")).isEmpty();
    }

    @Test
    void losingTheListenerDropsEverythingAndStopsAnswering() {
        keyTable.put("key", ACME);
        confirmCurrent();
        lookup("key");

        cache.forgetAll();
        assertThat(cache.isCurrent()).isFalse();
        confirmCurrent();
        lookup("key");
        assertThat(databaseReads).hasValue(2);
    }

    @Test
    void unknownKeysAreRememberedForSecondsKnownOnesForMinutes() {
        keyTable.put("known", ACME);
        confirmCurrent();
        lookup("known");
        lookup("unknown");

        advance(Duration.ofSeconds(10));
        confirmCurrent();
        lookup("known");
        lookup("unknown");
        assertThat(databaseReads).hasValue(3);

        advance(Duration.ofMinutes(5));
        confirmCurrent();
        lookup("known");
        assertThat(databaseReads).hasValue(4);
    }
}
