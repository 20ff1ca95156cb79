package io.catalogingest.common.kafka;

import java.util.List;

/** The pipeline's consumer groups, named once for the workers and the operator's tools. */
public final class ConsumerGroups {
    /** Splits accepted uploads into products. */
    public static final String SPLITTER = "upload-splitter";
    public static final String CATALOG_WRITER = "catalog-writer";
    public static final String IMAGE_WORKER = "image-worker";
    /** The status service's Kafka Streams application id by default. */
    public static final String STATUS_SERVICE = "status-service";

    private ConsumerGroups() {}

    public static List<String> all() {
        return List.of(SPLITTER, CATALOG_WRITER, IMAGE_WORKER, STATUS_SERVICE);
    }
}
