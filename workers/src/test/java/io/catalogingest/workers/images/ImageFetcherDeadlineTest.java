package io.catalogingest.workers.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;

import io.catalogingest.common.net.AddressPolicy;
import io.catalogingest.devstack.DevStack;
import io.catalogingest.workers.core.ItemFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A download against the local origin: its total deadline holds however the origin drips its bytes. */
class ImageFetcherDeadlineTest {
    private final ImageFetcher fetcher = new ImageFetcher(new AddressPolicy(List.of("127.0.0.0/8")), Duration.ofSeconds(5),
            Duration.ofSeconds(5), Duration.ofMillis(300), 1 << 20, 0, 2);

    @AfterEach
    void close() throws Exception {
        fetcher.close();
    }

    /** Each read gets a byte long before the read timeout, and the body never ends: only the deadline stops it. */
    @Test
    void anOriginDrippingBytesWithoutEndIsCutOffAtTheDeadlineAsATransientFailure() {
        ItemFailure failure = catchThrowableOfType(ItemFailure.class,
                () -> fetcher.fetch(DevStack.shared().imageOrigin.baseUrl() + "/dripping/endless"));

        assertThat(failure.code()).isEqualTo("IMAGE_TIMEOUT");
        assertThat(failure.isPermanent()).isFalse();
    }

    @Test
    void anImageServedAtOnceIsDownloadedWhole() throws Exception {
        try (ImageFetcher patient = new ImageFetcher(new AddressPolicy(List.of("127.0.0.0/8")), Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(60), 1 << 20, 0, 2)) {
            byte[] image = patient.fetch(DevStack.shared().imageOrigin.imageUrl("whole"));
            assertThat(image).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        }
    }
}
