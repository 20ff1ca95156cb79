package io.catalogingest.common.storage;

import java.net.URI;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotEmpty;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * S3-compatible object store settings. Without an access key the SDK's default credential chain
 * is used (instance roles, environment), which is what production wants.
 */
public class ObjectStoreFactory {
    /** Empty means the provider's default endpoint (AWS S3 itself). */
    @JsonProperty
    private String endpoint = "";

    @NotEmpty
    @JsonProperty
    private String region = "us-east-1";

    @NotEmpty
    @JsonProperty
    private String bucket = "catalog-images";

    @JsonProperty
    private String accessKey = "";

    @JsonProperty
    private String secretKey = "";

    /** Path-style addressing, which S3Proxy, MinIO and most self-hosted stores need. */
    @JsonProperty
    private boolean pathStyle = true;

    public String getBucket() {
        return bucket;
    }

    public void setEndpoint(String endpoint) {
        this.endpoint = endpoint;
    }

    public void setAccessKey(String accessKey) {
        this.accessKey = accessKey;
    }

    public void setSecretKey(String secretKey) {
        this.secretKey = secretKey;
    }

    public void setBucket(String bucket) {
        this.bucket = bucket;
    }

    public S3Client build() {
        var builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(region))
                .forcePathStyle(pathStyle)
                .credentialsProvider(credentials());
        if (!endpoint.isEmpty()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    /** Signs URLs that let a client send an object straight to the store (staged uploads). */
    public S3Presigner presigner() {
        var builder = S3Presigner.builder()
                .region(Region.of(region))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build())
                .credentialsProvider(credentials());
        if (!endpoint.isEmpty()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    private AwsCredentialsProvider credentials() {
        return accessKey.isEmpty()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }

    /** Creates the bucket if it is missing (local stacks); production buckets are provisioned. */
    public void ensureBucket(S3Client s3) {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException missing) {
            try {
                s3.createBucket(b -> b.bucket(bucket));
            } catch (BucketAlreadyOwnedByYouException raced) {
                // another instance created it first
            }
        }
    }
}
