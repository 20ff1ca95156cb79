package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.core.Application;
import org.junit.jupiter.api.Test;

/**
 * docker/compose.yaml agrees with the services and with ops/k8s: the images it builds are the ones the
 * manifests run, each built with its own module, application class and admin port; each service runs a
 * command it has, with variables its YAML reads, addresses of services in the file and the credentials
 * those services are given; and it starts after what it depends on is healthy and the topics exist.
 */
class ComposeFileTest {
    private static final Pattern PROJECT_IMAGE = Pattern.compile("ghcr\\.io/catalog-ingest/([a-z-]+):(.+)");
    private static final JsonNode SERVICES = ServiceImages.compose().path("services");

    private static Map<String, JsonNode> projectServices() {
        Map<String, JsonNode> services = new HashMap<>();
        SERVICES.fields().forEachRemaining(s -> {
            if (PROJECT_IMAGE.matcher(s.getValue().path("image").asText()).matches()) {
                services.put(s.getKey(), s.getValue());
            }
        });
        return services;
    }

    /** The image's short name: a service module, or pipelinectl. */
    private static String imageOf(JsonNode service) {
        Matcher image = PROJECT_IMAGE.matcher(service.path("image").asText());
        assertThat(image.matches()).isTrue();
        return image.group(1);
    }

    @Test
    void composeBuildsEveryImageTheKubernetesManifestsRun() throws IOException {
        Set<String> built = new HashSet<>();
        projectServices().forEach((name, service) -> {
            Matcher image = PROJECT_IMAGE.matcher(service.path("image").asText());
            assertThat(image.matches()).isTrue();
            assertThat(image.group(2)).as(name).isEqualTo(ServiceConfigs.projectVersion());
            if (!service.path("build").isMissingNode()) {
                assertThat(built.add(service.path("image").asText())).as(name + " builds an image another service builds").isTrue();
            }
        });
        projectServices().forEach((name, service) -> assertThat(built).as(name).contains(service.path("image").asText()));

        Set<String> deployed = new HashSet<>();
        try (Stream<Path> files = Files.list(ServiceConfigs.ROOT.resolve("ops/k8s"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Matcher image = Pattern.compile("image: (\\S+)").matcher(Files.readString(file));
                while (image.find()) {
                    deployed.add(image.group(1));
                }
            }
        }
        assertThat(deployed).isNotEmpty();
        assertThat(built).containsAll(deployed);
    }

    @Test
    void eachServiceImageIsBuiltWithItsModuleApplicationAndAdminPort() throws ClassNotFoundException {
        for (JsonNode service : projectServices().values()) {
            JsonNode args = service.path("build").path("args");
            if (args.path("SERVICE").isMissingNode()) {
                continue;
            }
            String module = args.path("SERVICE").asText();
            assertThat(module).isEqualTo(imageOf(service)).isIn(ServiceConfigs.SERVICES);
            assertThat(service.path("build").path("dockerfile").asText()).isEqualTo("docker/service.Dockerfile");
            assertThat(Application.class.isAssignableFrom(Class.forName(args.path("MAIN_CLASS").asText()))).as(module).isTrue();
            assertThat(args.path("ADMIN_PORT").asText()).as(module).isEqualTo(ServiceConfigs.variables(module).get("ADMIN_PORT"));
        }
    }

    @Test
    void servicesRunTheirCommandsWithVariablesTheirConfigurationReads() {
        projectServices().forEach((name, service) -> {
            String module = imageOf(service);
            Map<String, String> env = environment(service);
            if (!ServiceConfigs.SERVICES.contains(module)) {
                return;
            }
            List<String> command = new ArrayList<>();
            service.path("command").forEach(c -> command.add(c.asText()));
            assertThat(command).as(name).hasSize(2);
            assertThat(ServiceConfigs.commands(module)).as(name).contains(command.get(0));
            assertThat(command.get(1)).as(name).isEqualTo("/app/" + module + ".yml");

            Map<String, String> variables = ServiceConfigs.variables(module);
            assertThat(env.keySet()).as(name + ": variables the config file does not read")
                    .allMatch(v -> variables.containsKey(v) || ServiceConfigs.JVM_VARIABLES.contains(v));
            variables.forEach((v, fallback) -> assertThat(fallback != null || env.containsKey(v)).as(name + " must set " + v).isTrue());
            if (variables.containsKey("HTTP_PORT")) {
                String port = env.getOrDefault("HTTP_PORT", variables.get("HTTP_PORT"));
                List<String> published = new ArrayList<>();
                service.path("ports").forEach(p -> published.add(p.asText()));
                assertThat(published).as(name + " publishes its HTTP port").anyMatch(p -> p.endsWith(":" + port));
            }
        });
    }

    @Test
    void servicesReachServicesOfTheFileWithTheCredentialsTheyAreGiven() {
        for (Map.Entry<String, JsonNode> entry : projectServices().entrySet()) {
            Map<String, String> env = environment(entry.getValue());
            for (String variable : List.of("KAFKA_BOOTSTRAP_SERVERS", "SCHEMA_REGISTRY_URL", "DATABASE_URL", "S3_ENDPOINT")) {
                if (env.containsKey(variable)) {
                    String address = env.get(variable).replaceFirst("^jdbc:", "");
                    String host = URI.create(address.contains("://") ? address : "kafka://" + address).getHost();
                    assertThat(SERVICES.has(host)).as(entry.getKey() + ": " + variable + " names service " + host).isTrue();
                }
            }
            if (env.containsKey("DATABASE_PASSWORD")) {
                Map<String, String> postgres = environment(SERVICES.path("postgres"));
                assertThat(env.get("DATABASE_USER")).isEqualTo(postgres.get("POSTGRES_USER"));
                assertThat(env.get("DATABASE_PASSWORD")).isEqualTo(postgres.get("POSTGRES_PASSWORD"));
                assertThat(env.get("DATABASE_URL")).endsWith("/" + postgres.get("POSTGRES_DB"));
            }
            if (env.containsKey("S3_ACCESS_KEY")) {
                Map<String, String> store = environment(SERVICES.path("minio"));
                assertThat(env.get("S3_ACCESS_KEY")).isEqualTo(store.get("MINIO_ROOT_USER"));
                assertThat(env.get("S3_SECRET_KEY")).isEqualTo(store.get("MINIO_ROOT_PASSWORD"));
            }
        }
    }

    @Test
    void servicesStartOnceTheirDependenciesAreHealthyAndTheTopicsExist() {
        SERVICES.fields().forEachRemaining(entry -> entry.getValue().path("depends_on").fields().forEachRemaining(dependency -> {
            String condition = dependency.getValue().path("condition").asText();
            JsonNode target = SERVICES.path(dependency.getKey());
            assertThat(target.isMissingNode()).as(entry.getKey() + " depends on " + dependency.getKey()).isFalse();
            if (condition.equals("service_healthy")) {
                assertThat(target.has("healthcheck")).as(dependency.getKey() + " has a health check").isTrue();
            }
        }));
        assertThat(SERVICES.path("topics").path("command")).extracting(JsonNode::asText).containsExactly("topics", "apply");
        projectServices().forEach((name, service) -> {
            if (ServiceConfigs.SERVICES.contains(imageOf(service))) {
                assertThat(service.path("depends_on").path("topics").path("condition").asText()).as(name)
                        .isEqualTo("service_completed_successfully");
            }
        });
    }

    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new HashMap<>();
        service.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }
}
