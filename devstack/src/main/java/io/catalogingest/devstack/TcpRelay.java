package io.catalogingest.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP relay in front of a server, so tests can take the server away and bring it back
 * without restarting it: {@link #cut()} drops every connection and refuses new ones, as a crashed
 * database or object store would; {@link #restore()} listens again on the same port.
 */
public final class TcpRelay implements AutoCloseable {
    private final int targetPort;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;
    private volatile boolean refusing;
    private final AtomicLong refused = new AtomicLong();
    private boolean frozen;

    public TcpRelay(int targetPort) throws IOException {
        this(targetPort, FreePorts.next());
    }

    /** On a given port, e.g. one a broker already advertises. */
    public TcpRelay(int targetPort, int port) throws IOException {
        this.targetPort = targetPort;
        this.port = port;
        restore();
    }

    /**
     * Holds every byte in both directions, connections kept open, as a network that stalls:
     * clients see timeouts, not errors. {@link #thaw()} delivers what was held.
     */
    public synchronized void freeze() {
        frozen = true;
    }

    public synchronized void thaw() {
        frozen = false;
        notifyAll();
    }

    private synchronized void awaitThawed() throws IOException {
        try {
            while (frozen) {
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while frozen", e);
        }
    }

    public int port() {
        return port;
    }

    /**
     * Drops every open connection and every new one as soon as it is accepted, counting them:
     * clients see resets, as from a server that is down, and a test sees how often they tried.
     */
    public synchronized void refuse() {
        refusing = true;
        sockets.forEach(TcpRelay::closeQuietly);
        sockets.clear();
    }

    /** Connections dropped by {@link #refuse()} so far. */
    public long refusedConnections() {
        return refused.get();
    }

    /** Listens again, relaying every new connection; idempotent. */
    public synchronized void restore() throws IOException {
        refusing = false;
        if (listener != null) {
            return;
        }
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        listener = server;
        Thread acceptor = new Thread(() -> accept(server), "relay-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Drops every open connection and stops listening: clients see resets, then refused connections. */
    public synchronized void cut() {
        ServerSocket server = listener;
        listener = null;
        closeQuietly(server);
        sockets.forEach(TcpRelay::closeQuietly);
        sockets.clear();
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            Socket client = null;
            Socket upstream = null;
            try {
                client = server.accept();
                if (refusing) {
                    refused.incrementAndGet();
                    closeQuietly(client);
                    continue;
                }
                upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                if (register(server, client, upstream)) {
                    pump(client, upstream);
                    pump(upstream, client);
                    continue;
                }
            } catch (IOException e) {
                // closed by cut() or the target refused
            }
            // the client sees its connection dropped
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    /** Under cut()'s lock, so a connection accepted just before a cut cannot outlive it. */
    private synchronized boolean register(ServerSocket server, Socket client, Socket upstream) {
        if (listener != server || refusing) {
            return false;
        }
        sockets.add(client);
        sockets.add(upstream);
        return true;
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    awaitThawed();
                    out.write(buffer, 0, n);
                }
            } catch (IOException closed) {
                // one side went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "relay-" + port + "-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() {
        cut();
    }
}
