package io.catalogingest.localstack;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import io.catalogingest.devstack.EmbeddedDatabase;
import io.catalogingest.ops.PipelineCtl;

/** pipelinectl run in this JVM against the shared local stack, with its output captured. */
final class Cli {
    record Run(int exit, String out, String err) {}

    private Cli() {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PipelineCtl.execute(PipelineCtl.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)), args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** With the flags that point a database command at the stack's PostgreSQL. */
    static Run withDatabase(String... args) {
        return run(concat(args, "--database-url=" + Pipeline.infra().database.jdbcUrl(),
                "--database-user=" + EmbeddedDatabase.USER, "--database-password=" + EmbeddedDatabase.PASSWORD));
    }

    /** With the flags that point a Kafka command at the stack's broker and registry. */
    static Run withKafka(String... args) {
        return run(concat(args, "--bootstrap-servers=" + Pipeline.infra().kafka.bootstrapServers(),
                "--schema-registry=" + Pipeline.infra().registry.url()));
    }

    private static String[] concat(String[] args, String... more) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
