package io.catalogingest.workers.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.catalogingest.schemas.Topics;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(5), 3);
    private final ItemFailure transientFailure = new ItemFailure("IMAGE_ORIGIN_ERROR", "500", false);
    private final ItemFailure permanentFailure = new ItemFailure("IMAGE_NOT_FOUND", "404", true);

    @Test
    void permanentFailuresAreDeadLetteredAtOnce() {
        assertThat(policy.route(permanentFailure, 1)).isEqualTo(RetryPolicy.Route.DEAD_LETTER);
    }

    @Test
    void transientFailuresAreRetriedUntilTheLastAttempt() {
        assertThat(policy.route(transientFailure, 1)).isEqualTo(RetryPolicy.Route.RETRY);
        assertThat(policy.route(transientFailure, 5)).isEqualTo(RetryPolicy.Route.RETRY);
        assertThat(policy.route(transientFailure, 6)).isEqualTo(RetryPolicy.Route.DEAD_LETTER);
    }

    @Test
    void delaysDoubleUpToTheCapAndStayOnceTheLastTierIsReached() {
        assertThat(policy.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delayAfter(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.delayAfter(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.delayAfter(4)).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.delayAfter(60)).isEqualTo(Duration.ofSeconds(5));
        RetryPolicy uncapped = new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofHours(1), 3);
        assertThat(uncapped.delayAfter(Topics.RETRY_TIERS + 3)).isEqualTo(uncapped.delayAfter(Topics.RETRY_TIERS));
    }

    /** One tier per delay: every record of a tier's topic waits the same, so none is due behind one that is not. */
    @Test
    void eachAttemptWaitsOnTheTierOfItsDelay() {
        assertThat(RetryPolicy.tierAfter(1)).isEqualTo(1);
        assertThat(RetryPolicy.tierAfter(3)).isEqualTo(3);
        assertThat(RetryPolicy.tierAfter(Topics.RETRY_TIERS + 5)).isEqualTo(Topics.RETRY_TIERS);
        for (int attempt = 1; attempt < 20; attempt++) {
            for (int other = 1; other < 20; other++) {
                if (RetryPolicy.tierAfter(attempt) == RetryPolicy.tierAfter(other)) {
                    assertThat(policy.delayAfter(attempt)).isEqualTo(policy.delayAfter(other));
                }
            }
        }
    }
}
