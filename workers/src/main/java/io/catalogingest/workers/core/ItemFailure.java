package io.catalogingest.workers.core;

/**
 * An item a stage could not apply, with a stable code. Permanent failures will not succeed on a
 * retry (bad data, a missing image); transient ones might (timeouts, 5xx).
 */
public final class ItemFailure extends Exception {
    private final String code;
    private final boolean permanent;

    public ItemFailure(String code, String message, boolean permanent) {
        super(message);
        this.code = code;
        this.permanent = permanent;
    }

    public String code() {
        return code;
    }

    public boolean isPermanent() {
        return permanent;
    }
}
