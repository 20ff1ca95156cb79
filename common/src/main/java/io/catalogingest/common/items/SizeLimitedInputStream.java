package io.catalogingest.common.items;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Fails once more than {@code limit} bytes have been read, instead of reading on. */
public final class SizeLimitedInputStream extends FilterInputStream {
    /** The body is larger than allowed; the caller answers 413. */
    public static final class TooLargeException extends IOException {
        public TooLargeException(long limit) {
            super("the body is larger than " + limit + " bytes");
        }
    }

    private final long limit;
    private long count;

    public SizeLimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    private void count(int n) throws TooLargeException {
        count += n;
        if (count > limit) {
            throw new TooLargeException(limit);
        }
    }
}
