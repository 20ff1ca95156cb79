package io.catalogingest.ingest.core;

/**
 * A dependency (Kafka, the schema registry, the object store, the database) failed or was too slow
 * while an upload was taken in; nothing of it was enqueued and the merchant may retry: 503.
 */
public final class IntakeUnavailableException extends Exception {
    private final String code;
    private final boolean mayHaveCommitted;

    public IntakeUnavailableException(String code, String message, Throwable cause) {
        this(code, message, cause, false);
    }

    private IntakeUnavailableException(String code, String message, Throwable cause, boolean mayHaveCommitted) {
        super(message, cause);
        this.code = code;
        this.mayHaveCommitted = mayHaveCommitted;
    }

    /**
     * Kafka could not be reached to settle a commit that timed out: the upload may exist. Its
     * Idempotency-Key keeps the upload id, so a retry with the key never enqueues it under another.
     */
    public static IntakeUnavailableException outcomeUnknown(String message, Throwable cause) {
        return new IntakeUnavailableException("KAFKA_UNAVAILABLE", message, cause, true);
    }

    public boolean mayHaveCommitted() {
        return mayHaveCommitted;
    }

    /** KAFKA_UNAVAILABLE, OBJECT_STORE_UNAVAILABLE, DATABASE_UNAVAILABLE or UPLOADS_BUSY. */
    public String code() {
        return code;
    }
}
