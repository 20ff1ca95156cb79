package io.catalogingest.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks loopback ports for components that cannot bind port 0 themselves, or that must bind the
 * same port again later (a relay restored after a cut, a service restarted after a kill, a
 * container started minutes after its port was chosen). The ports come from below the kernel's
 * ephemeral range, so no outgoing connection and no port-0 bind takes one in the meantime, and
 * each is reserved across processes for as long as this JVM lives, by a lock on a file named after
 * it: JVMs running side by side on one machine (two test JVMs, two modules' tests) never share one.
 */
public final class FreePorts {
    static final int FIRST = 20_000;
    static final int LAST = 32_000;
    private static final Path LOCKS = Path.of(System.getProperty("java.io.tmpdir"), "catalog-ingest-ports");
    private static final Map<Integer, FileLock> HELD = new ConcurrentHashMap<>();

    private FreePorts() {}

    public static int next() {
        return next(FIRST, LAST);
    }

    /** A port from {@code first} (inclusive) to {@code last} (exclusive), tried from a random one on. */
    static synchronized int next(int first, int last) {
        int span = last - first;
        int start = ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int port = first + (start + i) % span;
            if (HELD.containsKey(port)) {
                continue;
            }
            FileLock lock = reserve(port);
            if (lock == null) {
                continue;
            }
            if (bindable(port)) {
                HELD.put(port, lock);
                return port;
            }
            release(lock);
        }
        throw new IllegalStateException("no free loopback port from " + first + " to " + (last - 1));
    }

    /** The port's lock, or null while another process holds it. */
    private static FileLock reserve(int port) {
        try {
            Files.createDirectories(LOCKS);
            FileChannel channel = FileChannel.open(LOCKS.resolve(port + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
            }
            return lock;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void release(FileLock lock) {
        try {
            lock.channel().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Nothing else (outside these reservations, e.g. a server started by hand) listens there now. */
    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
