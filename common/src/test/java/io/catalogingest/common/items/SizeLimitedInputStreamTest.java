package io.catalogingest.common.items;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

import org.junit.jupiter.api.Test;

class SizeLimitedInputStreamTest {
    private static InputStream limited(int size, long limit) {
        return new SizeLimitedInputStream(new ByteArrayInputStream(new byte[size]), limit);
    }

    @Test
    void readsABodyOfExactlyTheLimit() throws Exception {
        assertThat(limited(10, 10).readAllBytes()).hasSize(10);
    }

    @Test
    void failsOnceBulkReadsPassTheLimit() {
        assertThatThrownBy(() -> limited(11, 10).readAllBytes())
                .isInstanceOf(SizeLimitedInputStream.TooLargeException.class).hasMessageContaining("10 bytes");
    }

    @Test
    void countsSingleByteReadsToo() throws Exception {
        InputStream in = limited(3, 2);

        assertThat(in.read()).isZero();
        assertThat(in.read()).isZero();
        assertThatThrownBy(in::read).isInstanceOf(SizeLimitedInputStream.TooLargeException.class);
    }
}
