package io.catalogingest.common.auth;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The merchant behind each API-key hash seen lately, so most requests need no database round trip;
 * unknown keys are remembered briefly too, so a flood of bad keys does not reach the database.
 * <p>
 * The cache answers only while it is <em>current</em>: {@link ApiKeyChangeListener} has confirmed
 * within the last {@link #MAX_STALENESS} that every change to the keys reached it (and evicted the
 * changed keys). Otherwise every lookup goes to the database. So a revoked key stops working on
 * every instance within that time, even when the listener's connection breaks or silently stalls.
 */
public final class ApiKeyCache {
    /** The revocation promise: a changed key is looked up afresh at most this long after the change. */
    static final Duration MAX_STALENESS = Duration.ofSeconds(1);
    /** Safety net only: changed keys are evicted when the change is announced. */
    private static final Duration KNOWN_KEY_EXPIRY = Duration.ofMinutes(5);
    private static final Duration UNKNOWN_KEY_EXPIRY = Duration.ofSeconds(10);
    private static final long MAX_ENTRIES = 100_000;

    private final Cache<String, Optional<Merchant>> merchantsByKeyHash;
    private final Ticker ticker;
    private final Meter hits;
    private final Meter misses;
    private final Object evictionLock = new Object();
    /** Counts evictions, so a lookup that overlapped one does not store what it read before it. */
    private volatile long evictions;
    /** Ticker time until which the cache may answer; confirmations push it forward. */
    private volatile long currentUntil;

    public ApiKeyCache(MetricRegistry metrics) {
        this(metrics, Ticker.systemTicker());
    }

    ApiKeyCache(MetricRegistry metrics, Ticker ticker) {
        this.ticker = ticker;
        this.merchantsByKeyHash = Caffeine.newBuilder()
                .ticker(ticker)
                .maximumSize(MAX_ENTRIES)
                .expireAfter(Expiry.<String, Optional<Merchant>>writing(
                        (keyHash, merchant) -> merchant.isPresent() ? KNOWN_KEY_EXPIRY : UNKNOWN_KEY_EXPIRY))
                .build();
        this.hits = metrics.meter("api-key-cache.hits");
        this.misses = metrics.meter("api-key-cache.misses");
        this.currentUntil = ticker.read();
    }

    /** The merchant a key hash belongs to, from the cache when it is current, else from {@code database}. */
    public Optional<Merchant> lookup(String keyHash, Function<String, Optional<Merchant>> database) {
        if (!isCurrent()) {
            misses.mark();
            return database.apply(keyHash);
        }
        Optional<Merchant> cached = merchantsByKeyHash.getIfPresent(keyHash);
        if (cached != null) {
            hits.mark();
            return cached;
        }
        misses.mark();
        long evictionsBefore = evictions;
        Optional<Merchant> found = database.apply(keyHash);
        synchronized (evictionLock) {
            if (evictions == evictionsBefore) {
                merchantsByKeyHash.put(keyHash, found);
            }
        }
        return found;
    }

    /** Whether the listener has confirmed lately that no change to the keys was missed. */
    public boolean isCurrent() {
        return ticker.read() - currentUntil < 0;
    }

    /** The time to pass to {@link #confirmCurrent} once every change committed until now is evicted. */
    long now() {
        return ticker.read();
    }

    /** Every change committed before {@code checkedAt} (from {@link #now}) has been evicted. */
    void confirmCurrent(long checkedAt) {
        currentUntil = checkedAt + MAX_STALENESS.toNanos();
    }

    void evict(String keyHash) {
        synchronized (evictionLock) {
            evictions++;
            merchantsByKeyHash.invalidate(keyHash);
        }
    }

    /** Changes may have been missed: stop answering and drop everything until confirmed current again. */
    void forgetAll() {
        currentUntil = ticker.read();
        synchronized (evictionLock) {
            evictions++;
            merchantsByKeyHash.invalidateAll();
        }
    }
}
