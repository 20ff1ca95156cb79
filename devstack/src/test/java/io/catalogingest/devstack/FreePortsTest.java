package io.catalogingest.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class FreePortsTest {
    /** Below {@link FreePorts#FIRST}, so that no other test of this JVM has taken them. */
    private static final int RANGE_FIRST = 19_990;
    private static final int RANGE_LAST = 19_992;

    @Test
    void portsComeFromBelowTheEphemeralRangeAndNeverTwice() {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int port = FreePorts.next();
            assertThat(port).isBetween(FreePorts.FIRST, FreePorts.LAST - 1);
            assertThat(ports.add(port)).as("port %d handed out twice", port).isTrue();
        }
    }

    @Test
    void aPortAnotherJvmHoldsIsNotHandedOutUntilThatJvmEnds() throws Exception {
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Holder.class.getName(),
                Integer.toString(RANGE_FIRST), Integer.toString(RANGE_LAST)).redirectErrorStream(true).start();
        try {
            String said = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(said).isEqualTo("holding [" + RANGE_FIRST + ", " + (RANGE_LAST - 1) + "]");
            assertThatThrownBy(() -> FreePorts.next(RANGE_FIRST, RANGE_LAST)).isInstanceOf(IllegalStateException.class);
        } finally {
            holder.getOutputStream().close();
            holder.waitFor();
        }
        assertThat(FreePorts.next(RANGE_FIRST, RANGE_LAST)).isBetween(RANGE_FIRST, RANGE_LAST - 1);
    }

    /** The other JVM: takes every port of a range, says which, and holds them until its input closes. */
    public static final class Holder {
        public static void main(String[] args) throws IOException {
            int first = Integer.parseInt(args[0]);
            int last = Integer.parseInt(args[1]);
            List<Integer> held = new ArrayList<>();
            for (int port = first; port < last; port++) {
                held.add(FreePorts.next(first, last));
            }
            held.sort(null);
            System.out.println("holding " + held);
            System.out.flush();
            while (System.in.read() != -1) {
                // held until the test closes this JVM's input
            }
        }
    }
}
