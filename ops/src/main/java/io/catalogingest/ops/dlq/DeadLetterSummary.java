package io.catalogingest.ops.dlq;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Counts of dead letters by error code and class, their time span and the uploads with most of them. */
public final class DeadLetterSummary {
    static final int TOP_UPLOADS = 10;

    private final Map<String, Long> byError = new HashMap<>();
    private final Map<String, Long> byUpload = new HashMap<>();
    private long total;
    private Instant oldest;
    private Instant newest;

    public void add(DeadLetter letter) {
        total++;
        byError.merge(letter.errorCode() + " (" + letter.errorClass() + ")", 1L, Long::sum);
        byUpload.merge(String.valueOf(letter.uploadId()), 1L, Long::sum);
        Instant at = letter.timestamp();
        oldest = oldest == null || at.isBefore(oldest) ? at : oldest;
        newest = newest == null || at.isAfter(newest) ? at : newest;
    }

    public long total() {
        return total;
    }

    public Map<String, Long> byError() {
        return Map.copyOf(byError);
    }

    /** The uploads with most dead letters, most first. */
    public List<Map.Entry<String, Long>> topUploads() {
        return largestFirst(byUpload).stream().limit(TOP_UPLOADS).toList();
    }

    public void print(PrintWriter out, String topic) {
        out.printf("%s: %d record(s)%n", topic, total);
        if (total == 0) {
            return;
        }
        out.printf("oldest %s, newest %s%n%nby error code (class):%n", oldest, newest);
        largestFirst(byError).forEach(e -> out.printf("  %8d  %s%n", e.getValue(), e.getKey()));
        out.printf("%ntop uploads:%n");
        topUploads().forEach(e -> out.printf("  %8d  %s%n", e.getValue(), e.getKey()));
    }

    private static List<Map.Entry<String, Long>> largestFirst(Map<String, Long> counts) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .toList();
    }
}
