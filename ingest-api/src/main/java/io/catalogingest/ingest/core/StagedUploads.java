package io.catalogingest.ingest.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.catalogingest.common.storage.BodyStore;
import io.catalogingest.ingest.api.StagedUpload;

/**
 * Staged uploads, as Shopify's staged uploads and Amazon's feed documents: the merchant PUTs the
 * file straight to the object store through a presigned URL, so large files never pass through
 * this service. The object's key is derived from the merchant and the id, so a merchant can only
 * ever name its own staged files.
 */
public final class StagedUploads {
    private final BodyStore spool;
    private final Duration validFor;
    private final Clock clock;

    public StagedUploads(BodyStore spool, Duration validFor, Clock clock) {
        this.spool = spool;
        this.validFor = validFor;
        this.clock = clock;
    }

    public StagedUpload create(String merchantId) {
        String id = UUID.randomUUID().toString();
        Instant expiresAt = clock.instant().plus(validFor);
        return new StagedUpload(id, spool.presignPut(BodyStore.stagedKey(merchantId, id), validFor).toString(), "PUT",
                expiresAt);
    }

    /** Staged upload ids are the UUIDs this service hands out; anything else names no object. */
    public static boolean isValidId(String id) {
        try {
            return id != null && UUID.fromString(id).toString().equals(id);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
