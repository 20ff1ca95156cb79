package io.catalogingest.devstack;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * An S3-compatible object store (S3Proxy over a directory; its in-memory store serialises requests
 * on one lock) on a free loopback port.
 */
public final class EmbeddedS3 implements AutoCloseable {
    public static final String ACCESS_KEY = "devstack-access";
    public static final String SECRET_KEY = "devstack-secret";

    private final S3Proxy proxy;
    private final int port;

    private EmbeddedS3(S3Proxy proxy, int port) {
        this.proxy = proxy;
        this.port = port;
    }

    public static EmbeddedS3 start(Path dataDir) throws Exception {
        Files.createDirectories(dataDir);
        int port = FreePorts.next();
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(dataDir.toString()))
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        return new EmbeddedS3(proxy, port);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
