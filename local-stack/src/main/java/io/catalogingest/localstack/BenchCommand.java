package io.catalogingest.localstack;

import picocli.CommandLine.Command;

/** Benchmarks that print their own baseline from the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Run a benchmark on embedded infrastructure.",
        subcommands = {IngestBenchmark.class, WorkerBenchmarks.Catalog.class, WorkerBenchmarks.Images.class, EndToEndBenchmark.class,
                StatusBenchmark.class})
final class BenchCommand {}
