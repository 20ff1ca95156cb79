package io.catalogingest.common.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.time.Duration;
import java.util.Optional;

/**
 * What the ingest API needs of the store of upload bodies; {@link SpoolStore} is the S3 one. An
 * interface so that the intake can be tested without an object store. Keys are
 * {@code uploads/<merchant>/<uploadId>} and {@code staged/<merchant>/<stagedUploadId>}.
 */
public interface BodyStore {
    /** The object store failed or did not answer; the caller answers 503 or retries. */
    final class UnavailableException extends IOException {
        public UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** An object being written: visible only once closed; {@link #abort()} leaves nothing behind. */
    abstract class Writer extends OutputStream {
        private final String key;

        protected Writer(String key) {
            this.key = key;
        }

        public final String key() {
            return key;
        }

        /** Bytes written so far. */
        public abstract long size();

        /** Completes the object: on return it is durably in the store. */
        @Override
        public abstract void close() throws IOException;

        /** Gives the object up: nothing of it stays in the store. Safe after a failure. */
        public abstract void abort();
    }

    static String uploadKey(String merchantId, String uploadId) {
        return "uploads/" + merchantId + "/" + uploadId;
    }

    static String stagedKey(String merchantId, String stagedUploadId) {
        return "staged/" + merchantId + "/" + stagedUploadId;
    }

    String bucket();

    /** A new object at {@code key}. */
    Writer create(String key);

    /** The object's size, or empty if there is no such object. */
    Optional<Long> size(String key) throws UnavailableException;

    /** A URL that lets its holder PUT this one object until it expires. */
    URL presignPut(String key, Duration validFor);
}
