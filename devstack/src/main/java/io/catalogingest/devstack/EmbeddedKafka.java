package io.catalogingest.devstack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.raft.DynamicVoters;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/** A real single-node KRaft broker (combined broker and controller) bound to 127.0.0.1. */
public final class EmbeddedKafka implements AutoCloseable {
    private final Path logDir;
    private final int brokerPort;
    private final int controllerPort;
    private final int relayedListenerPort;
    private final int relayedAdvertisedPort;
    private final Properties props;
    private KafkaRaftServer server;

    public EmbeddedKafka(Path logDir) {
        this.logDir = logDir;
        this.brokerPort = FreePorts.next();
        this.controllerPort = FreePorts.next();
        this.relayedListenerPort = FreePorts.next();
        this.relayedAdvertisedPort = FreePorts.next();
        this.props = brokerProperties();
    }

    private Properties brokerProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        // RELAYED is advertised at a port a TcpRelay listens on, so clients that bootstrap there
        // reach the broker only through the relay, which a test can stall.
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort
                + ",RELAYED://127.0.0.1:" + relayedListenerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",RELAYED://127.0.0.1:" + relayedAdvertisedPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,RELAYED:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        p.put("log.dirs", logDir.toString());
        // A one-node cluster: without these, internal topics cannot be created and consumers get nothing.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "3");
        p.put("auto.create.topics.enable", "false");
        p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        return p;
    }

    public EmbeddedKafka start() throws IOException {
        Files.createDirectories(logDir);
        // What `kafka-storage format --standalone` does, without its command-line parser (whose
        // argparse4j version clashes with Dropwizard's).
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setHasDynamicQuorum(true)
                    .setInitialControllers(DynamicVoters.parse("1@127.0.0.1:" + controllerPort + ":" + Uuid.randomUuid()))
                    .run();
        } catch (Exception e) {
            throw new IOException("cannot format Kafka log directory " + logDir, e);
        }
        server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        return this;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** Where the RELAYED listener really listens: the target of the relay in front of it. */
    public int relayedListenerPort() {
        return relayedListenerPort;
    }

    /** The port clients of the RELAYED listener are sent to: the relay's own. */
    public int relayedAdvertisedPort() {
        return relayedAdvertisedPort;
    }

    public void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
