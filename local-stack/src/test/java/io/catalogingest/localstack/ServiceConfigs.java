package io.catalogingest.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.catalogingest.workers.cli.PoolCommand;

/** What the services' own files declare, for the tests that check deployments (Kubernetes, compose) against them. */
final class ServiceConfigs {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The services that ship as images; each is a Maven module with a YAML of the same name. */
    static final Set<String> SERVICES = Set.of("ingest-api", "status-service", "workers");
    /** Read by the JVM itself, not by the service configuration. */
    static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(:-([^}]*))?}");

    private ServiceConfigs() {}

    /** The {@code ${VAR:-default}} variables of a service's YAML, each with its default (null: none). */
    static Map<String, String> variables(String service) {
        Map<String, String> variables = new HashMap<>();
        Matcher m = VARIABLE.matcher(read(ROOT.resolve(service + "/src/main/resources/" + service + ".yml")));
        while (m.find()) {
            variables.put(m.group(1), m.group(2) == null ? null : m.group(3));
        }
        return variables;
    }

    /** The commands a service's image runs: Dropwizard's server, and for the workers each pool alone. */
    static Set<String> commands(String service) {
        Stream<String> pools = service.equals("workers")
                ? Stream.of(PoolCommand.Pool.values()).map(p -> p.name().toLowerCase(Locale.ROOT)) : Stream.empty();
        return Stream.concat(Stream.of("server"), pools).collect(Collectors.toSet());
    }

    /** The release the images are tagged with: the project version without -SNAPSHOT. */
    static String projectVersion() {
        Matcher m = Pattern.compile("<version>([^<]+)</version>").matcher(read(ROOT.resolve("pom.xml")));
        if (!m.find()) {
            throw new IllegalStateException("no version in pom.xml");
        }
        return m.group(1).replace("-SNAPSHOT", "");
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
