package io.catalogingest.ingest.core;

/**
 * Where accepted uploads are written, one transaction per upload: in production a pool of Kafka
 * transactional producers. The upload endpoint depends on this, not on Kafka, so it can be tested alone.
 */
public interface UploadTransactions {
    /** The upload could not be stored durably in time; nothing of it was enqueued, the caller answers 503. */
    final class UnavailableException extends Exception {
        public UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Begins one upload's transaction. */
    Transaction begin() throws UnavailableException;

    /** One upload's records. Commit makes them durable and visible; close aborts them if not committed. */
    interface Transaction extends UploadWriter, AutoCloseable {
        void commit() throws UnavailableException;

        @Override
        void close();
    }
}
