package io.catalogingest.ingest.core;

import java.io.ByteArrayOutputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import io.catalogingest.common.storage.BodyStore;

/**
 * The object store in memory. As with S3, an object appears only when its writer closes; an
 * outage makes writes, closes or look-ups fail.
 */
public final class InMemoryBodyStore implements BodyStore {
    public static final String BUCKET = "catalog-uploads";

    /** Which calls fail as if the object store were down. */
    public enum Outage { NONE, WRITE, CLOSE, LOOKUP }

    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final List<MemoryWriter> writers = new ArrayList<>();
    private volatile Outage outage = Outage.NONE;

    public synchronized void reset() {
        objects.clear();
        writers.clear();
        outage = Outage.NONE;
    }

    public void outage(Outage failing) {
        outage = failing;
    }

    /** What a merchant PUTs to a staged upload's URL. */
    public void put(String key, byte[] content) {
        objects.put(key, content.clone());
    }

    public Set<String> keys() {
        return new TreeSet<>(objects.keySet());
    }

    /** The object's content, or null if there is none. */
    public byte[] object(String key) {
        return objects.get(key);
    }

    /** Keys of every writer ever created, open, closed or aborted: every upload begun in the store. */
    public synchronized List<String> createdWriters() {
        return writers.stream().map(Writer::key).toList();
    }

    /** Keys of writers neither closed nor aborted: uploads that would linger in S3, incomplete. */
    public synchronized List<String> openWriters() {
        return writers.stream().filter(w -> !w.done).map(Writer::key).toList();
    }

    @Override
    public String bucket() {
        return BUCKET;
    }

    @Override
    public synchronized Writer create(String key) {
        MemoryWriter writer = new MemoryWriter(key);
        writers.add(writer);
        return writer;
    }

    @Override
    public Optional<Long> size(String key) throws UnavailableException {
        if (outage == Outage.LOOKUP) {
            throw new UnavailableException("the object store did not answer", null);
        }
        return Optional.ofNullable(objects.get(key)).map(content -> (long) content.length);
    }

    @Override
    public URL presignPut(String key, Duration validFor) {
        try {
            return URI.create("https://" + BUCKET + ".store.example/" + key + "?X-Amz-Expires=" + validFor.toSeconds()).toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(key, e);
        }
    }

    private final class MemoryWriter extends Writer {
        private final ByteArrayOutputStream content = new ByteArrayOutputStream();
        private volatile boolean done;

        MemoryWriter(String key) {
            super(key);
        }

        @Override
        public long size() {
            return content.size();
        }

        @Override
        public void write(int b) throws UnavailableException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws UnavailableException {
            if (done) {
                throw new IllegalStateException(key() + " was written after it was closed or aborted");
            }
            if (outage == Outage.WRITE) {
                throw new UnavailableException("the object store did not take a part", null);
            }
            content.write(bytes, offset, length);
        }

        @Override
        public void close() throws UnavailableException {
            if (done) {
                return;
            }
            done = true;
            if (outage == Outage.CLOSE) {
                // as SpoolStore: a failed close gives the object up
                throw new UnavailableException("the object store did not complete the upload", null);
            }
            objects.put(key(), content.toByteArray());
        }

        @Override
        public void abort() {
            done = true;
        }
    }
}
