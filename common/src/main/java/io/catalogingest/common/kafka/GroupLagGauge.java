package io.catalogingest.common.kafka;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer group's whole lag on its topics, as {@code pipelinectl lag} counts it, read from the
 * broker on a schedule (never at scrape time). Unlike a consumer's own {@code records-lag-max},
 * it keeps growing while the group's consumers are stuck or gone. NaN until the first reading and
 * while the broker cannot be asked.
 */
public final class GroupLagGauge {
    private static final Logger LOG = LoggerFactory.getLogger(GroupLagGauge.class);
    public static final Duration EVERY = Duration.ofSeconds(30);

    private GroupLagGauge() {}

    /** Registers {@code name} and reads the lag every {@link #EVERY} on {@code schedule}. */
    public static void register(MetricRegistry metrics, String name, ScheduledExecutorService schedule, Admin admin,
            String group, List<String> topics) {
        AtomicReference<Double> lag = new AtomicReference<>(Double.NaN);
        metrics.register(name, (Gauge<Double>) lag::get);
        schedule.scheduleWithFixedDelay(() -> {
            try {
                lag.set((double) Offsets.lag(admin, group, topics));
            } catch (Exception e) {
                lag.set(Double.NaN);
                LOG.warn("cannot read the lag of consumer group {}: {}", group, e.toString());
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }, 0, EVERY.toSeconds(), TimeUnit.SECONDS);
    }
}
