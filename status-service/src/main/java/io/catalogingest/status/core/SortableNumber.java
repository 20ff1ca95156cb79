package io.catalogingest.status.core;

/** A non-negative number as zero-padded digits, so that keys sort by it as text (String.format costs the fold dearly). */
public final class SortableNumber {
    private SortableNumber() {}

    public static String of(long value, int width) {
        if (value < 0) {
            throw new IllegalArgumentException("a negative number does not sort as text: " + value);
        }
        String digits = Long.toString(value);
        return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
    }
}
