package io.catalogingest.workers.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ImageFormatTest {
    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    @Test
    void recognisesImagesByMagicBytes() {
        assertThat(ImageFormat.detect(bytes(0xFF, 0xD8, 0xFF, 0xE0))).hasValue(ImageFormat.JPEG);
        assertThat(ImageFormat.detect(bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0))).hasValue(ImageFormat.PNG);
        assertThat(ImageFormat.detect("GIF89a...".getBytes(StandardCharsets.US_ASCII))).hasValue(ImageFormat.GIF);
        assertThat(ImageFormat.detect("RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII))).hasValue(ImageFormat.WEBP);
    }

    @Test
    void refusesEverythingElse() {
        assertThat(ImageFormat.detect("<html>".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(ImageFormat.detect("RIFF\0\0\0\0WAVE".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(ImageFormat.detect(bytes(0xFF, 0xD8))).isEmpty();
        assertThat(ImageFormat.detect(new byte[0])).isEmpty();
    }

    @Test
    void identicalBytesShareOneObjectKey() {
        String sha = "ab".repeat(32);
        assertThat(StoredImage.objectKey(sha, ImageFormat.PNG)).isEqualTo("images/sha256/ab/" + sha + ".png");
    }
}
