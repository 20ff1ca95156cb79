package io.catalogingest.localstack;

import io.catalogingest.ops.PipelineCtl;

/** pipelinectl with the commands that need embedded infrastructure: {@code dev} and {@code bench}. */
public final class LocalPipelineCtl {
    private LocalPipelineCtl() {}

    public static void main(String[] args) {
        System.exit(PipelineCtl.execute(PipelineCtl.commandLine()
                .addSubcommand(new DevCommand())
                .addSubcommand(new BenchCommand())
                .addSubcommand(new ChaosCommand()), args));
    }
}
