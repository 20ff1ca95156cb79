package io.catalogingest.localstack;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import ch.qos.logback.classic.Level;
import io.catalogingest.devstack.DevStack;
import io.catalogingest.devstack.EmbeddedDatabase;
import io.dropwizard.logging.common.BootstrapLogging;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the whole pipeline locally on embedded infrastructure until interrupted. */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Run the whole pipeline locally on embedded Kafka, PostgreSQL, S3 and schema registry.")
final class DevCommand implements Callable<Integer> {
    static final int IMAGE_ORIGIN_PORT = 8090;

    @Option(names = "--sample", description = "Sample catalog to suggest uploading (default: ${DEFAULT-VALUE}).")
    Path sample = Path.of("ops/samples/catalog.json");

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        BootstrapLogging.bootstrap(Level.WARN);
        DevStack infra = DevStack.start(IMAGE_ORIGIN_PORT);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            infra.close();
            stopped.countDown();
        }, "local-stack-shutdown"));
        LocalStack stack = LocalStack.start(infra, LocalStack.Ports.LOCAL);
        infra.closeFirst(stack);
        String key = stack.createMerchant("demo-merchant", "Demo Merchant");
        double seconds = (System.nanoTime() - started) / 1e9;

        System.out.printf("""

                catalog ingest is running (started in %.1f s). Ctrl-C stops it and deletes its data.

                  ingest API      %s/v1/uploads        (admin %s)
                  status service  %s/v1/uploads/{id}   (admin %s)
                  merchant portal %s/portal
                  workers admin   %s
                  Kafka           %s
                  schema registry %s
                  PostgreSQL      %s (user %s, password %s)
                  S3 store        %s
                  image origin    %s

                demo merchant: demo-merchant, API key: %s

                Upload the sample catalog:
                  curl -sS -X POST %s/v1/uploads -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' --data-binary @%s

                Then poll the statusUrl it returns:
                  curl -sS -H 'Authorization: Bearer %s' <statusUrl>

                Or upload and follow it with the client:
                  ./scripts/pipelinectl upload %s --wait --api-key %s

                """, seconds, stack.ingestUrl(), stack.adminUrl("ingest-api"), stack.statusUrl(),
                stack.adminUrl("status-service"), stack.statusUrl(), stack.adminUrl("workers"), infra.kafka.bootstrapServers(),
                infra.registry.url(), infra.database.jdbcUrl(), EmbeddedDatabase.USER,
                EmbeddedDatabase.PASSWORD, infra.s3.endpoint(), infra.imageOrigin.baseUrl(),
                key, stack.ingestUrl(), key, sample.toAbsolutePath(), key, sample, key);
        stopped.await();
        return 0;
    }
}
