package io.catalogingest.workers.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

/** Dimensions from headers only, for every accepted format; what cannot be measured is empty. */
class ImageInspectorTest {
    @Test
    void pngAndJpegAreMeasuredFromTheirHeaders() throws IOException {
        assertThat(ImageInspector.dimensions(encoded("png", 30, 20))).hasValue(new ImageInspector.Dimensions(30, 20));
        assertThat(ImageInspector.dimensions(encoded("jpeg", 7, 9))).hasValue(new ImageInspector.Dimensions(7, 9));
    }

    @Test
    void aGifCountsItsLogicalScreenWhenItIsLargerThanItsFrame() throws IOException {
        byte[] gif = encoded("gif", 2, 3);
        gif[6] = (byte) 0x10; // logical screen width 10,000 (0x2710), height 5,000 (0x1388)
        gif[7] = (byte) 0x27;
        gif[8] = (byte) 0x88;
        gif[9] = (byte) 0x13;
        assertThat(ImageInspector.dimensions(gif)).hasValue(new ImageInspector.Dimensions(10_000, 5_000));
    }

    /** The JDK's reader throws IndexOutOfBoundsException on it: that must read as "unknown", not escape. */
    @Test
    void aGifWithoutAFrameHasNoDimensions() {
        byte[] frameless = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0, 0x3B};
        assertThat(ImageInspector.dimensions(frameless)).isEmpty();
    }

    @Test
    void anExtendedWebpIsMeasuredFromItsCanvas() {
        // A 1x1 image's file claiming a 100,000 x 100,000 canvas (stored as width-1, height-1, 24 bits each).
        byte[] webp = webp("VP8X", new byte[] {0, 0, 0, 0, (byte) 0x9F, (byte) 0x86, 0x01, (byte) 0x9F, (byte) 0x86, 0x01});
        assertThat(ImageInspector.dimensions(webp)).hasValue(new ImageInspector.Dimensions(100_000, 100_000));
        assertThat(ImageInspector.dimensions(webp).orElseThrow().pixels()).isEqualTo(10_000_000_000L);
    }

    @Test
    void aLosslessWebpIsMeasuredFromItsHeader() {
        int bits = (640 - 1) | (480 - 1) << 14;
        byte[] webp = webp("VP8L", new byte[] {0x2F, (byte) bits, (byte) (bits >>> 8), (byte) (bits >>> 16), (byte) (bits >>> 24), 0, 0, 0, 0, 0});
        assertThat(ImageInspector.dimensions(webp)).hasValue(new ImageInspector.Dimensions(640, 480));
    }

    @Test
    void aLossyWebpIsMeasuredFromItsKeyFrame() {
        byte[] webp = webp("VP8 ", new byte[] {0, 0, 0, (byte) 0x9D, 0x01, 0x2A, (byte) 0x20, 0x03, (byte) 0x58, 0x02});
        assertThat(ImageInspector.dimensions(webp)).hasValue(new ImageInspector.Dimensions(800, 600));
    }

    @Test
    void aTruncatedOrUnknownWebpHasNoDimensions() {
        assertThat(ImageInspector.dimensions("RIFF\0\0\0\0WEBPVP8X".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(ImageInspector.dimensions(webp("ALPH", new byte[10]))).isEmpty();
        assertThat(ImageInspector.dimensions(webp("VP8 ", new byte[10]))).as("no key frame start code").isEmpty();
    }

    /** RIFF, size, WEBP, the chunk's fourcc, its size, then {@code payload} from byte 20. */
    private static byte[] webp(String chunk, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {0x40, 0, 0, 0});
        out.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(chunk.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {0x20, 0, 0, 0});
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static byte[] encoded(String format, int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), format, out);
        return out.toByteArray();
    }
}
