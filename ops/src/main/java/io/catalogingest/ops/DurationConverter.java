package io.catalogingest.ops;

import java.time.Duration;

import picocli.CommandLine.ITypeConverter;

/** Durations as the services' YAML writes them: 5s, 500ms, 2 minutes. */
final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return io.dropwizard.util.Duration.parse(value).toJavaDuration();
    }
}
