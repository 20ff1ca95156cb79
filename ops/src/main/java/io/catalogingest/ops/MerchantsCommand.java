package io.catalogingest.ops;

import java.util.concurrent.Callable;

import io.catalogingest.common.auth.Merchant;
import io.catalogingest.common.auth.MerchantAuth;
import io.catalogingest.common.db.MerchantDao;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Merchant administration. */
@Command(name = "merchants", mixinStandardHelpOptions = true, description = "Administer merchants.",
        subcommands = {MerchantsCommand.Create.class})
final class MerchantsCommand {
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a merchant with a first API key, printed once. Exit 1 if the merchant exists.")
    static final class Create implements Callable<Integer> {
        @Mixin
        DatabaseOptions database;

        @Spec
        CommandSpec spec;

        @Option(names = "--id", required = true, description = "Merchant id, e.g. acme-eu.")
        String id;

        @Option(names = "--name", required = true, description = "Display name.")
        String name;

        @Option(names = "--admin", description = "Give the first key the admin role (reads every merchant's uploads).")
        boolean admin;

        @Override
        public Integer call() {
            var jdbi = database.jdbi();
            if (jdbi.withExtension(MerchantDao.class, dao -> dao.merchantExists(id))) {
                spec.commandLine().getErr().println("merchant " + id + " exists already; add a key with 'keys create'");
                return 1;
            }
            String key = MerchantAuth.createMerchantWithKey(jdbi, id, name, admin ? Merchant.ADMIN : Merchant.MERCHANT);
            spec.commandLine().getOut().println("merchant " + id + " created");
            spec.commandLine().getOut().println("API key (shown only now): " + key);
            return 0;
        }
    }
}
