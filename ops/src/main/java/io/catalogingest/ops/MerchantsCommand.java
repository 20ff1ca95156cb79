package io.catalogingest.ops;


import io.catalogingest.common.auth.Merchant;
import io.catalogingest.common.auth.MerchantAuth;
import io.catalogingest.common.auth.MerchantIds;
import io.catalogingest.common.db.MerchantDao;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Merchant administration. */
@Command(name = "merchants", mixinStandardHelpOptions = true, description = "Administer merchants.",
        subcommands = {MerchantsCommand.Create.class})
final class MerchantsCommand {
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a merchant with a first API key, printed once. Exit 1 if the merchant exists or the id breaks the rule.")
    static final class Create extends DatabaseCommand {
        @Option(names = "--id", required = true, description = "Merchant id, e.g. acme-eu: " + MerchantIds.RULE + ".")
        String id;

        @Option(names = "--name", required = true, description = "Display name.")
        String name;

        @Option(names = "--admin", description = "Give the first key the admin role (reads every merchant's uploads).")
        boolean admin;

        @Override
        public Integer call() {
            if (!MerchantIds.isValid(id)) {
                return fail("invalid merchant id '" + id + "': " + MerchantIds.RULE);
            }
            var jdbi = database.jdbi();
            if (jdbi.withExtension(MerchantDao.class, dao -> dao.merchantExists(id))) {
                return fail("merchant " + id + " exists already; add a key with 'keys create'");
            }
            String key = MerchantAuth.createMerchantWithKey(jdbi, id, name, admin ? Merchant.ADMIN : Merchant.MERCHANT);
            out().println("merchant " + id + " created");
            out().println("API key (shown only now): " + key);
            return 0;
        }
    }
}
