package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.catalogingest.devstack.DevStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The short profile of {@code pipelinectl chaos}: 2,000 products, faults for 20 seconds, on a
 * devstack of its own (the shared one runs the in-JVM services, which would join the same
 * consumer groups). Every check of the final state must pass.
 */
class ChaosTest {
    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void killsAndCutsDuringAnUploadLeaveTheExactFinalState() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new TeeStream(printed), true, StandardCharsets.UTF_8);
        ChaosRun.Settings settings = new ChaosRun.Settings(2000, 10, Duration.ofSeconds(20), Duration.ofSeconds(3),
                Duration.ofSeconds(6), Duration.ofSeconds(8), Duration.ofSeconds(15), Duration.ofMinutes(4), 42,
                Files.createTempDirectory("chaos"), Pipeline.QUICK_START_JVM_OPTIONS);
        ChaosRun.Result result;
        try (DevStack infra = DevStack.start()) {
            result = new ChaosRun(infra, settings, out).run();
        }
        String report = printed.toString(StandardCharsets.UTF_8);
        assertThat(report).contains("killed", "cut ");
        assertThat(result.failed()).as(report).isZero();
        assertThat(result.passed()).as(report).isEqualTo(7);
    }

    /** Prints to the console as it goes and keeps a copy for the assertion message. */
    private static final class TeeStream extends java.io.OutputStream {
        private final ByteArrayOutputStream copy;

        TeeStream(ByteArrayOutputStream copy) {
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            copy.write(b);
            System.out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            copy.write(b, off, len);
            System.out.write(b, off, len);
        }
    }
}
