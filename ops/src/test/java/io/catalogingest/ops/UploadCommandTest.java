package io.catalogingest.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class UploadCommandTest {
    @Test
    void theUploadFormatFollowsTheFileName() {
        assertThat(UploadCommand.contentType(Path.of("a.csv"))).isEqualTo("text/csv");
        assertThat(UploadCommand.contentType(Path.of("a.CSV.gz"))).isEqualTo("text/csv");
        assertThat(UploadCommand.contentType(Path.of("a.jsonl"))).isEqualTo("application/x-ndjson");
        assertThat(UploadCommand.contentType(Path.of("a.ndjson.gz"))).isEqualTo("application/x-ndjson");
        assertThat(UploadCommand.contentType(Path.of("a.json"))).isEqualTo("application/json");
    }
}
