package io.catalogingest.workers.split;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Spooled objects whose reads fail part way, as an object store's do when a connection breaks. */
public final class ObjectStoreFailures {
    /** How the read fails: the client's own IOException, or one of its unchecked exceptions. */
    public interface ReadFailure {
        void fail() throws IOException;
    }

    private ObjectStoreFailures() {}

    /** An object whose read stops after {@code served} with {@code failure}. */
    public static InputStream cutOff(byte[] served, ReadFailure failure) {
        return new InputStream() {
            private final InputStream rest = new ByteArrayInputStream(served);

            @Override
            public int read() throws IOException {
                return orFail(rest.read());
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return orFail(rest.read(b, off, len));
            }

            private int orFail(int read) throws IOException {
                if (read < 0) {
                    failure.fail();
                }
                return read;
            }
        };
    }
}
