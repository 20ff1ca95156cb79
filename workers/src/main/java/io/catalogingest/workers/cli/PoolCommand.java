package io.catalogingest.workers.cli;

import io.catalogingest.workers.WorkersConfiguration;
import io.dropwizard.core.Application;
import io.dropwizard.core.cli.ServerCommand;
import io.dropwizard.core.setup.Bootstrap;
import net.sourceforge.argparse4j.inf.Namespace;

/**
 * {@code workers split|catalog|images <config>}: the server with one pool only, so operators
 * deploy and scale the pools independently.
 */
public final class PoolCommand extends ServerCommand<WorkersConfiguration> {
    public enum Pool {
        SPLIT("splitter"), CATALOG("catalog-writer"), IMAGES("image-worker");

        final String description;

        Pool(String description) {
            this.description = description;
        }
    }

    private final Pool pool;

    public PoolCommand(Application<WorkersConfiguration> application, Pool pool) {
        super(application, pool.name().toLowerCase(java.util.Locale.ROOT),
                "Runs only the " + pool.description + " pool");
        this.pool = pool;
    }

    @Override
    protected void run(Bootstrap<WorkersConfiguration> bootstrap, Namespace namespace, WorkersConfiguration configuration)
            throws Exception {
        configuration.getSplit().setEnabled(pool == Pool.SPLIT);
        configuration.getCatalog().setEnabled(pool == Pool.CATALOG);
        configuration.getImages().setEnabled(pool == Pool.IMAGES);
        super.run(bootstrap, namespace, configuration);
    }
}
