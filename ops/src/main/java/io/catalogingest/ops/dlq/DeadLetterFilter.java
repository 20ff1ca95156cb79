package io.catalogingest.ops.dlq;

import java.time.Instant;
import java.util.Objects;
import java.util.function.Predicate;

/** Which dead letters a command works on; every unset criterion matches all. */
public record DeadLetterFilter(Instant since, String merchantId, String uploadId, String errorCode)
        implements Predicate<DeadLetter> {

    public static final DeadLetterFilter ALL = new DeadLetterFilter(null, null, null, null);

    @Override
    public boolean test(DeadLetter letter) {
        return (since == null || !letter.timestamp().isBefore(since))
                && (merchantId == null || Objects.equals(merchantId, letter.merchantId()))
                && (uploadId == null || Objects.equals(uploadId, letter.uploadId()))
                && (errorCode == null || errorCode.equalsIgnoreCase(letter.errorCode()));
    }
}
