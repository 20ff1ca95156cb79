package io.catalogingest.schemas;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Headers on retry and dead-letter records. The record's key and value stay exactly as they were
 * on the products topic; these say where it came from and why it is here.
 */
public final class RecordHeaders {
    public static final String ORIGIN_TOPIC = "catalog.origin.topic";
    public static final String ORIGIN_PARTITION = "catalog.origin.partition";
    public static final String ORIGIN_OFFSET = "catalog.origin.offset";
    public static final String STAGE = "catalog.stage";
    public static final String ERROR_CLASS = "catalog.error.class";
    public static final String ERROR_CODE = "catalog.error.code";
    public static final String ERROR_MESSAGE = "catalog.error.message";
    /** How many times the stage has tried the record, this failure included. */
    public static final String ATTEMPT = "catalog.attempt";
    /** Epoch milliseconds of the first failure. */
    public static final String FIRST_FAILURE = "catalog.first-failure";
    /** How many times an operator replayed the record from a dead-letter topic. */
    public static final String REPLAY_COUNT = "catalog.replay-count";
    /** Epoch milliseconds before which a retry record must not be processed. */
    public static final String NOT_BEFORE = "catalog.retry.not-before";

    private RecordHeaders() {}

    public static String string(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    public static long number(Headers headers, String name, long absent) {
        String s = string(headers, name);
        try {
            return s == null ? absent : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return absent;
        }
    }

    public static void put(Headers headers, String name, Object value) {
        headers.remove(name);
        headers.add(name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }
}
