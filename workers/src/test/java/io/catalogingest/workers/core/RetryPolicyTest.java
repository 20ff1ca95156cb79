package io.catalogingest.workers.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(5));
    private final ItemFailure transientFailure = new ItemFailure("IMAGE_ORIGIN_ERROR", "500", false);
    private final ItemFailure permanentFailure = new ItemFailure("IMAGE_NOT_FOUND", "404", true);

    @Test
    void permanentFailuresAreDeadLetteredAtOnce() {
        assertThat(policy.route(permanentFailure, 1)).isEqualTo(RetryPolicy.Route.DEAD_LETTER);
    }

    @Test
    void transientFailuresAreRetriedUntilTheLastAttempt() {
        assertThat(policy.route(transientFailure, 1)).isEqualTo(RetryPolicy.Route.RETRY);
        assertThat(policy.route(transientFailure, 3)).isEqualTo(RetryPolicy.Route.RETRY);
        assertThat(policy.route(transientFailure, 4)).isEqualTo(RetryPolicy.Route.DEAD_LETTER);
    }

    @Test
    void delaysDoubleUpToTheCap() {
        assertThat(policy.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delayAfter(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.delayAfter(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.delayAfter(4)).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.delayAfter(60)).isEqualTo(Duration.ofSeconds(5));
    }
}
