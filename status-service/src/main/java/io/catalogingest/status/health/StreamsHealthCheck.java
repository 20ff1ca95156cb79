package io.catalogingest.status.health;

import com.codahale.metrics.health.HealthCheck;
import io.catalogingest.status.streams.StatusStreams;
import org.apache.kafka.streams.KafkaStreams;

/** Healthy while the topology runs or rebalances; a stopped or failed topology needs a restart. */
public final class StreamsHealthCheck extends HealthCheck {
    private final StatusStreams streams;

    public StreamsHealthCheck(StatusStreams streams) {
        this.streams = streams;
    }

    @Override
    protected Result check() {
        KafkaStreams.State state = streams.state();
        return state.isRunningOrRebalancing() || state == KafkaStreams.State.CREATED
                ? Result.healthy(state.name()) : Result.unhealthy(state.name());
    }
}
