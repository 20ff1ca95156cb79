package io.catalogingest.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.UUID;

import io.catalogingest.devstack.EmbeddedDatabase;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Merchants and keys through pipelinectl: keys work until revoked, then answer 401. */
class KeyAdministrationTest {
    private record Run(int exit, String out, String err) {}

    private static Run pipelinectl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] withDatabase = new String[args.length + 3];
        System.arraycopy(args, 0, withDatabase, 0, args.length);
        withDatabase[args.length] = "--database-url=" + Pipeline.infra().database.jdbcUrl();
        withDatabase[args.length + 1] = "--database-user=" + EmbeddedDatabase.USER;
        withDatabase[args.length + 2] = "--database-password=" + EmbeddedDatabase.PASSWORD;
        int exit = new CommandLine(new PipelineCtl()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(withDatabase);
        return new Run(exit, out.toString(), err.toString());
    }

    private static String keyFrom(Run run) {
        return run.out().lines().filter(l -> l.startsWith("API key")).findFirst().orElseThrow().replaceAll(".*: ", "");
    }

    private static int uploadWith(String key) {
        return Pipeline.upload(key, "application/json", "[{\"sku\":\"K\",\"title\":\"T\",\"price\":1,\"currency\":\"EUR\"}]").status();
    }

    @Test
    void keysAreCreatedListedByPrefixAndRefusedOnceRevoked() {
        Pipeline.stack();
        String merchant = "m-cli-" + UUID.randomUUID();

        Run created = pipelinectl("merchants", "create", "--id", merchant, "--name", "CLI merchant");
        assertThat(created.exit()).isZero();
        String first = keyFrom(created);
        String second = keyFrom(pipelinectl("keys", "create", "--merchant", merchant));
        assertThat(uploadWith(first)).isEqualTo(202);

        Run listed = pipelinectl("keys", "list", "--merchant", merchant);
        assertThat(listed.out()).contains(first.substring(0, 12), second.substring(0, 12)).doesNotContain(first);

        assertThat(pipelinectl("keys", "revoke", "--prefix", first.substring(0, 12)).exit()).isZero();
        assertThat(uploadWith(first)).isEqualTo(401);
        assertThat(uploadWith(second)).isEqualTo(202);
        assertThat(pipelinectl("keys", "list", "--merchant", merchant).out().lines()
                .filter(l -> l.startsWith(first.substring(0, 12))).findFirst().orElseThrow()).doesNotEndWith("-");
    }

    @Test
    void mistakesExitNonZeroWithAMessage() {
        Pipeline.stack();
        Run unknown = pipelinectl("keys", "create", "--merchant", "nobody-" + UUID.randomUUID());
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no merchant");
        assertThat(pipelinectl("keys", "revoke", "--prefix", "cik_nothing").exit()).isEqualTo(1);
        assertThat(pipelinectl("merchants", "create", "--id", "x").exit()).isEqualTo(2);
    }
}
