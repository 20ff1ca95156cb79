package io.catalogingest.common.storage;

import com.codahale.metrics.health.HealthCheck;
import software.amazon.awssdk.services.s3.S3Client;

/** Healthy while the image bucket answers a HEAD request. */
public final class ObjectStoreHealthCheck extends HealthCheck {
    private final S3Client s3;
    private final String bucket;

    public ObjectStoreHealthCheck(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    protected Result check() {
        s3.headBucket(b -> b.bucket(bucket));
        return Result.healthy("bucket %s reachable", bucket);
    }
}
