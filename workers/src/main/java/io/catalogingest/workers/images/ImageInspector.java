package io.catalogingest.workers.images;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Optional;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads an image's dimensions from its header, without decoding its pixels. WebP (no reader in
 * the JDK) is parsed here; a GIF counts the larger of its logical screen and its first frame.
 * Dimensions that cannot be read are empty: such an image is refused, never let through unmeasured.
 */
public final class ImageInspector {
    public record Dimensions(int width, int height) {
        public long pixels() {
            return (long) width * height;
        }
    }

    static {
        ImageIO.setUseCache(false); // headers are read from memory; no temp files per image
    }

    private ImageInspector() {}

    public static Optional<Dimensions> dimensions(byte[] bytes) {
        Optional<ImageFormat> format = ImageFormat.detect(bytes);
        if (format.isEmpty()) {
            return Optional.empty();
        }
        return switch (format.get()) {
            case WEBP -> webp(bytes);
            case GIF -> firstFrame(bytes).map(frame -> new Dimensions(Math.max(frame.width(), littleEndian16(bytes, 6)),
                    Math.max(frame.height(), littleEndian16(bytes, 8))));
            case JPEG, PNG -> firstFrame(bytes);
        };
    }

    /** What the JDK's reader finds in the header; empty when it cannot (broken or frameless files throw anything). */
    private static Optional<Dimensions> firstFrame(byte[] bytes) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return Optional.empty();
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return Optional.of(new Dimensions(reader.getWidth(0), reader.getHeight(0)));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The canvas of a WebP file: extended (VP8X), lossless (VP8L) or lossy (VP8) header. */
    private static Optional<Dimensions> webp(byte[] b) {
        if (b.length < 30) {
            return Optional.empty();
        }
        String chunk = new String(b, 12, 4, StandardCharsets.US_ASCII);
        switch (chunk) {
            case "VP8X" -> {
                return Optional.of(new Dimensions(1 + littleEndian24(b, 24), 1 + littleEndian24(b, 27)));
            }
            case "VP8L" -> {
                if ((b[20] & 0xFF) != 0x2F) {
                    return Optional.empty();
                }
                int bits = (b[21] & 0xFF) | (b[22] & 0xFF) << 8 | (b[23] & 0xFF) << 16 | (b[24] & 0xFF) << 24;
                return Optional.of(new Dimensions(1 + (bits & 0x3FFF), 1 + (bits >>> 14 & 0x3FFF)));
            }
            case "VP8 " -> {
                if ((b[23] & 0xFF) != 0x9D || (b[24] & 0xFF) != 0x01 || (b[25] & 0xFF) != 0x2A) {
                    return Optional.empty();
                }
                return Optional.of(new Dimensions(littleEndian16(b, 26) & 0x3FFF, littleEndian16(b, 28) & 0x3FFF));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private static int littleEndian16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static int littleEndian24(byte[] b, int at) {
        return littleEndian16(b, at) | (b[at + 2] & 0xFF) << 16;
    }
}
