package io.catalogingest.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import ch.qos.logback.classic.Level;
import io.catalogingest.devstack.DevStack;
import io.dropwizard.logging.common.BootstrapLogging;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pipelinectl chaos}: faults during an upload, then an exact check of the final state. */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {"Run the pipeline one JVM per service on embedded infrastructure, kill services and cut dependencies "
                + "while a catalog is uploaded and partly re-sent, then check the final state exactly.",
                "Prints each check and `N passed, M failed`; exits 1 if any failed."})
final class ChaosCommand implements Callable<Integer> {
    @Option(names = "--products", defaultValue = "200000", description = "Products in the catalog, default ${DEFAULT-VALUE}.")
    int products;

    @Option(names = "--image-every", defaultValue = "10", description = "Every Nth product has an image, default ${DEFAULT-VALUE}.")
    int imageEvery;

    @Option(names = "--faults", defaultValue = "PT5M", description = "How long faults go on (ISO-8601), default ${DEFAULT-VALUE}.")
    Duration faults;

    @Option(names = "--done-timeout", defaultValue = "PT8M", description = "Longest wait for an upload to finish, default ${DEFAULT-VALUE}.")
    Duration doneTimeout;

    @Option(names = "--seed", description = "Seed of the fault schedule, default: random (printed).")
    Long seed;

    @Option(names = "--out", defaultValue = "target/chaos", description = "Catalog files and service logs, default ${DEFAULT-VALUE}.")
    Path out;

    @Override
    public Integer call() throws Exception {
        BootstrapLogging.bootstrap(Level.WARN);
        ChaosRun.Settings settings = new ChaosRun.Settings(products, imageEvery, faults, Duration.ofSeconds(4), Duration.ofSeconds(10),
                Duration.ofSeconds(15), Duration.ofSeconds(30), doneTimeout, seed == null ? System.nanoTime() : seed,
                Files.createDirectories(out), List.of());
        try (DevStack infra = DevStack.start()) {
            return new ChaosRun(infra, settings, System.out).run().failed() == 0 ? 0 : 1;
        }
    }
}
