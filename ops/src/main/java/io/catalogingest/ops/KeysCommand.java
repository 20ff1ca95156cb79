package io.catalogingest.ops;

import java.util.List;

import io.catalogingest.common.auth.Merchant;
import io.catalogingest.common.auth.MerchantAuth;
import io.catalogingest.common.db.MerchantDao;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** API-key administration: keys are stored as hashes, listed by prefix, revoked at once. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Create, list and revoke merchants' API keys.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand {
    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an API key, printed once. Exit 1 for an unknown merchant.")
    static final class Create extends DatabaseCommand {
        @Option(names = "--merchant", required = true, description = "Merchant id.")
        String merchant;

        @Option(names = "--admin", description = "Admin role: reads every merchant's uploads.")
        boolean admin;

        @Override
        public Integer call() {
            return database.jdbi().withExtension(MerchantDao.class, dao -> {
                if (!dao.merchantExists(merchant)) {
                    return fail("no merchant " + merchant);
                }
                String key = MerchantAuth.addKey(dao, merchant, admin ? Merchant.ADMIN : Merchant.MERCHANT);
                out().println("API key (shown only now): " + key);
                return 0;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a merchant's keys by prefix.")
    static final class ListKeys extends DatabaseCommand {
        @Option(names = "--merchant", required = true, description = "Merchant id.")
        String merchant;

        @Override
        public Integer call() {
            List<MerchantDao.ApiKeyInfo> keys = database.jdbi().withExtension(MerchantDao.class, dao -> dao.listKeys(merchant));
            var out = out();
            out.printf("%-14s %-9s %-26s %s%n", "PREFIX", "ROLE", "CREATED", "REVOKED");
            for (MerchantDao.ApiKeyInfo k : keys) {
                out.printf("%-14s %-9s %-26s %s%n", k.prefix(), k.role(), k.createdAt(), k.revokedAt() == null ? "-" : k.revokedAt());
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke the key with this prefix; it is refused from the next request on. Exit 1 if no active key has it.")
    static final class Revoke extends DatabaseCommand {
        @Option(names = "--prefix", required = true, description = "Key prefix as shown by 'keys list', e.g. cik_AbCdEfGh.")
        String prefix;

        @Override
        public Integer call() {
            int revoked = database.jdbi().withExtension(MerchantDao.class, dao -> dao.revoke(prefix));
            if (revoked == 0) {
                return fail("no active key with prefix " + prefix);
            }
            out().println("revoked " + revoked + " key(s) with prefix " + prefix);
            return 0;
        }
    }
}
