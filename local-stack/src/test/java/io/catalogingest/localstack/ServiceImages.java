package io.catalogingest.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.exception.NotFoundException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The project's images, built as {@code docker/compose.yaml} builds them: the same Dockerfiles, build
 * arguments and names. The build context holds only what the Dockerfile copies.
 */
final class ServiceImages {
    static final Path COMPOSE = ServiceConfigs.ROOT.resolve("docker/compose.yaml");
    /** Compose's {@code ${NAME:-default}}. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+):-([^}]*)}");
    /** A Dockerfile's {@code ${ARG}}. */
    private static final Pattern ARGUMENT = Pattern.compile("\\$\\{([A-Z0-9_]+)}");
    private static final Map<String, String> built = new HashMap<>();

    private ServiceImages() {}

    private static JsonNode compose;

    /** The compose file, read once, with its anchors and merge keys resolved (Jackson's YAML reader leaves them as they are). */
    static synchronized JsonNode compose() {
        if (compose == null) {
            compose = ServiceConfigs.YAML.valueToTree(new Yaml(new SafeConstructor(new LoaderOptions())).load(ServiceConfigs.read(COMPOSE)));
        }
        return compose;
    }

    /**
     * Skips a container test loudly where Docker is absent; where containers are required (CI), fails it.
     * CI builds the JRE base ({@code JRE_BASE}) while Maven runs the modules before this one; a test waits
     * for that image to exist.
     */
    static void requireDocker() {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            String base = System.getenv("JRE_BASE");
            if (base != null && !base.isEmpty()) {
                Awaitility.await("the JRE base image " + base + " (docker/build-jre-base.sh)").atMost(Duration.ofMinutes(10))
                        .pollInterval(Duration.ofSeconds(2)).until(() -> imageExists(base));
            }
            return;
        }
        if ("1".equals(System.getenv("REQUIRE_CONTAINER_TESTS"))) {
            throw new AssertionError("REQUIRE_CONTAINER_TESTS=1 but no Docker engine answers");
        }
        System.err.println("*** CONTAINER TESTS SKIPPED: no Docker engine answers (.ci/run installs and starts one) ***");
        Assumptions.abort("no Docker engine");
    }

    private static boolean imageExists(String image) {
        try {
            DockerClientFactory.lazyClient().inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /**
     * The image of a compose service, built once per JVM. Services that share an image (the worker pools)
     * name the compose service that builds it. The base comes from {@code JRE_BASE} as in compose.
     */
    static synchronized String build(String composeService) {
        JsonNode service = compose().path("services").path(composeService);
        String name = service.path("image").asText();
        JsonNode build = service.path("build");
        if (build.isMissingNode()) {
            throw new IllegalArgumentException(composeService + " does not build its image");
        }
        return built.computeIfAbsent(name, n -> {
            String dockerfile = build.path("dockerfile").asText();
            Map<String, String> args = new HashMap<>();
            build.path("args").fields().forEachRemaining(a -> args.put(a.getKey(), interpolate(a.getValue().asText())));
            ImageFromDockerfile image = new ImageFromDockerfile(n, false).withDockerfilePath(dockerfile).withBuildArgs(args);
            contextFiles(dockerfile, args).forEach(image::withFileFromPath);
            try {
                return image.get();
            } catch (Exception e) {
                throw new IllegalStateException("building " + n + " failed", e);
            }
        });
    }

    /** The build context: the Dockerfile and the sources of its COPY instructions, with the build arguments filled in. */
    private static Map<String, Path> contextFiles(String dockerfile, Map<String, String> args) {
        Map<String, Path> files = new HashMap<>();
        files.put(dockerfile, ServiceConfigs.ROOT.resolve(dockerfile));
        for (String line : ServiceConfigs.read(ServiceConfigs.ROOT.resolve(dockerfile)).split("\n")) {
            if (!line.startsWith("COPY ")) {
                continue;
            }
            String[] words = line.substring(5).trim().split("\\s+");
            for (int i = 0; i < words.length - 1; i++) {
                String source = ARGUMENT.matcher(words[i]).replaceAll(m -> Matcher.quoteReplacement(args.getOrDefault(m.group(1), "")));
                Path path = ServiceConfigs.ROOT.resolve(source);
                if (!Files.exists(path)) {
                    throw new IllegalStateException(path + " is missing: package the services first (mvn package)");
                }
                files.put(source.replaceAll("/$", ""), path);
            }
        }
        return files;
    }

    private static String interpolate(String value) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String set = System.getenv(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(set != null && !set.isEmpty() ? set : m.group(2)));
        }
        return m.appendTail(out).toString();
    }
}
