package io.catalogingest.workers.core;

/**
 * An item a stage could not apply, with a stable code. Permanent failures will not succeed on a
 * retry (bad data, a missing image); transient ones might (timeouts, 5xx, 429).
 */
public final class ItemFailure extends Exception {
    private final String code;
    private final boolean permanent;

    public ItemFailure(String code, String message, boolean permanent) {
        this(code, message, permanent, null);
    }

    public ItemFailure(String code, String message, boolean permanent, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.permanent = permanent;
    }

    /** A stage threw something that is no dependency's fault: the item's own, worth another attempt. */
    public static ItemFailure unexpected(Throwable cause) {
        return new ItemFailure("PROCESSING_FAILED", "the stage failed on this item: " + cause, false, cause);
    }

    /** A dependency failed the item as a whole more often than it may be retried in place. */
    public static ItemFailure dependencyUnavailable(int times, Throwable cause) {
        return new ItemFailure("DEPENDENCY_UNAVAILABLE", "failed " + times + " times in place: " + cause, false, cause);
    }

    public String code() {
        return code;
    }

    public boolean isPermanent() {
        return permanent;
    }
}
