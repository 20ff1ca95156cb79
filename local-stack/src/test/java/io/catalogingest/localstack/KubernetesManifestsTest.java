package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.catalogingest.common.kafka.ConsumerGroups;
import io.catalogingest.common.metrics.PrometheusEndpoint;
import io.catalogingest.schemas.Topics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests under ops/k8s agree with the services: images and versions, config files
 * and commands, ports, environment variables, probes, consumer groups, topics and partition bounds.
 */
class KubernetesManifestsTest {
    private static final Path K8S = ServiceConfigs.ROOT.resolve("ops/k8s");

    private static final List<JsonNode> resources = new ArrayList<>();

    @BeforeAll
    static void read() throws IOException {
        ObjectMapper yaml = ServiceConfigs.YAML;
        try (Stream<Path> files = Files.list(K8S)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (var parser = yaml.getFactory().createParser(file.toFile())) {
                    yaml.readValues(parser, JsonNode.class).forEachRemaining(resources::add);
                }
            }
        }
    }

    private static List<JsonNode> kind(String kind) {
        return resources.stream().filter(r -> r.path("kind").asText().equals(kind)).toList();
    }

    private static JsonNode named(String kind, String name) {
        return kind(kind).stream().filter(r -> r.path("metadata").path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
    }

    private static JsonNode container(JsonNode deployment) {
        return deployment.path("spec").path("template").path("spec").path("containers").get(0);
    }

    @Test
    void deploymentsRunTheServicesWithTheirConfigPortsAndEnvironment() throws IOException {
        assertThat(kind("Deployment")).extracting(d -> d.path("metadata").path("name").asText())
                .containsExactlyInAnyOrder("ingest-api", "status-service", "upload-splitter", "catalog-writer", "image-worker");
        Set<String> configKeys = new HashSet<>();
        named("ConfigMap", "catalog-ingest-config").path("data").fieldNames().forEachRemaining(configKeys::add);
        for (JsonNode deployment : kind("Deployment")) {
            String name = deployment.path("metadata").path("name").asText();
            JsonNode container = container(deployment);
            Matcher image = Pattern.compile("ghcr\\.io/catalog-ingest/([a-z-]+):(.+)").matcher(container.path("image").asText());
            assertThat(image.matches()).as(name).isTrue();
            String service = image.group(1);
            assertThat(ServiceConfigs.SERVICES).as(name).contains(service);
            assertThat(image.group(2)).as(name).isEqualTo(ServiceConfigs.projectVersion());

            List<String> args = new ArrayList<>();
            container.path("args").forEach(a -> args.add(a.asText()));
            assertThat(args).as(name).hasSize(2);
            assertThat(args.get(1)).as(name).isEqualTo("/app/" + service + ".yml");
            assertThat(ServiceConfigs.commands(service)).as(name).contains(args.get(0));

            Map<String, String> variables = ServiceConfigs.variables(service);
            Map<String, JsonNode> env = new java.util.HashMap<>();
            container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
            // Variables that only feed others, as $(POD_IP) in ADVERTISED_URL, need not be read by the service.
            Set<String> referenced = new HashSet<>();
            env.values().forEach(e -> {
                Matcher ref = Pattern.compile("\\$\\(([A-Z0-9_]+)\\)").matcher(e.path("value").asText());
                while (ref.find()) {
                    referenced.add(ref.group(1));
                }
            });
            assertThat(env.keySet()).as(name + ": variables the config file does not read")
                    .allMatch(v -> variables.containsKey(v) || ServiceConfigs.JVM_VARIABLES.contains(v) || referenced.contains(v));
            assertThat(referenced).as(name + ": referenced variables are defined").allMatch(env::containsKey);
            variables.forEach((v, fallback) -> assertThat(fallback != null || env.containsKey(v)).as(name + " must set " + v).isTrue());
            assertThat(env.get("BIND_HOST").path("value").asText()).as(name + " listens beyond loopback").isEqualTo("0.0.0.0");
            // Connection settings come from the shared ConfigMap, credentials from the one Secret.
            List<String> configRefs = new ArrayList<>();
            List<String> secretRefs = new ArrayList<>();
            env.values().forEach(e -> {
                configRefs.add(e.path("valueFrom").path("configMapKeyRef").path("key").asText(null));
                secretRefs.add(e.path("valueFrom").path("secretKeyRef").path("name").asText(null));
            });
            configRefs.removeIf(java.util.Objects::isNull);
            secretRefs.removeIf(java.util.Objects::isNull);
            assertThat(configRefs).as(name + " reads the ConfigMap").isNotEmpty().isSubsetOf(configKeys);
            assertThat(secretRefs).as(name + " reads the Secret").isNotEmpty().containsOnly("catalog-ingest-secrets");

            Map<String, Integer> ports = new java.util.HashMap<>();
            container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
            assertThat(ports.get("admin")).as(name).isEqualTo(Integer.valueOf(variables.get("ADMIN_PORT")));
            if (variables.containsKey("HTTP_PORT")) {
                assertThat(ports.get("http")).as(name).isEqualTo(Integer.valueOf(variables.get("HTTP_PORT")));
            } else {
                assertThat(ports).as(name).doesNotContainKey("http");
            }
            if (env.containsKey("ADVERTISED_URL")) {
                assertThat(env.get("ADVERTISED_URL").path("value").asText()).as(name + " advertises its HTTP port")
                        .endsWith(":" + ports.get("http"));
            }
            assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthcheck");
            assertThat(container.path("readinessProbe").path("httpGet").path("port").asText()).isEqualTo("admin");
            assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/ping");
            assertThat(container.path("livenessProbe").path("httpGet").path("port").asText()).isEqualTo("admin");

            JsonNode scrape = deployment.path("spec").path("template").path("metadata").path("annotations");
            assertThat(scrape.path("prometheus.io/scrape").asText()).as(name + " is scraped").isEqualTo("true");
            assertThat(scrape.path("prometheus.io/port").asInt()).as(name + " is scraped on its admin port").isEqualTo(ports.get("admin"));
            assertThat(scrape.path("prometheus.io/path").asText()).isEqualTo(PrometheusEndpoint.PATH);

            JsonNode labels = deployment.path("spec").path("template").path("metadata").path("labels");
            assertThat(deployment.path("spec").path("selector").path("matchLabels").fields()).toIterable()
                    .allMatch(l -> labels.path(l.getKey()).asText().equals(l.getValue().asText()));
            JsonNode budget = named("PodDisruptionBudget", name);
            assertThat(budget.path("spec").path("selector").path("matchLabels"))
                    .isEqualTo(deployment.path("spec").path("selector").path("matchLabels"));
        }
    }

    @Test
    void thePodMonitorScrapesEveryDeploymentsAdminPort() {
        JsonNode endpoint = named("PodMonitor", "catalog-ingest").path("spec").path("podMetricsEndpoints").get(0);
        assertThat(endpoint.path("port").asText()).isEqualTo("admin");
        assertThat(endpoint.path("path").asText()).isEqualTo(PrometheusEndpoint.PATH);
        JsonNode selector = named("PodMonitor", "catalog-ingest").path("spec").path("selector").path("matchLabels");
        assertThat(kind("Deployment")).allSatisfy(d -> assertThat(selector.fields()).toIterable().allMatch(l ->
                d.path("spec").path("template").path("metadata").path("labels").path(l.getKey()).asText()
                        .equals(l.getValue().asText())));
    }

    @Test
    void servicesRouteToDeclaredPorts() {
        // The HTTP services behind the load balancer; the worker pools serve no traffic.
        List<JsonNode> services = kind("Service");
        assertThat(services).extracting(s -> s.path("metadata").path("name").asText())
                .containsExactlyInAnyOrder("ingest-api", "status-service");
        for (JsonNode service : services) {
            JsonNode deployment = named("Deployment", service.path("metadata").path("name").asText());
            List<String> portNames = new ArrayList<>();
            container(deployment).path("ports").forEach(p -> portNames.add(p.path("name").asText()));
            List<String> targets = new ArrayList<>();
            service.path("spec").path("ports").forEach(p -> targets.add(p.path("targetPort").asText()));
            assertThat(targets).as("target ports of " + deployment.path("metadata").path("name").asText())
                    .containsExactly("http").isSubsetOf(portNames);
            assertThat(service.path("spec").path("selector")).isEqualTo(deployment.path("spec").path("selector").path("matchLabels"));
        }
    }

    @Test
    void workerPoolsScaleOnTheirOwnGroupsLagWithinThePartitionBound() {
        Map<String, String> groupOfPool = Map.of("split", ConsumerGroups.SPLITTER, "catalog", ConsumerGroups.CATALOG_WRITER,
                "images", ConsumerGroups.IMAGE_WORKER);
        Map<String, String> topicOfPool = Map.of("split", Topics.UPLOADS, "catalog", Topics.PRODUCTS, "images", Topics.PRODUCTS);
        Map<String, String> consumersVariable = Map.of("split", "SPLIT_CONSUMERS", "catalog", "CATALOG_CONSUMERS",
                "images", "IMAGE_CONSUMERS");
        List<JsonNode> scaled = kind("ScaledObject");
        assertThat(scaled).hasSize(3);
        for (JsonNode scaler : scaled) {
            JsonNode deployment = named("Deployment", scaler.path("spec").path("scaleTargetRef").path("name").asText());
            JsonNode container = container(deployment);
            String pool = container.path("args").get(0).asText();
            JsonNode trigger = scaler.path("spec").path("triggers").get(0);
            assertThat(trigger.path("type").asText()).isEqualTo("kafka");
            assertThat(trigger.path("metadata").path("consumerGroup").asText()).isEqualTo(groupOfPool.get(pool));
            String topic = trigger.path("metadata").path("topic").asText();
            Topics.TopicSpec spec = Topics.all().stream().filter(t -> t.name().equals(topic)).findFirst().orElseThrow();
            assertThat(topic).isEqualTo(topicOfPool.get(pool));
            List<String> envNames = new ArrayList<>();
            container.path("env").forEach(e -> envNames.add(e.path("name").asText()));
            assertThat(envNames).contains(trigger.path("metadata").path("bootstrapServersFromEnv").asText());
            int consumers = 0;
            for (JsonNode e : container.path("env")) {
                if (e.path("name").asText().equals(consumersVariable.get(pool))) {
                    consumers = e.path("value").asInt();
                }
            }
            assertThat(consumers).as(pool + " consumers per pod").isPositive();
            assertThat(scaler.path("spec").path("maxReplicaCount").asInt() * consumers)
                    .as("consumers beyond " + spec.partitions() + " partitions would idle").isLessThanOrEqualTo(spec.partitions());
        }
    }
}
