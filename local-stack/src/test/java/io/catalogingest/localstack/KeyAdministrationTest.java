package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;

/** Merchants and keys through pipelinectl: keys work until revoked, then answer 401. */
class KeyAdministrationTest {
    private static String keyFrom(Cli.Run run) {
        return run.out().lines().filter(l -> l.startsWith("API key")).findFirst().orElseThrow().replaceAll(".*: ", "");
    }

    private static int uploadWith(String key) {
        return Pipeline.upload(key, "application/json", "[{\"sku\":\"K\",\"title\":\"T\",\"price\":1,\"currency\":\"EUR\"}]").status();
    }

    @Test
    void keysAreCreatedListedByPrefixAndRefusedOnceRevoked() {
        Pipeline.stack();
        String merchant = "m-cli-" + UUID.randomUUID();

        Cli.Run created = Cli.withDatabase("merchants", "create", "--id", merchant, "--name", "CLI merchant");
        assertThat(created.exit()).isZero();
        String first = keyFrom(created);
        String second = keyFrom(Cli.withDatabase("keys", "create", "--merchant", merchant));
        assertThat(uploadWith(first)).isEqualTo(202);

        Cli.Run listed = Cli.withDatabase("keys", "list", "--merchant", merchant);
        assertThat(listed.out()).contains(first.substring(0, 12), second.substring(0, 12)).doesNotContain(first);

        assertThat(Cli.withDatabase("keys", "revoke", "--prefix", first.substring(0, 12)).exit()).isZero();
        assertThat(uploadWith(first)).isEqualTo(401);
        assertThat(uploadWith(second)).isEqualTo(202);
        assertThat(Cli.withDatabase("keys", "list", "--merchant", merchant).out().lines()
                .filter(l -> l.startsWith(first.substring(0, 12))).findFirst().orElseThrow()).doesNotEndWith("-");
    }

    @Test
    void mistakesExitNonZeroWithAMessage() {
        Pipeline.stack();
        Cli.Run unknown = Cli.withDatabase("keys", "create", "--merchant", "nobody-" + UUID.randomUUID());
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no merchant");
        assertThat(Cli.withDatabase("keys", "revoke", "--prefix", "cik_nothing").exit()).isEqualTo(1);
        assertThat(Cli.withDatabase("merchants", "create", "--id", "x").exit()).isEqualTo(2);
        // A separator in an id would let this merchant's keys read as those of merchant "acme".
        Cli.Run separator = Cli.withDatabase("merchants", "create", "--id", "acme/eu", "--name", "Acme EU");
        assertThat(separator.exit()).isEqualTo(1);
        assertThat(separator.err()).contains("invalid merchant id 'acme/eu'");
    }
}
