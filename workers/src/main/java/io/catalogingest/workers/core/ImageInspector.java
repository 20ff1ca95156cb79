package io.catalogingest.workers.core;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Reads an image's dimensions from its header, without decoding its pixels. */
public final class ImageInspector {
    public record Dimensions(Integer width, Integer height) {}

    static {
        ImageIO.setUseCache(false); // headers are read from memory; no temp files per image
    }

    private ImageInspector() {}

    public static Dimensions dimensions(byte[] bytes) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return new Dimensions(null, null); // e.g. WebP: no reader in the JDK
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new Dimensions(reader.getWidth(0), reader.getHeight(0));
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            return new Dimensions(null, null);
        }
    }
}
