package io.catalogingest.devstack;

import java.net.URI;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/** An S3-compatible object store (S3Proxy over an in-memory blob store) on a free loopback port. */
public final class EmbeddedS3 implements AutoCloseable {
    public static final String ACCESS_KEY = "devstack-access";
    public static final String SECRET_KEY = "devstack-secret";

    private final S3Proxy proxy;
    private final int port;

    private EmbeddedS3(S3Proxy proxy, int port) {
        this.proxy = proxy;
        this.port = port;
    }

    public static EmbeddedS3 start() throws Exception {
        int port = FreePorts.next();
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new TransientNio2BlobStore())
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

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
