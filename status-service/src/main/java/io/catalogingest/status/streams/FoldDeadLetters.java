package io.catalogingest.status.streams;

import java.util.List;
import java.util.Map;

import com.codahale.metrics.Meter;
import io.catalogingest.schemas.RecordHeaders;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.serde.SchemaRegistryClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the fold does with a record it cannot read or fold: a copy, byte for byte, goes to the
 * status dead-letter topic with headers saying where it came from and why (in the fold's
 * transaction), and the fold goes on with the next record. A registry that cannot be asked is a
 * dependency fault, not a bad record: then the stream thread fails after a pause and its
 * replacement tries the same record again.
 */
public final class FoldDeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(FoldDeadLetters.class);
    /** Slows a thread that fails on a registry outage down to one try per pause. */
    private static final long DEPENDENCY_PAUSE_MILLIS = 5_000;

    private FoldDeadLetters() {}

    /** Streams hands its configuration to the handlers it creates; this entry carries their meter. */
    private static final String METER_CONFIG = "catalog.fold.dead-lettered.meter";

    /** Streams configuration that installs both handlers; each dead letter marks {@code deadLettered}. */
    public static Map<String, Object> streamsConfig(Meter deadLettered) {
        return Map.of(
                org.apache.kafka.streams.StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, Unreadable.class,
                org.apache.kafka.streams.StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, Unfoldable.class,
                METER_CONFIG, deadLettered);
    }

    private static Meter meter(Map<String, ?> configs) {
        return java.util.Objects.requireNonNull((Meter) configs.get(METER_CONFIG), "streams config lacks " + METER_CONFIG);
    }

    /** Garbage bytes, an unknown schema id, a schema this build has no class for. */
    public static final class Unreadable implements DeserializationExceptionHandler {
        private Meter deadLettered;

        @Override
        public void configure(Map<String, ?> configs) {
            deadLettered = meter(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception e) {
            if (waitOutDependency(context, e)) {
                return Response.fail();
            }
            return Response.resume(List.of(deadLetter(context, "UNREADABLE_RECORD", e, deadLettered)));
        }
    }

    /** A record read but not foldable: no key, no value, a record type the fold does not take, a corrupt set. */
    public static final class Unfoldable implements ProcessingExceptionHandler {
        private Meter deadLettered;

        @Override
        public void configure(Map<String, ?> configs) {
            deadLettered = meter(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception e) {
            if (waitOutDependency(context, e)) {
                return Response.fail();
            }
            if (record == null) { // the retention punctuator, not a record: it runs again at its next interval
                LOG.error("status fold retention check failed; it runs again at its next interval", e);
                return Response.resume();
            }
            return Response.resume(List.of(deadLetter(context, "UNFOLDABLE_RECORD", e, deadLettered)));
        }
    }

    private static boolean waitOutDependency(ErrorHandlerContext context, Exception e) {
        if (!SchemaRegistryClient.UnavailableException.in(e)) {
            return false;
        }
        LOG.warn("status fold cannot read {}-{}@{} while the schema registry is unavailable; retrying: {}", context.topic(),
                context.partition(), context.offset(), e.toString());
        try {
            Thread.sleep(DEPENDENCY_PAUSE_MILLIS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private static ProducerRecord<byte[], byte[]> deadLetter(ErrorHandlerContext context, String code, Exception e,
            Meter deadLettered) {
        deadLettered.mark();
        LOG.error("status fold dead-lettered {}-{}@{} ({}): {}", context.topic(), context.partition(), context.offset(), code,
                e.toString());
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(Topics.STATUS_DEAD_LETTERS, null, context.sourceRawKey(),
                context.sourceRawValue(), new org.apache.kafka.common.header.internals.RecordHeaders(context.headers().toArray()));
        RecordHeaders.put(out.headers(), RecordHeaders.ORIGIN_TOPIC, context.topic());
        RecordHeaders.put(out.headers(), RecordHeaders.ORIGIN_PARTITION, context.partition());
        RecordHeaders.put(out.headers(), RecordHeaders.ORIGIN_OFFSET, context.offset());
        RecordHeaders.put(out.headers(), RecordHeaders.STAGE, "STATUS");
        RecordHeaders.put(out.headers(), RecordHeaders.ERROR_CLASS, root(e).getClass().getName());
        RecordHeaders.put(out.headers(), RecordHeaders.ERROR_CODE, code);
        RecordHeaders.put(out.headers(), RecordHeaders.ERROR_MESSAGE, String.valueOf(rootMessage(e)));
        RecordHeaders.put(out.headers(), RecordHeaders.FIRST_FAILURE, System.currentTimeMillis());
        return out;
    }

    private static Throwable root(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root;
    }

    private static String rootMessage(Throwable e) {
        StringBuilder message = new StringBuilder(e.toString());
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            message.append("; caused by ").append(t);
        }
        return message.toString();
    }
}
