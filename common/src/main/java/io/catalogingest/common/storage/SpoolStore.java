package io.catalogingest.common.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Upload bodies in the object store (the claim check): written by the ingest API, or by the
 * merchant through a presigned URL; the splitter reads them back from the location its
 * UploadAccepted names.
 */
public final class SpoolStore implements BodyStore {
    /** S3 takes parts of at least 5 MiB, but the last. */
    public static final int MIN_PART_SIZE = 5 << 20;

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final int partSize;
    private final Executor partUploads;

    /** {@code partUploads} sends parts while the caller reads on; one part per writer is in flight at most. */
    public SpoolStore(S3Client s3, S3Presigner presigner, String bucket, int partSize, Executor partUploads) {
        if (partSize < MIN_PART_SIZE) {
            throw new IllegalArgumentException("parts are at least " + MIN_PART_SIZE + " bytes");
        }
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.partSize = partSize;
        this.partUploads = partUploads;
    }

    @Override
    public String bucket() {
        return bucket;
    }

    @Override
    public Writer create(String key) {
        return new PartWriter(key);
    }

    @Override
    public Optional<Long> size(String key) throws UnavailableException {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(bucket).key(key)).contentLength());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw new UnavailableException("cannot look up " + key + " in the object store", e);
        }
    }

    @Override
    public URL presignPut(String key, Duration validFor) {
        return presigner.presignPutObject(p -> p.signatureDuration(validFor)
                .putObjectRequest(o -> o.bucket(bucket).key(key))).url();
    }

    /** Deletes the objects under {@code prefix} last written before {@code cutoff}; returns how many. */
    public int deleteOlderThan(String prefix, Instant cutoff) {
        int deleted = 0;
        for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))) {
            for (S3Object object : page.contents()) {
                if (object.lastModified().isBefore(cutoff)) {
                    s3.deleteObject(b -> b.bucket(bucket).key(object.key()));
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /** The buffer as a request body without a copy: it is not written to once handed over. */
    private static RequestBody body(byte[] buffer, int length) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length), length,
                "application/octet-stream");
    }

    /**
     * Buffers a part, then sends it in the background while the next one fills. A body smaller than
     * one part is a single PUT; larger ones are an S3 multipart upload, completed on close. The
     * buffer grows with the body, so the many small uploads take little memory each.
     */
    private final class PartWriter extends Writer {
        private static final int FIRST_BUFFER = 64 * 1024;
        private byte[] buffer = new byte[Math.min(FIRST_BUFFER, partSize)];
        private int filled;
        private long size;
        private String multipartId;
        private final List<CompletedPart> parts = new ArrayList<>();
        private CompletableFuture<CompletedPart> inFlight;
        private boolean closed;

        private PartWriter(String key) {
            super(key);
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            while (length > 0) {
                if (filled == buffer.length) {
                    buffer = Arrays.copyOf(buffer, Math.min(partSize, Math.max(buffer.length * 2, filled + length)));
                }
                int n = Math.min(length, buffer.length - filled);
                System.arraycopy(bytes, offset, buffer, filled, n);
                filled += n;
                size += n;
                offset += n;
                length -= n;
                if (filled == partSize) {
                    sendPart();
                }
            }
        }

        private void sendPart() throws UnavailableException {
            try {
                if (multipartId == null) {
                    multipartId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key())).uploadId();
                }
                awaitInFlight();
                byte[] part = buffer;
                int length = filled;
                int number = parts.size() + 1;
                inFlight = CompletableFuture.supplyAsync(() -> CompletedPart.builder().partNumber(number)
                        .eTag(s3.uploadPart(b -> b.bucket(bucket).key(key()).uploadId(multipartId).partNumber(number)
                                .contentLength((long) length), body(part, length)).eTag())
                        .build(), partUploads);
                buffer = new byte[Math.min(FIRST_BUFFER, partSize)];
                filled = 0;
            } catch (SdkException e) {
                throw new UnavailableException("cannot write " + key() + " to the object store", e);
            }
        }

        private void awaitInFlight() throws UnavailableException {
            if (inFlight == null) {
                return;
            }
            try {
                parts.add(inFlight.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnavailableException("interrupted while writing " + key(), e);
            } catch (ExecutionException e) {
                throw new UnavailableException("cannot write " + key() + " to the object store", e.getCause());
            } finally {
                inFlight = null;
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (multipartId == null) {
                    s3.putObject(b -> b.bucket(bucket).key(key()).contentLength((long) filled), body(buffer, filled));
                    return;
                }
                if (filled > 0) {
                    sendPart();
                }
                awaitInFlight();
                s3.completeMultipartUpload(b -> b.bucket(bucket).key(key()).uploadId(multipartId)
                        .multipartUpload(m -> m.parts(parts)));
            } catch (SdkException e) {
                abort();
                throw new UnavailableException("cannot write " + key() + " to the object store", e);
            } catch (UnavailableException e) {
                abort();
                throw e;
            }
        }

        @Override
        public void abort() {
            closed = true;
            buffer = null;
            if (inFlight != null) {
                inFlight.cancel(false);
            }
            if (multipartId != null) {
                try {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(key()).uploadId(multipartId));
                } catch (SdkException e) {
                    // the sweeper of incomplete uploads (or the store's lifecycle rule) removes it
                }
            }
        }
    }
}
