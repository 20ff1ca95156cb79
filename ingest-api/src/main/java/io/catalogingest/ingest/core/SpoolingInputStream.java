package io.catalogingest.ingest.core;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Copies every byte read to the spool, so the body is stored exactly as sent while it is parsed. */
final class SpoolingInputStream extends FilterInputStream {
    private final OutputStream spool;

    SpoolingInputStream(InputStream in, OutputStream spool) {
        super(in);
        this.spool = spool;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            spool.write(b);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            spool.write(buffer, offset, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes must still reach the spool: read them.
        byte[] skipped = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        return Math.max(read(skipped, 0, skipped.length), 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
